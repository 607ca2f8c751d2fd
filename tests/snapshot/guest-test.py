#!/usr/bin/env python3
"""guest-test.py - snapshot round trips with real guests (docs/snapshots.md,
"What the guest tests prove"); tests/snapshot/CMakeLists.txt runs it.

Usage: guest-test.py CASE --bb BREADBOARD --src SRC_DIR [--accel A]
Every run is in deterministic time (--icount) on boards/riscv-virt*.yaml
with Debian's OpenSBI (fw_jump).  In each case run A saves a snapshot and
runs on to the guest's power-off; run B, a fresh process, starts from the
file (--snapshot FILE) and gets the same input; B's console output must be
byte for byte what A printed after the snapshot point, and both must exit
with 0.  Input is typed after fixed output markers (a prompt, a line), the
same markers in both runs, never at host times.  The snapshot point in A's
output is exact: with --snapshot-save-at, A's stderr shares the pipe with
its console and the CLI's "saved FILE at NS ns" note (written after the
console output is flushed) marks it; over QMP, A is stopped at an idle
prompt and everything printed before the stop is the part before the point.

Cases:
  uboot-boot     U-Boot (S-mode, on OpenSBI) saved at a fixed virtual time
                 while the firmware is printing its banner; after the point:
                 stop the autoboot, `echo`, `version`, `poweroff`
  uboot-prompt   the same with an edu on pcie0 slot 1: at the prompt after
                 two commands, stopped, saved and continued over QMP; after
                 the point `pci` (enumerates the bus: config space of the
                 restored host bridge and edu), `pci bar`, edu's ID and
                 liveness registers through BAR0, `poweroff`
  linux-1hart-boot   the project kernel (tests/linux, /init checks the
  linux-2hart-boot   machine and powers off) saved during kernel init
                     (drivers probing, the timer armed)
  linux-1hart-init   the same with an edu on pcie0, saved during /init's
  linux-2hart-init   edu checks while edu's interrupt is raised and not
                     yet acknowledged
  linux-2hart-qmp    2 harts, stopped, saved and continued over QMP as
                     soon as /init has started (a host-timed point: the
                     execution slice is cut short mid-quantum); A and B
                     both save the VM again at 1.1 s: identical files
For the save-at Linux cases B and a run C from the start also save the
whole VM 20 ms of guest time after the point, and the two files must be
byte-identical (RAM, every device and hart, the clock: stricter than the
console); C's console must equal A's (saving is a pure observer); and B
must end with /init's "bb-init: result PASS".  Skips (77) when the firmware or the
project kernel is missing (build it with the linux-guests target).
Only the Python standard library.  Exit 0 pass, 1 fail, 77 skipped.
"""
import argparse
import os
import re
import struct
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "monitor"))
from qmp_client import Qmp  # noqa: E402

SBI = "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin"
UBOOT = "/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin"
TIMEOUT = float(os.environ.get("BB_SNAPSHOT_GUEST_TIMEOUT", "120"))
PROMPT = r"=> "

# Virtual times of the --snapshot-save-at cases (ns; docs/snapshots.md).
# U-Boot: in the middle of its banner, mid-line (after "Loading
# Environment from nowhere... ", before its "OK").  Linux: 50 ms is
# during the kernel's driver init (after PCI, before the serial driver);
# the /init points are inside its edu checks, the factorial done and
# edu's interrupt raised, not yet acknowledged.  The tests check that each
# point is where this says (a kernel or /init change can move it).
UBOOT_SAVE_AT = 14_000_000
LINUX_BOOT_SAVE_AT = 50_000_000
LINUX_INIT_SAVE_AT = {1: 69_300_000, 2: 79_005_000}
# The Linux cases save the whole VM again this much later, from the
# snapshot and from the start, and compare the files.
LATER_NS = 20_000_000
# linux-2hart-qmp's later save: in /init's 1.2 s RTC wait, well after
# the stop (which comes at "Run /init", about 85 ms).
QMP_LATER_NS = 1_100_000_000

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
from checks import check, failures  # noqa: E402


