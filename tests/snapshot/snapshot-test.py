#!/usr/bin/env python3
"""snapshot-test.py - the snapshot tests (tests/snapshot/CMakeLists.txt).

The guest is tests/guest/snap-counter.c on tests/guest/spike-clint.yaml,
in deterministic time (--icount): 40 lines, 2 ms of guest time apart, each
with mtime and a hash over a RAM buffer.  Cases:
  roundtrip  run A saves a snapshot at 40 ms (--snapshot-save-at) and runs
             on; run B starts from the file (--snapshot): B's console
             output must be a proper, non-empty suffix of A's (from the
             snapshot point on, byte-identical) and start mid-run
  info       `breadboard snapshot info` lists header, clock, the three
             sections with types and versions, and the RAM region
  refuse     each bad file is refused with a message naming the section
             and the reason, exit 1: truncated, a corrupted byte
             (checksum), a different RAM size, a missing device section,
             an extra device section, a newer section version, another
             --icount mode, not a snapshot, a schedule naming a hart the
             board lacks or more than a quantum; a file without the
             schedule record (older writers) still loads
  qmp        x-bb-snapshot-load of a bad file over QMP is refused and the
             VM runs on untouched (full output); x-bb-snapshot-load of the
             good one then cont gives B's output; x-bb-snapshot-save while
             paused and HMP savevm write files that start the same run
  edu-dma    riscv-virt with an edu (tests/snapshot/edu-dma.c): the
             snapshot is taken at 50 ms, while the guest's first 100 ms
             DMA is pending (edu's DMA timer armed); the run from it must
             print the rest byte for byte - the DMA completes at the same
             guest time, the factorial and the data carried by both DMAs
             are right
The file format is parsed here from docs/snapshots.md (records: tag, u32
length, payload, CRC-32) to make the newer-version and structure cases.
Only the Python standard library.  Exit 0 pass, 1 fail.
"""
import argparse
import json
import os
import struct
import subprocess
import sys
import tempfile
import time
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "monitor"))
from qmp_client import Qmp  # noqa: E402

SAVE_AT = 40_000_000  # ns of virtual time: mid-run
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
from checks import check, failures  # noqa: E402


class Env:
    def __init__(self, args, tmp):
        self.bb = args.bb
        self.board = os.path.join(args.src, "tests/guest/spike-clint.yaml")
        self.uart_board = os.path.join(args.src, "tests/guest/spike-uart.yaml")
        self.elf = args.elf
        self.accel = args.accel
        self.src = args.src
        self.edu_elf = args.edu_elf
        self.tmp = tmp

    def path(self, name):
        return os.path.join(self.tmp, name)

    def run(self, *extra, board=None, icount="--icount"):
        cmd = [self.bb, "run", board or self.board, "--kernel", self.elf,
               "--accel", self.accel] + ([icount] if icount else [])
        cmd += list(extra)
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=60)
        return p.returncode, p.stdout, p.stderr.decode(errors="replace")


def make_snapshot(env):
    """Run A: full output, and the snapshot taken at SAVE_AT."""
    snap = env.path("a.snap")
    rc, out, err = env.run("--snapshot-save", snap,
                           "--snapshot-save-at", str(SAVE_AT))
    if not check(rc == 0 and os.path.exists(snap),
                 f"run A: rc {rc}, snapshot written: {os.path.exists(snap)}"
                 f" ({err.strip()})"):
        sys.exit(1)
    return snap, out


# ------------------------------------------------------------ the format

def records(data):
    """[(tag, payload)] of a snapshot file."""
    assert data[:8] == b"BBSNAP\r\n"
    pos, out = 8, []
    while pos < len(data):
        tag = data[pos:pos + 4]
        (n,) = struct.unpack_from("<I", data, pos + 4)
        out.append((tag, data[pos + 8:pos + 8 + n]))
        pos += 12 + n
    return out


def build(recs):
    out = bytearray(b"BBSNAP\r\n")
    for tag, payload in recs:
        rec = tag + struct.pack("<I", len(payload)) + payload
        out += rec + struct.pack("<I", zlib.crc32(rec))
    return bytes(out)


