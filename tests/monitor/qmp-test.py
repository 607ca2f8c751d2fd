#!/usr/bin/env python3
"""qmp-test.py - the monitor's tests (tests/monitor/CMakeLists.txt).

Runs breadboard on riscv-virt with the pattern.S guest and drives it:
  qmp        the QMP session end to end: greeting, negotiation, stop/cont/
             query-status with their events, qom-list of /machine,
             pmemsave/memsave compared with the guest's pattern, x-bb-
             registers, x-bb- memory/mtree/devices/irqs/plugins,
             human-monitor-command, errors, system_reset (RESET), quit
  hmp        --monitor stdio through a pipe, and --no-shutdown
  client     `breadboard qmp SOCKET COMMAND [ARGS]`
  bad-input  malformed JSON, non-objects, a message over the limit,
             clients leaving mid-message, 20 clients at once; the guest
             keeps running throughout
  docs       the "$ breadboard qmp" examples in docs/monitor.md, run as
             written against a guest
  qemu       the same QMP script against qemu-system-riscv64 -M virt,
             comparing reply shapes (keys and JSON types)
Only the Python standard library is used.  Exit 0 pass, 1 fail, 77 skip.
"""
import argparse
import json
import os
import re
import shlex
import socket
import subprocess
import sys
import tempfile
import time

from qmp_client import Qmp

PATTERN_BASE = 0x80100000
COUNTER = 0x80101000
PATTERN = b"".join((0x5A000000 + i).to_bytes(4, "little") for i in range(1024))

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
from checks import check, failures  # noqa: E402


def start_breadboard(o, tmp, *extra, paused=True, qmp=("qmp.sock",),
                     stdin=subprocess.DEVNULL):
    cmd = [o.bb, "run", os.path.join(o.src, "boards", "riscv-virt.yaml"),
           "--icount", "--bios", o.elf, "--set", "boot.kernel=",
           "--set", "chardevs.serial0=null"]
    if paused:
        cmd.append("--paused")
    for q in qmp:
        cmd += ["--qmp", "unix:%s,server,nowait" % os.path.join(tmp, q)]
    cmd += list(extra)
    return subprocess.Popen(cmd, stdin=stdin, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)


def finish(proc, timeout=20):
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        check(False, "process did not exit")
    return proc.returncode, out.decode(errors="replace"), \
        err.decode(errors="replace")


def cpu_ticks(pid):
    """User + system CPU time of @pid, in clock ticks."""
    fields = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def mem_read(q, addr, size, physical=True):
    r = q.cmd("x-bb-memory-read", {"address": addr, "size": size,
                                   "physical": physical})
    return bytes.fromhex(r["data"])


def counter(q):
    return int.from_bytes(mem_read(q, COUNTER, 8), "little")