def skip(msg):
    print("SKIP:", msg)
    sys.exit(77)


class Run:
    """A breadboard process: stdin a pipe, the console (and, with @merge,
    stderr) collected by a thread, expect-style helpers."""

    def __init__(self, argv, merge):
        self.argv = argv
        self.p = subprocess.Popen(
            argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT if merge else subprocess.PIPE)
        self.out = b""
        self.err = b""
        self.lock = threading.Condition()
        self.deadline = time.monotonic() + TIMEOUT
        self.threads = [threading.Thread(target=self._pump,
                                         args=(self.p.stdout, "out"))]
        if not merge:
            self.threads.append(threading.Thread(target=self._pump,
                                                 args=(self.p.stderr, "err")))
        for t in self.threads:
            t.daemon = True
            t.start()

    def _pump(self, f, attr):
        while True:
            data = os.read(f.fileno(), 65536)
            with self.lock:
                if not data:
                    self.lock.notify_all()
                    return
                setattr(self, attr, getattr(self, attr) + data)
                self.lock.notify_all()

    def fail(self, msg):
        tail = self.out.decode(errors="replace").splitlines()[-30:]
        print(f"FAIL: {msg}\ncommand: {' '.join(self.argv)}")
        print("--- console (last 30 lines)\n" + "\n".join(tail))
        print("--- stderr\n" + self.err.decode(errors="replace")[-2000:])
        self.kill()
        sys.exit(1)

    def expect(self, pattern, start):
        """Wait until the output from offset @start matches @pattern (a
        regex); returns the match."""
        rx = re.compile(pattern.encode())
        with self.lock:
            while True:
                m = rx.search(self.out, start)
                if m:
                    return m
                if self.p.poll() is not None and \
                        not any(t.is_alive() for t in self.threads):
                    break
                left = self.deadline - time.monotonic()
                if left <= 0:
                    break
                self.lock.wait(min(left, 0.5))
        self.fail(f"no {pattern!r} after offset {start} (exit "
                  f"{self.p.poll()})")

    def quiet(self, secs=0.5):
        """Wait until nothing arrived for @secs (a stopped VM's last
        output is in the pipe); returns the output length."""
        n = -1
        while n != len(self.out):
            n = len(self.out)
            time.sleep(secs)
        return n

    def send(self, text):
        self.p.stdin.write(text.encode())
        self.p.stdin.flush()

    def drive(self, steps, start):
        """Each step: wait for its marker from where the last one matched,
        then type its text."""
        pos = start
        for marker, text in steps:
            pos = self.expect(marker, pos).end()
            if text:
                self.send(text)
        return pos

    def wait(self):
        try:
            rc = self.p.wait(timeout=max(1, self.deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            self.fail("timed out waiting for the guest to power off")
        for t in self.threads:
            t.join(5)
        return rc

    def kill(self):
        if self.p.poll() is None:
            self.p.kill()
            self.p.wait()


def note_rx(snap, at):
    return (r"breadboard: --snapshot-save: saved " + re.escape(snap) +
            f" at {at} ns\n")


def round_trip_save_at(base, snap, at, steps, b_extra=()):
    """Run A with --snapshot-save-at @at, run B from the file (and
    @b_extra); both driven by @steps after the point.  Returns (A's whole
    output without the note, A's output after the point, B's output)."""
    a = Run(base + ["--snapshot-save", snap, "--snapshot-save-at", str(at)],
            merge=True)
    m = a.expect(note_rx(snap, at), 0)
    a.drive(steps, m.end())
    rc = a.wait()
    check(rc == 0, f"run A: exit {rc}, expected 0 (power-off)")
    check(len(re.findall(note_rx(snap, at).encode(), a.out)) == 1,
          "run A: the snapshot note is not there exactly once")
    before, after = a.out[:m.start()], a.out[m.end():]
    b = Run(base + ["--snapshot", snap] + list(b_extra), merge=False)
    b.drive(steps, 0)
    rc = b.wait()
    check(rc == 0, f"run B: exit {rc}, expected 0 ({b.err.decode()})")
    compare(before, after, b.out)
    return before + after, after, b.out


def compare(before, after, b_out):
    check(len(before) > 0 and len(after) > 0,
          f"the snapshot point is not inside the run ({len(before)} bytes "
          f"before it, {len(after)} after)")
    if not check(b_out == after,
                 f"run B's console ({len(b_out)} bytes) is not run A's after "
                 f"the snapshot point ({len(after)} bytes)"):
        for i, (x, y) in enumerate(zip(after, b_out)):
            if x != y:
                break
        else:
            i = min(len(after), len(b_out))
        print(f"first difference at byte {i}:\n--- A\n"
              f"{after[max(0, i - 200):i + 300].decode(errors='replace')}\n"
              f"--- B\n{b_out[max(0, i - 200):i + 300].decode(errors='replace')}")


# ------------------------------------------------------------ U-Boot

def uboot_base(args, extra=()):
    for f in (SBI, UBOOT):
        if not os.path.isfile(f):
            skip(f"{f} missing (packages opensbi, u-boot-qemu)")
    return [args.bb, "run", os.path.join(args.src, "boards/riscv-virt.yaml"),
            "--bios", SBI, "--kernel", UBOOT, "--icount",
            "--accel", args.accel] + list(extra)


def prompt_steps(cmds, at_prompt=False):
    """Type each of @cmds at a prompt, then poweroff; @at_prompt: the
    first prompt is already there (the first command goes at once)."""
    steps = [(PROMPT, c + "\n") for c in cmds + ["poweroff"]]
    if at_prompt:
        steps[0] = ("", steps[0][1])
    return steps


def case_uboot_boot(args, tmp):
    base = uboot_base(args)
    snap = os.path.join(tmp, "uboot-boot.snap")
    steps = [(r"Hit any key to stop autoboot", "\n")]
    steps += prompt_steps(["echo after-load", "version"])
    whole, after, _ = round_trip_save_at(base, snap, UBOOT_SAVE_AT, steps)
    # The point is in the firmware's output, before the prompt.
    before = whole[:len(whole) - len(after)]
    check(b"\nU-Boot 20" in before and b"Hit any key" in after,
          "the snapshot was not taken inside U-Boot's banner")
    check(b"after-load\r\n" in after, "U-Boot did not run `echo` after the load")


def case_uboot_prompt(args, tmp):
    base = uboot_base(args, ["--device", "edu,bus=pcie0,slot=1"])
    snap = os.path.join(tmp, "uboot-prompt.snap")
    sock = os.path.join(tmp, "qmp.sock")
    before_cmds = ["echo before-snapshot", "version"]
    after_cmds = ["pci", "pci bar 00.01.00", "md.l 0x40000000 1",
                  "mw.l 0x40000004 0x12345678", "md.l 0x40000004 1"]
    a = Run(base + ["--qmp", f"unix:{sock},server,nowait"], merge=True)
    q = Qmp(sock)
    q.cmd("qmp_capabilities")
    pos = a.drive([(r"Hit any key to stop autoboot", "\n")], 0)
    for c in before_cmds:
        pos = a.drive([(PROMPT, c + "\n")], pos)
    pos = a.expect(PROMPT, pos).end()     # idle at the third prompt
    q.cmd("stop")
    point = a.quiet()
    check(point == pos, f"U-Boot printed after its prompt ({point - pos} "
          "bytes): not idle")
    r = q.cmd_full("x-bb-snapshot-save", {"file": snap})
    check(r.get("return") == {}, f"x-bb-snapshot-save: {r}")
    q.cmd("cont")
    a.drive(prompt_steps(after_cmds, True), point)
    rc = a.wait()
    q.close()
    check(rc == 0, f"run A: exit {rc}, expected 0 (power-off)")
    after = a.out[point:]
    b = Run(base + ["--snapshot", snap], merge=False)
    b.drive(prompt_steps(after_cmds, True), 0)
    rc = b.wait()
    check(rc == 0, f"run B: exit {rc}, expected 0 ({b.err.decode()})")
    compare(a.out[:point], after, b.out)
    # What the commands after the load show: edu listed by `pci` with
    # QEMU's IDs, its identification register (0x010000ed) and liveness.
    text = b.out.decode(errors="replace")
    check(re.search(r"00\.01\.00\s+0x1234\s+0x11e8", text) is not None,
          "`pci` after the load does not list edu (1234:11e8) at 00.01.00")
    check("40000000: 010000ed" in text,
          "edu's identification register after the load is not 010000ed")
    check("40000004: edcba987" in text,
          "edu's liveness register after the load is not ~0x12345678")


# ------------------------------------------------------------ Linux

def project_kernel(src):
    try:
        path = subprocess.run([f"{src}/scripts/guests/build-kernel.sh",
                               "--path"], check=True, capture_output=True,
                              text=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError) as e:
        skip(f"scripts/guests/build-kernel.sh --path: {e}")
    if not os.path.isfile(path):
        skip(f"{path} missing: build the guests with "
             "`cmake --build build --target linux-guests`")
    return path


def linux_base(args, harts):
    if not os.path.isfile(SBI):
        skip(f"{SBI} missing (package opensbi)")
    kernel = project_kernel(args.src)
    board = {1: "riscv-virt.yaml", 2: "riscv-virt-smp2.yaml"}[harts]
    return [args.bb, "run", os.path.join(args.src, "boards", board),
            "--bios", SBI, "--kernel", kernel, "--append",
            "console=ttyS0 earlycon", "--icount", "--accel", args.accel]


def snap_vtime(path):
    """The virtual time (ns) in a snapshot's clock record (the format is
    in docs/snapshots.md: magic, records of tag, u32 length, payload)."""
    data = open(path, "rb").read()
    pos = 8
    while pos + 8 <= len(data):
        tag = data[pos:pos + 4]
        (n,) = struct.unpack_from("<I", data, pos + 4)
        if tag == b"CLCK":
            _, shift, insns, warp, vtime = struct.unpack_from(
                "<BBQqq", data, pos + 8)
            return (insns << shift) + warp
        pos += 12 + n
    return None


def case_linux_qmp(args, tmp):
    """2 harts stopped over QMP wherever the host's timing puts the stop
    (as soon as /init has started): the exec loop's slice is cut short
    there, mid-quantum, so this is where a scheduler position that the
    snapshot lacks would show.  A and B also save the whole VM at
    QMP_LATER_NS and the files must be byte-identical."""
    base = linux_base(args, 2)
    snap = os.path.join(tmp, "linux-qmp.snap")
    sock = os.path.join(tmp, "qmp.sock")
    snap_a = os.path.join(tmp, "a-later.snap")
    snap_b = os.path.join(tmp, "b-later.snap")
    a = Run(base + ["--qmp", f"unix:{sock},server,nowait", "--snapshot-save",
                    snap_a, "--snapshot-save-at", str(QMP_LATER_NS)],
            merge=True)
    q = Qmp(sock)
    q.cmd("qmp_capabilities")
    a.expect(r"Run /init as init process", 0)
    q.cmd("stop")
    point = a.quiet()
    r = q.cmd_full("x-bb-snapshot-save", {"file": snap})
    check(r.get("return") == {}, f"x-bb-snapshot-save: {r}")
    q.cmd("cont")
    rc = a.wait()
    q.close()
    check(rc == 0, f"run A: exit {rc}, expected 0 (power-off)")
    a_out = re.sub(note_rx(snap_a, QMP_LATER_NS).encode(), b"", a.out)
    b = Run(base + ["--snapshot", snap, "--snapshot-save", snap_b,
                    "--snapshot-save-at", str(QMP_LATER_NS)], merge=False)
    rc = b.wait()
    check(rc == 0, f"run B: exit {rc}, expected 0 ({b.err.decode()})")
    compare(a_out[:point], a_out[point:], b.out)
    check("bb-init: result PASS" in b.out.decode(errors="replace"),
          "run B: no 'bb-init: result PASS'")
    t = snap_vtime(snap)
    if t is None or t >= QMP_LATER_NS:
        # The host was slow enough for the guest to pass the later point
        # before the stop: the console comparison above still holds.
        print(f"note: stopped at {t} ns, after {QMP_LATER_NS}: no state "
              "comparison")
        return
    same = (os.path.isfile(snap_a) and os.path.isfile(snap_b) and
            open(snap_a, "rb").read() == open(snap_b, "rb").read())
    check(same, f"the VM state at {QMP_LATER_NS} ns differs between run A "
          f"and the run from its snapshot (taken at {t} ns)")


def case_linux(args, tmp, harts, point):
    base = linux_base(args, harts)
    at = LINUX_BOOT_SAVE_AT
    if point == "init":
        base += ["--device", "edu,bus=pcie0,slot=1"]
        at = LINUX_INIT_SAVE_AT[harts]
    snap = os.path.join(tmp, f"linux-{harts}-{point}.snap")
    # Beyond the console: run B and a run from the start (C) both save
    # the whole VM again 20 ms of guest time later; the two files (RAM,
    # every device and hart, the clock) must be byte-identical.
    later = at + LATER_NS
    snap_b = os.path.join(tmp, "b-later.snap")
    snap_c = os.path.join(tmp, "c-later.snap")
    whole, after, b_out = round_trip_save_at(
        base, snap, at, [],
        ["--snapshot-save", snap_b, "--snapshot-save-at", str(later)])
    before = whole[:len(whole) - len(after)].decode(errors="replace")
    c = Run(base + ["--snapshot-save", snap_c, "--snapshot-save-at",
                    str(later)], merge=True)
    rc = c.wait()
    c_out = re.sub(note_rx(snap_c, later).encode(), b"", c.out)
    check(rc == 0 and c_out == whole,
          f"a run that saves at another time prints something else (exit "
          f"{rc}, {len(c_out)} vs {len(whole)} bytes)")
    same = (os.path.isfile(snap_b) and os.path.isfile(snap_c) and
            open(snap_b, "rb").read() == open(snap_c, "rb").read())
    check(same, f"the VM state {LATER_NS} ns after the point differs "
          "between the run from the snapshot and the run from the start "
          "(compare them with `breadboard snapshot info`)")
    text = b_out.decode(errors="replace")
    check("bb-init: result PASS" in text, "run B: no 'bb-init: result PASS'")
    check(f"bb-init: harts online {harts}" in whole.decode(errors="replace"),
          f"run A: not {harts} harts online")
    if point == "boot":
        check("Linux version" in before and "Run /init as init process" in
              text, "the snapshot was not taken during kernel init")
    else:
        check("bb-init: edu 0000:00:01.0 enable ok" in before and
              "bb-init: edu interrupt status 00000000 after ack ok" in text,
              "the snapshot was not taken inside /init's edu checks")
        check("bb-init: edu factorial 5 = 120 ok" in
              whole.decode(errors="replace"), "run A: edu checks failed")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("case")
    ap.add_argument("--bb", required=True)
    ap.add_argument("--src", required=True)
    ap.add_argument("--accel", default="jit")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.case == "uboot-boot":
            case_uboot_boot(args, tmp)
        elif args.case == "uboot-prompt":
            case_uboot_prompt(args, tmp)
        elif args.case == "linux-2hart-qmp":
            case_linux_qmp(args, tmp)
        elif re.fullmatch(r"linux-[12]hart-(boot|init)", args.case):
            case_linux(args, tmp, int(args.case[6]), args.case.split("-")[2])
        else:
            print(f"unknown case {args.case}")
            return 2
    if failures:
        print(f"{len(failures)} failure(s)")
        return 1
    print(f"PASS: {args.case}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