def dev_path(payload):
    (n,) = struct.unpack_from("<H", payload, 0)
    return payload[2:2 + n].decode()


def bump_version(payload):
    """A DEV payload with its section's version + 1."""
    (n,) = struct.unpack_from("<H", payload, 0)
    pos = 2 + n
    (n,) = struct.unpack_from("<H", payload, pos)
    pos += 2 + n                       # type
    (n,) = struct.unpack_from("<H", payload, pos)
    pos += 2 + n                       # section name
    (v,) = struct.unpack_from("<I", payload, pos)
    return payload[:pos] + struct.pack("<I", v + 1) + payload[pos + 4:], v + 1


# ------------------------------------------------------------ cases

def case_roundtrip(env):
    snap, full = make_snapshot(env)
    rc, out, err = env.run("--snapshot", snap)
    check(rc == 0, f"run B: rc {rc} ({err.strip()})")
    check(len(out) > 0 and len(out) < len(full),
          f"run B printed {len(out)} bytes of run A's {len(full)}")
    check(full.endswith(out),
          "run B's output is not the end of run A's:\n--- A\n"
          f"{full.decode()}--- B\n{out.decode()}")
    check(not out.startswith(b"tick 0 "), "run B started from the beginning")
    # Saving is a pure observer: run A printed what a run without it does.
    rc, plain, _ = env.run()
    check(plain == full, "a run that saves a snapshot prints something else "
          "than one that does not")