def wait_counter(q, minimum=1, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        v = counter(q)
        if v >= minimum:
            return v
        time.sleep(0.05)
    return counter(q)


# ------------------------------------------------------------------ qmp

def test_qmp(o, tmp):
    proc = start_breadboard(o, tmp)
    q = Qmp(os.path.join(tmp, "qmp.sock"))
    g = q.greeting
    check(set(g) == {"QMP"}, "greeting has QMP only: %r" % g)
    v = g["QMP"]["version"]
    check(all(isinstance(v["qemu"][k], int)
              for k in ("major", "minor", "micro")),
          "greeting version ints: %r" % v)
    check(v["package"].startswith("breadboard"), "package names us")
    check(g["QMP"]["capabilities"] == [], "no capabilities offered")

    r = q.cmd_full("query-status", id_="early")
    check(r.get("error", {}).get("class") == "CommandNotFound" and
          "qmp_capabilities" in r["error"]["desc"] and r.get("id") == "early",
          "command before negotiation refused with id: %r" % r)
    check(q.cmd("qmp_capabilities") == {}, "qmp_capabilities returns {}")
    r = q.cmd_full("qmp_capabilities")
    check(r.get("error", {}).get("class") == "CommandNotFound" and
          "already complete" in r["error"]["desc"], "second negotiation")

    st = q.cmd("query-status")
    check(st == {"running": False, "singlestep": False,
                 "status": "prelaunch"}, "prelaunch status: %r" % st)
    check(counter(q) == 0, "the guest has not run while prelaunch")

    # an id of any JSON type is echoed verbatim
    for id_ in ([1, "two"], {"k": None}, None, 7.5):
        r = q.cmd_full("query-version", id_=id_)
        check(r.get("id") == id_ and "return" in r, "id echoed: %r" % (id_,))

    check(q.cmd("cont") == {}, "cont returns {}")
    check(q.wait_event("RESUME") is not None, "RESUME event after cont")
    check(q.cmd("query-status")["status"] == "running", "running after cont")
    check(wait_counter(q, 1000) >= 1000, "the guest counts while running")

    check(q.cmd("stop") == {}, "stop returns {}")
    ev = q.wait_event("STOP")
    check(ev is not None and set(ev["timestamp"]) ==
          {"seconds", "microseconds"}, "STOP event with a timestamp")
    st = q.cmd("query-status")
    check(st["status"] == "paused" and st["running"] is False,
          "paused after stop: %r" % st)
    c1 = counter(q)
    cpu0 = cpu_ticks(proc.pid)
    time.sleep(1.0)
    check(counter(q) == c1, "the guest does not run while paused")
    check(cpu_ticks(proc.pid) - cpu0 < 30,
          "no busy loop while paused (%d ticks in 1 s)"
          % (cpu_ticks(proc.pid) - cpu0))
    check(q.cmd("stop") == {}, "stop while paused is a no-op")

    # pmemsave / memsave of the pattern
    path = os.path.join(tmp, "pmem.bin")
    check(q.cmd("pmemsave", {"val": PATTERN_BASE, "size": 4096,
                             "filename": path}) == {}, "pmemsave")
    check(open(path, "rb").read() == PATTERN, "pmemsave matches the pattern")
    path2 = os.path.join(tmp, "vmem.bin")
    check(q.cmd("memsave", {"val": PATTERN_BASE, "size": 4096,
                            "filename": path2, "cpu-index": 0}) == {},
          "memsave")
    check(open(path2, "rb").read() == PATTERN, "memsave matches the pattern")
    r = q.cmd_full("memsave", {"val": 0, "size": 4, "filename": path2,
                               "cpu-index": 5})
    check("expects a CPU number" in r.get("error", {}).get("desc", ""),
          "memsave with a bad cpu-index: %r" % r)
    r = q.cmd_full("pmemsave", {"val": PATTERN_BASE, "size": 4,
                                "filename": "/nonexistent/dir/x"})
    check(r.get("error", {}).get("desc", "").startswith("Could not open"),
          "pmemsave to an unwritable file: %r" % r)

    # registers
    regs = q.cmd("x-bb-registers", {"cpu-index": 0})
    gen = regs["registers"]["general"]
    check(int(gen["s1"], 16) == 0x0123456789ABCDEF, "s1 holds the magic")
    check(int(gen["s2"], 16) == PATTERN_BASE, "s2 holds the base")
    a0 = int(gen["a0"], 16)
    check(a0 - c1 in (0, 1), "a0 (%d) is the counter (%d)" % (a0, c1))
    check(int(regs["pc"], 16) >= 0x80000000, "pc in RAM")
    check(int(regs["registers"]["float"]["fs0"], 16) == 0x3FF8000000000000,
          "fs0 = 1.5")
    check(int(regs["registers"]["system"]["priv"], 16) == 3, "M-mode")
    check(int(regs["registers"]["system"]["mstatus"], 16) & 0x6000,
          "mstatus.FS set")

    # x-bb-memory-read/write, physical and virtual
    check(mem_read(q, PATTERN_BASE, 8) == PATTERN[:8], "memory-read phys")
    check(mem_read(q, PATTERN_BASE + 4, 4, physical=False) == PATTERN[4:8],
          "memory-read virtual")
    check(q.cmd("x-bb-memory-write", {"address": PATTERN_BASE + 8,
                                      "data": "deadbeef"}) == {},
          "memory-write")
    check(mem_read(q, PATTERN_BASE + 8, 4) == bytes.fromhex("deadbeef"),
          "memory-write landed")
    r = q.cmd_full("x-bb-memory-write", {"address": PATTERN_BASE,
                                         "data": "xyz"})
    check(r.get("error", {}).get("class") == "GenericError",
          "memory-write refuses non-hex")

    # patching code: the change runs (translations of it are dropped)
    code = mem_read(q, 0x80000000, 0x100)
    at = code.find((0x00150513).to_bytes(4, "little"))
    check(at >= 0 and at % 4 == 0, "the loop's addi is in the program")
    q.cmd("x-bb-memory-write", {"address": 0x80000000 + at,
                                "data": (0x00050513).to_bytes(4,
                                                              "little").hex(),
                                "physical": False})  # addi a0, a0, 0
    q.cmd("cont")
    time.sleep(0.2)
    c2 = counter(q)
    time.sleep(0.3)
    check(counter(q) == c2, "patched to +0: the counter stands still")
    q.cmd("stop")
    q.cmd("x-bb-memory-write", {"address": 0x80000000 + at,
                                "data": (0x00150513).to_bytes(4,
                                                              "little").hex(),
                                "physical": True})  # back to +1
    q.cmd("cont")
    check(wait_counter(q, c2 + 1000) >= c2 + 1000, "patched back: counts")
    q.cmd("stop")

    # QOM
    lst = q.cmd("qom-list", {"path": "/machine"})
    check(all(set(e) >= {"name", "type"} for e in lst), "qom-list shape")
    children = [e for e in lst if e["type"].startswith("child<")]
    check(len(children) > 0, "qom-list /machine shows children: %r" % lst)
    check(q.cmd("qom-get", {"path": "/machine", "property": "type"}) ==
          "riscv-virt", "qom-get type")
    r = q.cmd_full("qom-get", {"path": "/nosuch", "property": "type"})
    check(r.get("error") == {"class": "DeviceNotFound",
                             "desc": "Device '/nosuch' not found"},
          "qom-get bad path: %r" % r)
    r = q.cmd_full("qom-get", {"path": "/machine", "property": "nosuch"})
    check(r.get("error", {}).get("desc", "").endswith(".nosuch' not found"),
          "qom-get bad property: %r" % r)
    cpus = q.cmd("query-cpus-fast")
    check(len(cpus) == 1 and cpus[0]["cpu-index"] == 0 and
          cpus[0]["target"] == "riscv64" and
          cpus[0]["props"] == {"core-id": 0}, "query-cpus-fast: %r" % cpus)
    check(q.cmd("qom-get", {"path": cpus[0]["qom-path"],
                            "property": "hartid"}) == 0, "qom-get hartid")

    # HMP through QMP
    out = q.cmd("human-monitor-command", {"command-line": "info status"})
    check(out == "VM status: paused\r\n", "HMP info status: %r" % out)
    out = q.cmd("human-monitor-command",
                {"command-line": "xp /2xw 0x%x" % PATTERN_BASE})
    check("0x5a000000 0x5a000001" in out, "HMP xp: %r" % out)
    out = q.cmd("human-monitor-command", {"command-line": "nosuch"})
    check(out == "unknown command: 'nosuch'\r\n", "HMP unknown: %r" % out)

    # the rest of ours
    mt = q.cmd("x-bb-mtree")
    check(any("ram" in l for l in mt["tree"]) and len(mt["flat-view"]) > 0,
          "x-bb-mtree")
    devs = q.cmd("x-bb-devices")
    check(any(d["type"] == "ns16550a" for d in devs), "x-bb-devices: uart")
    irqs = q.cmd("x-bb-irqs")
    check(any(l["levels"] and set(l["levels"]) <= {0, 1}
              for d in irqs for l in d["lines"]), "x-bb-irqs")
    plugins = q.cmd("x-bb-plugins")
    check(any(p["name"] == "riscv" and p["loaded"] for p in plugins),
          "x-bb-plugins")
    names = {c["name"] for c in q.cmd("query-commands")}
    check({"query-status", "qom-list", "x-bb-registers", "quit"} <= names,
          "query-commands")

    # argument errors, QEMU's wording
    def err(name, args):
        return q.cmd_full(name, args).get("error", {})
    check(err("nosuch", None) == {"class": "CommandNotFound",
                                  "desc": "The command nosuch has not been "
                                          "found"}, "unknown command")
    check(err("qom-get", {"path": "/machine"})["desc"] ==
          "Parameter 'property' is missing", "missing argument")
    check(err("qom-list", {"path": 3})["desc"] ==
          "Invalid parameter type for 'path', expected: string", "bad type")
    check(err("stop", {"x": 1})["desc"] == "Parameter 'x' is unexpected",
          "unexpected argument")

    # reset while paused: RESET, then prelaunch (QEMU)
    check(q.cmd("system_reset") == {}, "system_reset")
    ev = q.wait_event("RESET")
    check(ev is not None and ev["data"] == {"guest": False,
                                            "reason": "host-qmp-system-reset"},
          "RESET event: %r" % ev)
    check(q.cmd("query-status")["status"] == "prelaunch",
          "prelaunch after a reset while paused")
    regs = q.cmd("x-bb-registers")
    check(int(regs["pc"], 16) == 0x1000 and
          int(regs["registers"]["general"]["s1"], 16) == 0,
          "the hart is reset (pc at the reset vector, s1 = 0): %s" %
          regs["pc"])
    check(q.cmd("system_powerdown") == {}, "system_powerdown")
    check(q.wait_event("POWERDOWN") is not None, "POWERDOWN event")
    q.cmd("x-bb-memory-write", {"address": COUNTER, "data": "00" * 8,
                                "physical": True})
    q.cmd("cont")
    check(wait_counter(q, 10) >= 10, "the guest runs again after reset")
    q.cmd("stop")
    regs = q.cmd("x-bb-registers")
    check(int(regs["registers"]["general"]["s1"], 16) == 0x0123456789ABCDEF,
          "the guest ran its start again after the reset")
    q.cmd("cont")

    check(q.cmd("quit") == {}, "quit returns {}")
    ev = q.wait_event("SHUTDOWN")
    check(ev is not None and ev["data"] == {"guest": False,
                                            "reason": "host-qmp-quit"},
          "SHUTDOWN event: %r" % ev)
    rc, out, err_ = finish(proc)
    check(rc == 0, "exit 0 after quit (got %d: %s)" % (rc, err_))
    check(not os.path.exists(os.path.join(tmp, "qmp.sock")),
          "socket removed at exit")


# ------------------------------------------------------------------ hmp

def test_hmp(o, tmp):
    # one line at a time, with time between them for the guest to run
    lines = ["info status", "cont", "info status", "stop",
             "xp /4xw 0x%x" % PATTERN_BASE, "info registers",
             "x/2dw 0x%x" % PATTERN_BASE, "x /1xg 0x%x" % COUNTER,
             "info cpus", "info qtree", "info mtree", "help", "nosuch",
             "quit"]
    proc = start_breadboard(o, tmp, "--monitor", "stdio", qmp=(),
                            stdin=subprocess.PIPE)
    for line in lines:
        proc.stdin.write((line + "\n").encode())
        proc.stdin.flush()
        time.sleep(0.3 if line == "cont" else 0.05)
    out, err = proc.communicate(timeout=60)
    out = out.decode(errors="replace")
    check(proc.returncode == 0, "hmp: exit 0 (%d, %s)" % (proc.returncode,
                                                           err))
    check("VM status: paused (prelaunch)" in out, "hmp: prelaunch status")
    check("0x5a000000 0x5a000001 0x5a000002 0x5a000003" in out,
          "hmp: xp of the pattern")
    check("VM status: running" in out, "hmp: running after cont")
    check(re.search(r"\bs1\s+0123456789abcdef", out) is not None,
          "hmp: info registers shows s1")
    check("1509949440 1509949441" in out, "hmp: x/2dw in decimal")
    check(re.search(r"0000000080101000: 0x[0-9a-f]{16}", out) is not None,
          "hmp: x /1xg")
    check("* CPU #0: pc=0x" in out, "hmp: info cpus")
    check("(ns16550a)" in out, "hmp: info qtree lists the uart")
    check("flat view:" in out, "hmp: info mtree")
    check("system_reset" in out, "hmp: help")
    check("unknown command: 'nosuch'" in out, "hmp: unknown command")
    check(out.count("(breadboard) ") >= len(lines), "hmp: a prompt per line")

    # --no-shutdown: the guest's power-off is kept; quit exits with its code
    proc = start_breadboard(o, tmp, "--no-shutdown", paused=False)
    q = Qmp(os.path.join(tmp, "qmp.sock"))
    q.cmd("qmp_capabilities")
    wait_counter(q, 1)
    # the guest "powers off": write the finisher's FAIL code 5 for it
    q.cmd("x-bb-memory-write", {"address": 0x100000, "physical": True,
                                "data": (0x3333 | 5 << 16).to_bytes(
                                    4, "little").hex()})
    ev = q.wait_event("SHUTDOWN")
    check(ev is not None and ev["data"] == {"guest": True,
                                            "reason": "guest-panic"},
          "--no-shutdown: SHUTDOWN event from the guest: %r" % ev)
    check(q.wait_event("STOP") is not None, "--no-shutdown: STOP")
    check(q.cmd("query-status")["status"] == "shutdown",
          "--no-shutdown: state shutdown")
    r = q.cmd_full("cont")
    check(r.get("error", {}).get("desc") ==
          "Resetting the Virtual Machine is required", "cont in shutdown")
    check("Cannot access" not in q.cmd("human-monitor-command", {
        "command-line": "xp /1xw 0x%x" % PATTERN_BASE}), "inspect memory")
    q.cmd("quit")
    rc, _, err_ = finish(proc)
    check(rc == 5, "--no-shutdown: exit code is the guest's (got %d)" % rc)


# ------------------------------------------------------------------ client

def client(o, *args):
    p = subprocess.run([o.bb, "qmp"] + list(args), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=30)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def test_client(o, tmp):
    # bad --qmp specs are refused before the guest starts
    for spec, msg in (("tcp:0.0.0.0:4444", "only loopback"),
                      ("tcp:127.0.0.1", "expected tcp:127.0.0.1:PORT"),
                      ("udp:x", "expected unix:PATH"),
                      ("unix:%s,bogus" % os.path.join(tmp, "b.sock"),
                       "unknown option 'bogus'")):
        p = subprocess.run([o.bb, "run", os.path.join(o.src, "boards",
                                                      "riscv-virt.yaml"),
                            "--bios", o.elf, "--set", "boot.kernel=",
                            "--set", "chardevs.serial0=null", "--paused",
                            "--qmp", spec], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=30)
        check(p.returncode == 1 and msg in p.stderr.decode(),
              "--qmp %s refused: %d %r" % (spec, p.returncode, p.stderr))

    port = free_port()
    proc = start_breadboard(o, tmp, "--qmp", "tcp:127.0.0.1:%d" % port,
                            qmp=("qmp.sock", "qmp2.sock"))
    sock = os.path.join(tmp, "qmp.sock")
    Qmp(sock).close()  # up
    rc, out, err = client(o, "tcp:127.0.0.1:%d" % port, "query-status")
    check(rc == 0 and json.loads(out)["status"] == "prelaunch",
          "client over tcp: %d %r %r" % (rc, out, err))
    rc, out, err = client(o, "unix:" + os.path.join(tmp, "qmp2.sock"),
                          "query-version")
    check(rc == 0 and "qemu" in json.loads(out), "client on a second socket")
    rc, out, err = client(o, sock, "query-status")
    check(rc == 0 and json.loads(out) == {"running": False,
                                          "singlestep": False,
                                          "status": "prelaunch"},
          "client query-status: %d %r %r" % (rc, out, err))
    check("\n  " in out, "client pretty-prints")
    rc, out, err = client(o, sock, "qom-get",
                          '{"path": "/machine", "property": "type"}')
    check(rc == 0 and json.loads(out) == "riscv-virt", "client qom-get")
    rc, out, err = client(o, sock, "nosuch")
    check(rc == 1 and json.loads(out)["class"] == "CommandNotFound",
          "client error reply: exit 1 (%d %r)" % (rc, out))
    rc, out, err = client(o, sock, "qom-get", "{not json")
    check(rc == 2 and "JSON" in err, "client bad args: usage error (%d %r)"
          % (rc, err))
    rc, out, err = client(o, os.path.join(tmp, "nosuch.sock"), "query-status")
    check(rc == 1 and "cannot connect" in err, "client without a server: %r"
          % err)
    rc, out, err = client(o, "tcp:127.0.0.1:1", "query-status")
    check(rc == 1, "client tcp refused")
    rc, out, err = client(o, sock, "quit")
    check(rc == 0, "client quit")
    rc, _, _ = finish(proc)
    check(rc == 0, "breadboard exits after the client's quit")

    # two harts: both listed, each one's registers by cpu-index
    smp = subprocess.Popen(
        [o.bb, "run", os.path.join(o.src, "boards", "riscv-virt-smp2.yaml"),
         "--icount", "--bios", o.elf, "--set", "boot.kernel=",
         "--set", "chardevs.serial0=null", "--paused",
         "--qmp", "unix:%s,server,nowait" % sock],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    Qmp(sock).close()
    rc, out, err = client(o, sock, "query-cpus-fast")
    cpus = json.loads(out) if rc == 0 else []
    check([c["cpu-index"] for c in cpus] == [0, 1] and
          cpus[0]["qom-path"] != cpus[1]["qom-path"],
          "two harts in query-cpus-fast: %r" % out)
    rc, out, err = client(o, sock, "x-bb-registers", '{"cpu-index": 1}')
    check(rc == 0 and
          int(json.loads(out)["registers"]["system"]["mhartid"], 16) == 1,
          "x-bb-registers of hart 1")
    rc, out, err = client(o, sock, "x-bb-registers", '{"cpu-index": 2}')
    check(rc == 1 and "CPU number" in out, "no hart 2")
    client(o, sock, "quit")
    rc, _, _ = finish(smp)
    check(rc == 0, "the two-hart board quits")


# ------------------------------------------------------------------ bad

def test_bad_input(o, tmp):
    proc = start_breadboard(o, tmp, paused=False)
    sock = os.path.join(tmp, "qmp.sock")
    q = Qmp(sock)
    q.cmd("qmp_capabilities")
    c0 = wait_counter(q, 1)

    def raw(data, sess=q):
        sess.send_raw(data)
        return sess.read_msg()

    r = raw(b'{"execute": }')
    check(r.get("error", {}).get("desc", "").startswith("JSON parse error"),
          "malformed JSON: %r" % r)
    check("id" not in r, "no id on a parse error")
    r = raw(b"[1, 2]")
    check(r.get("error", {}).get("desc") == "QMP input must be a JSON object",
          "array input: %r" % r)
    r = raw(b'{"id": 5}')
    check(r.get("error", {}).get("desc") == "QMP input lacks member "
          "'execute'" and r.get("id") == 5, "no execute: %r" % r)
    r = raw(b'{"execute": 5, "id": 6}')
    check(r.get("error", {}).get("desc") == "QMP input member 'execute' "
          "must be a string", "execute not a string: %r" % r)
    r = raw(b'{"execute": "stop", "foo": 1}')
    check(r.get("error", {}).get("desc") == "QMP input member 'foo' is "
          "unexpected", "unknown member: %r" % r)
    r = raw(b'{"execute": "qom-list", "arguments": [1]}')
    check(r.get("error", {}).get("desc") == "QMP input member 'arguments' "
          "must be an object", "arguments not an object")
    r = raw(b"}")
    check("stray" in r.get("error", {}).get("desc", ""), "stray brace")
    # two messages in one write, with a '}' inside a string
    q.send_raw(b'{"execute": "query-status", "id": "a}"}'
               b'{"execute": "query-version", "id": 2}')
    r1, r2 = q.read_msg(), q.read_msg()
    check(r1.get("id") == "a}" and r2.get("id") == 2, "two messages at once")
    # a message split over several writes
    for part in (b'{"exec', b'ute": "query-st', b'atus", "id": 9}'):
        q.send_raw(part)
        time.sleep(0.05)
    check(q.read_msg().get("id") == 9, "a message in pieces")
    check(q.cmd("query-status")["status"] == "running", "still running")

    # over the limit: an error and a disconnect; the server lives on
    big = Qmp(sock)
    try:
        big.send_raw(b'{"execute": "qmp_capabilities", "arguments": '
                     b'{"x": "' + b"a" * (1536 * 1024))
    except OSError:
        pass  # the server hung up before taking everything
    r = big.read_msg()
    check("limit" in r.get("error", {}).get("desc", ""),
          "huge message refused: %r" % r)
    try:
        big.read_msg(timeout=5)
        check(False, "huge message: connection should close")
    except EOFError:
        pass
    except OSError:
        pass
    big.close()
    deep = Qmp(sock)
    deep.send_raw(b"[" * 5000)
    check("limit" in deep.read_msg().get("error", {}).get("desc", ""),
          "nesting over the limit refused")
    deep.close()

    # clients leaving mid-message, or before reading the greeting
    for _ in range(5):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(sock)
        s.sendall(b'{"execute": "query-sta')
        s.close()
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(sock)
        s.close()

    # 20 clients at once, each negotiated; all see the events
    clients = [Qmp(sock) for _ in range(20)]
    for c in clients:
        c.cmd("qmp_capabilities")
    for c in clients:
        check(c.cmd("query-status")["status"] == "running",
              "one of 20 clients")
    clients[7].cmd("stop")
    check(all(c.wait_event("STOP") is not None for c in clients),
          "every client gets STOP")
    clients[3].cmd("cont")
    check(all(c.wait_event("RESUME") is not None for c in clients),
          "every client gets RESUME")
    for c in clients:
        c.close()

    c1 = counter(q)
    time.sleep(0.2)
    check(counter(q) > c1 > c0, "the guest kept running throughout")
    q.cmd("quit")
    rc, _, err = finish(proc)
    check(rc == 0, "exit 0 (%d: %s)" % (rc, err))


# ------------------------------------------------------------------ docs

def test_docs(o, tmp):
    """Run every "$ breadboard qmp ..." example of docs/monitor.md's
    "Examples" section against a paused guest, checking the JSON each
    is documented to print."""
    doc = open(os.path.join(o.src, "docs", "monitor.md")).read()
    m = re.search(r"^## Examples\n(.*?)(?=^## )", doc, re.S | re.M)
    if not check(m is not None, "docs/monitor.md has an Examples section"):
        return
    blocks = re.findall(r"```console\n(.*?)```", m.group(1), re.S)
    proc = start_breadboard(o, tmp)
    sock = os.path.join(tmp, "qmp.sock")
    Qmp(sock).close()
    ran = 0
    for block in blocks:
        lines = block.split("\n")
        i = 0
        while i < len(lines):
            line = lines[i]
            if not line.startswith("$ breadboard qmp "):
                i += 1
                continue
            argv = shlex.split(line[2:])
            argv = [a.replace("/tmp/bb.sock", sock) for a in argv]
            expect = []
            i += 1
            while i < len(lines) and not lines[i].startswith("$ "):
                expect.append(lines[i])
                i += 1
            p = subprocess.run([o.bb] + argv[1:], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, timeout=30)
            want = "\n".join(expect).strip()
            got = p.stdout.decode().strip()
            ok = (json.loads(got) == json.loads(want)) if want else True
            check(ok, "doc example %r printed %r, doc says %r"
                  % (line, got, want))
            ran += 1
    check(ran >= 4, "docs: at least 4 examples ran (%d)" % ran)
    if proc.poll() is None:  # the examples end with quit; if not, stop it
        subprocess.run([o.bb, "qmp", sock, "quit"],
                       stdout=subprocess.DEVNULL, timeout=30)
    rc, _, _ = finish(proc)
    check(rc == 0, "docs: breadboard exits 0 after the examples' quit")


# ------------------------------------------------------------------ qemu

def shape(v):
    if isinstance(v, dict):
        return {k: shape(x) for k, x in v.items()}
    if isinstance(v, list):
        return [shape(v[0])] if v else []
    return type(v).__name__


def same_shape(a, b, path="$"):
    """Keys and JSON types match; lists compare their first elements."""
    if isinstance(a, dict) and isinstance(b, dict):
        if set(a) != set(b):
            return "%s: keys %s vs %s" % (path, sorted(a), sorted(b))
        for k in a:
            e = same_shape(a[k], b[k], path + "." + k)
            if e:
                return e
        return None
    if isinstance(a, list) and isinstance(b, list):
        if a and b:
            return same_shape(a[0], b[0], path + "[0]")
        return None
    return None if a == b else "%s: %s vs %s" % (path, a, b)


def session_script(q, tmp):
    """The QMP conversation both emulators get; returns {step: reply}."""
    out = {}
    out["greeting"] = q.greeting
    out["early"] = q.cmd_full("query-status")
    out["qmp_capabilities"] = q.cmd_full("qmp_capabilities")
    out["again"] = q.cmd_full("qmp_capabilities")
    out["query-status"] = q.cmd_full("query-status")
    out["query-version"] = q.cmd_full("query-version")
    out["cont"] = q.cmd_full("cont")
    out["RESUME"] = q.wait_event("RESUME")
    time.sleep(0.3)
    out["stop"] = q.cmd_full("stop")
    out["STOP"] = q.wait_event("STOP")
    out["query-status-paused"] = q.cmd_full("query-status")
    out["query-cpus-fast"] = q.cmd_full("query-cpus-fast")
    f = os.path.join(tmp, "p.bin")
    out["pmemsave"] = q.cmd_full("pmemsave", {"val": PATTERN_BASE,
                                              "size": 4096, "filename": f})
    out["pmemsave-data"] = open(f, "rb").read() == PATTERN
    out["memsave"] = q.cmd_full("memsave", {"val": PATTERN_BASE, "size": 16,
                                            "filename": f, "cpu-index": 0})
    out["memsave-bad-cpu"] = q.cmd_full("memsave", {"val": 0, "size": 1,
                                                    "filename": f,
                                                    "cpu-index": 9})
    out["hmp-status"] = q.cmd_full("human-monitor-command",
                                   {"command-line": "info status"})
    out["hmp-unknown"] = q.cmd_full("human-monitor-command",
                                    {"command-line": "nosuch"})
    out["nosuch"] = q.cmd_full("nosuch")
    out["missing"] = q.cmd_full("qom-get", {"path": "/machine"})
    out["badtype"] = q.cmd_full("qom-list", {"path": 3})
    out["unexpected"] = q.cmd_full("stop", {"x": 1})
    out["qom-bad-path"] = q.cmd_full("qom-get", {"path": "/nosuch",
                                                 "property": "type"})
    out["qom-get-type"] = q.cmd_full("qom-get", {"path": "/machine",
                                                 "property": "type"})
    ql = q.cmd_full("qom-list", {"path": "/machine"})
    out["qom-list"] = {"return": [{"name": e["name"], "type": e["type"]}
                                  for e in ql["return"]]}
    out["system_reset"] = q.cmd_full("system_reset")
    out["RESET"] = q.wait_event("RESET")
    out["status-after-reset"] = q.cmd_full("query-status")
    out["system_powerdown"] = q.cmd_full("system_powerdown")
    out["POWERDOWN"] = q.wait_event("POWERDOWN")
    out["quit"] = q.cmd_full("quit")
    out["SHUTDOWN"] = q.wait_event("SHUTDOWN")
    return out


def test_qemu(o, tmp):
    if not o.qemu or not os.access(o.qemu, os.X_OK):
        print("SKIP: qemu-system-riscv64 not found")
        sys.exit(77)
    qsock = os.path.join(tmp, "qemu.sock")
    qproc = subprocess.Popen(
        [o.qemu, "-M", "virt", "-bios", o.elf, "-S", "-display", "none",
         "-serial", "null", "-monitor", "none", "-icount", "shift=0",
         "-qmp", "unix:%s,server=on,wait=off" % qsock],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        qemu = session_script(Qmp(qsock), tmp)
    finally:
        try:
            qproc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            qproc.kill()
    proc = start_breadboard(o, tmp)
    ours = session_script(Qmp(os.path.join(tmp, "qmp.sock")), tmp)
    finish(proc)

    # what may differ: QEMU's version numbers and package, its
    # capabilities ("oob"), the QOM tree's contents, the HMP text's
    # "(prelaunch)"-like details; everything else has the same shape
    for step in qemu:
        a, b = qemu[step], ours[step]
        if step == "greeting":
            a = dict(a["QMP"]); b = dict(b["QMP"])
            a.pop("capabilities"); b.pop("capabilities")
        if step == "qom-list":
            check(all(isinstance(e["type"], str) for e in b["return"]),
                  "qom-list types are strings")
        e = same_shape(shape(a), shape(b))
        check(e is None, "shape of %s: %s\n  qemu: %r\n  ours: %r"
              % (step, e, a, b))
    # some replies must be identical, not just alike
    for step in ("early", "again", "query-status", "query-status-paused",
                 "cont", "stop", "nosuch", "missing", "badtype",
                 "unexpected", "qom-bad-path", "memsave-bad-cpu",
                 "hmp-status", "hmp-unknown", "status-after-reset",
                 "pmemsave-data", "pmemsave", "system_reset", "quit"):
        a = dict(qemu[step]) if isinstance(qemu[step], dict) else qemu[step]
        b = dict(ours[step]) if isinstance(ours[step], dict) else ours[step]
        if isinstance(a, dict):
            a.pop("id", None)
            b.pop("id", None)
        check(a == b, "%s differs:\n  qemu: %r\n  ours: %r" % (step, a, b))
    for ev in ("RESET", "SHUTDOWN"):
        check(qemu[ev] and ours[ev] and qemu[ev]["data"] == ours[ev]["data"],
              "%s data: qemu %r ours %r" % (ev, qemu[ev], ours[ev]))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("case")
    ap.add_argument("--bb", required=True)
    ap.add_argument("--src", required=True)
    ap.add_argument("--elf", required=True)
    ap.add_argument("--qemu")
    o = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bb-mon-") as tmp:
        {"qmp": test_qmp, "hmp": test_hmp, "client": test_client,
         "bad-input": test_bad_input, "docs": test_docs,
         "qemu": test_qemu}[o.case](o, tmp)
    if failures:
        print("%d check(s) failed" % len(failures))
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