def case_info(env):
    snap, _ = make_snapshot(env)
    p = subprocess.run([env.bb, "snapshot", "info", snap],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=30)
    text = p.stdout.decode()
    print(text)
    check(p.returncode == 0, f"snapshot info: rc {p.returncode}")
    for want in ["snapshot format 1, board riscv-spike-clint",
                 f"clock: deterministic, shift 0,",
                 f"virtual time {SAVE_AT} ns",
                 "schedule: hart 0's turn,",
                 "device /machine: type riscv-spike, section 'riscv-spike' "
                 "version 1",
                 "device /machine/hart0: type riscv64, section 'riscv64' "
                 "version 2",
                 "device /machine/clint: type sifive-clint, section "
                 "'sifive-clint' version 1",
                 "ram /machine:ram: 134217728 bytes", "end"]:
        check(want in text, f"snapshot info lacks {want!r}")
    # a damaged file is refused by info too
    bad = env.path("bad-info.snap")
    data = open(snap, "rb").read()
    open(bad, "wb").write(data[:len(data) // 2])
    p = subprocess.run([env.bb, "snapshot", "info", bad],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    check(p.returncode == 1 and b"truncated" in p.stderr,
          f"snapshot info of a truncated file: {p.returncode} {p.stderr}")
    # so is what is not a file: read whole, /dev/zero would never end
    for path in ("/dev/zero", env.path("")):
        p = subprocess.run([env.bb, "snapshot", "info", path],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=30)
        check(p.returncode == 1 and b"not a regular file" in p.stderr,
              f"snapshot info {path}: {p.returncode} {p.stderr}")


def refused(env, name, data, expect, *extra, board=None, icount="--icount"):
    path = env.path(name + ".snap")
    open(path, "wb").write(data)
    rc, out, err = env.run("--snapshot", path, *extra, board=board,
                           icount=icount)
    print(f"{name}: rc {rc}: {err.strip()}")
    ok = rc == 1 and out == b""
    for e in expect:
        ok = ok and e in err
    check(ok, f"{name}: expected a refusal naming {expect}, got rc {rc}, "
          f"stderr {err.strip()!r}, {len(out)} bytes of output")


def case_refuse(env):
    snap, _ = make_snapshot(env)
    data = open(snap, "rb").read()
    recs = records(data)

    refused(env, "truncated", data[:len(data) - 100], ["truncated", "RAM"])
    refused(env, "truncated-header", data[:20], ["truncated"])
    # a byte in the middle of the hart's section
    i = next(k for k, (t, p) in enumerate(recs)
             if t == b"DEV " and dev_path(p) == "/machine/hart0")
    off = 8 + sum(12 + len(p) for _, p in recs[:i]) + 8 + 40
    flipped = bytearray(data)
    flipped[off] ^= 0x20
    refused(env, "corrupted", bytes(flipped), ["DEV", "checksum"])
    refused(env, "ram-size", data,
            ["RAM /machine:ram", "134217728", "67108864"],
            "--set", "ram.size=64M")
    # the CLINT's section left out: the board's CLINT has no state
    no_clint = [(t, p) for t, p in recs
                if not (t == b"DEV " and dev_path(p) == "/machine/clint")]
    refused(env, "missing-device", build(no_clint),
            ["/machine/clint", "missing"])
    # a section for a device this board does not have
    extra = list(recs)
    clint = next(p for t, p in recs
                 if t == b"DEV " and dev_path(p) == "/machine/clint")
    ghost = struct.pack("<H", 14) + b"/machine/ghost" + clint[2 + 14:]
    extra.insert(i + 1, (b"DEV ", ghost))
    refused(env, "extra-device", build(extra),
            ["/machine/ghost", "extra device"])
    # another board: its PLIC and UART have no sections
    refused(env, "other-board", data, ["missing"],
            board=env.uart_board)
    # the hart's section from a newer version of its state table
    newer = list(recs)
    payload, v = bump_version(recs[i][1])
    newer[i] = (b"DEV ", payload)
    refused(env, "newer-version", build(newer),
            ["/machine/hart0", f"version {v} is not supported"])
    refused(env, "icount-mode", data, ["clock", "--icount"], icount=None)
    refused(env, "not-a-snapshot", b"hello world\n" * 4, ["bad magic"])
    # a snapshot with a damaged compressed RAM stream (valid checksum)
    j = next(k for k, (t, _) in enumerate(recs) if t == b"RAM ")
    ram = bytearray(recs[j][1])
    ram[-5] ^= 0xff
    bad_ram = list(recs)
    bad_ram[j] = (b"RAM ", bytes(ram))
    refused(env, "ram-stream", build(bad_ram), ["RAM /machine:ram"])
    # the hart schedule: a hart this board does not have, more than a
    # quantum left; a file without the record (older writers) loads
    k = next(n for n, (t, _) in enumerate(recs) if t == b"SCHD")
    for name, turn, left, want in (("sched-hart", 3, 0, "hart 3's turn"),
                                   ("sched-left", 0, 1 << 40,
                                    "instructions left")):
        sched = list(recs)
        sched[k] = (b"SCHD", struct.pack("<IQ", turn, left))
        refused(env, name, build(sched), ["schedule", want])
    path = env.path("no-sched.snap")
    open(path, "wb").write(build(recs[:k] + recs[k + 1:]))
    rc, out, err = env.run("--snapshot", path)
    check(rc == 0 and out, f"a file without a schedule record: rc {rc} "
          f"{err.strip()}")


def qmp_session(env, name, script, *extra):
    """Start paused with a QMP socket, run @script(qmp), let it finish."""
    sock = env.path(name + ".sock")
    cmd = [env.bb, "run", env.board, "--kernel", env.elf, "--accel",
           env.accel, "--icount", "--paused", "--qmp",
           f"unix:{sock},server,nowait"] + list(extra)
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        q = Qmp(sock)
        q.cmd("qmp_capabilities")
        script(q)
        out, err = p.communicate(timeout=60)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    return p.returncode, out, err.decode(errors="replace")


def case_qmp(env):
    snap, full = make_snapshot(env)
    rc, tail, _ = env.run("--snapshot", snap)
    data = open(snap, "rb").read()
    bad = env.path("bad.snap")
    # only the last section is bad: nothing before it may be applied
    recs = records(data)
    k = max(n for n, (t, _) in enumerate(recs) if t == b"DEV ")
    payload, _ = bump_version(recs[k][1])
    recs[k] = (b"DEV ", payload)
    open(bad, "wb").write(build(recs))

    def refuse_then_run(q):
        r = q.cmd_full("x-bb-snapshot-load", {"file": bad})
        check("error" in r and "not supported" in r["error"]["desc"],
              f"x-bb-snapshot-load of a bad file: {r}")
        r = q.cmd_full("cont")
        check("return" in r, f"cont: {r}")
    rc, out, err = qmp_session(env, "refuse", refuse_then_run)
    check(rc == 0 and out == full,
          f"after a refused load the VM did not run as if untouched (rc {rc}"
          f", {len(out)} of {len(full)} bytes) {err}")

    def load_then_run(q):
        r = q.cmd_full("x-bb-snapshot-load", {"file": snap})
        check(r.get("return") == {}, f"x-bb-snapshot-load: {r}")
        q.cmd("cont")
    rc, out, err = qmp_session(env, "load", load_then_run)
    check(rc == 0 and out == tail,
          f"QMP load + cont: rc {rc}, output differs from --snapshot's {err}")

    saved = env.path("qmp-saved.snap")
    hmp_saved = env.path("hmp-saved.snap")

    def save_paused(q):
        r = q.cmd_full("x-bb-snapshot-save", {"file": saved})
        check(r.get("return") == {}, f"x-bb-snapshot-save: {r}")
        r = q.cmd_full("human-monitor-command",
                       {"command-line": f"savevm {hmp_saved}"})
        check(r.get("return") == "", f"HMP savevm: {r}")
        q.cmd("quit")
    qmp_session(env, "save", save_paused, "--snapshot", snap)
    for f in (saved, hmp_saved):
        # nothing ran between load and save: the same file, byte for byte
        # (clock, timer deadlines, every section, RAM)
        check(open(f, "rb").read() == data,
              f"{os.path.basename(f)}: saved right after loading, it "
              "differs from the snapshot loaded")
        rc, out, err = env.run("--snapshot", f)
        check(rc == 0 and out == tail,
              f"{os.path.basename(f)}: rc {rc}, output differs {err}")


def case_edu_dma(env):
    board = os.path.join(env.src, "boards/riscv-virt.yaml")
    base = [env.bb, "run", board, "--icount=3", "--accel", env.accel,
            "--bios", env.edu_elf,
            "--device", "edu,bus=pcie0,slot=1,dma_mask=0xffffffffff"]
    snap = env.path("edu.snap")

    def run(*extra):
        p = subprocess.run(base + list(extra), stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=100)
        return p.returncode, p.stdout, p.stderr.decode(errors="replace")

    rc, full, err = run("--snapshot-save", snap, "--snapshot-save-at",
                        "50000000")
    check(rc == 0, f"run A: rc {rc} {err}")
    text = full.decode()
    check("factorial 3628800" in text and "dma2 sum " in text,
          f"run A did not finish the DMAs:\n{text}")
    rc, out, err = run("--snapshot", snap)
    check(rc == 0, f"run B: rc {rc} {err}")
    tail = out.decode()
    check(0 < len(out) < len(full) and full.endswith(out),
          f"run B's output is not the end of run A's:\n--- A\n{text}"
          f"--- B\n{tail}")
    # the snapshot point is inside the first DMA
    check(tail.startswith("dma1 wait "),
          f"run B does not start while DMA 1 is pending: {tail[:60]!r}")
    p = subprocess.run([env.bb, "snapshot", "info", snap],
                       stdout=subprocess.PIPE, timeout=30)
    check(b"type edu, section 'edu' version" in p.stdout,
          f"no edu section in the snapshot: {p.stdout.decode()}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("case", choices=["roundtrip", "info", "refuse", "qmp",
                                     "edu-dma"])
    ap.add_argument("--edu-elf")
    ap.add_argument("--bb", required=True)
    ap.add_argument("--src", required=True)
    ap.add_argument("--elf", required=True)
    ap.add_argument("--accel", default="jit")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bb-snapshot-") as tmp:
        env = Env(args, tmp)
        globals()["case_" + args.case.replace("-", "_")](env)
    if failures:
        print(f"{len(failures)} failure(s)")
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
