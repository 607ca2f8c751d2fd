#!/usr/bin/env python3
"""reload-test.py CASE --bb BREADBOARD --src SRC --elf GUEST --v1-dir DIR
--alt-dir DIR - the hot-reload tests (tests/reload, docs/hot-reload.md).

The guest (reload-guest.c) runs as the firmware of riscv-virt in
deterministic time with the test device reload-probe at 0x10100000 and
prints one line per millisecond of guest time:
    line N id ID count C ticks T bonus B
COUNT counts the guest's reads (one per line), so without a lost state
C == N + 1 on every line; TICKS counts a 100 us timer of the device, so it
grows by about 10 per line (the guest's wake-up drifts by its own run
time, so 9 to 11; a timer lost in a reload would stop it).  The cases:

  probe   broken builds (type missing, post_load refusing, old ABI, not an
          ELF file, no file, /dev/zero, a directory) are refused and rolled back, the guest keeps
          reading version 1 with its state; then version 2 (QMP, with the
          plugin path) shows ID ...02 with COUNT carried over and BONUS set
          by its post_load from the version-1 section; a reload back to
          version 1 (HMP) is refused (version-2 state) and rolled back
  uart    riscv-virt's uart0 is reloaded five times (QMP and HMP) while
          the guest prints: every line arrives, whole and in order, and the
          old char-devices.so is unmapped
  refuse  harts, the machine, interrupt controllers, a bus with a device
          on it, an unknown id: refused, the guest unaffected; the edu on
          that bus reloads, and so does the misc plugin (sifive-test and
          goldfish-rtc together)
  watch   --watch-plugins: the watched file is replaced by rename with a
          refusing build (logged, rolled back) and then with version 2
          (reloaded)

With VALGRIND set (a command prefix), breadboard runs under it and any
error it reports (exit code 99) fails the case.
"""

import argparse
import os
import queue
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "monitor"))
from qmp_client import Qmp  # noqa: E402

LINE = re.compile(r"^line (\d+) id ([0-9a-f]{8}) count (\d+) ticks (\d+) "
                  r"bonus ([0-9a-f]{8})$")
V1, V2 = 0x52500001, 0x52500002
PROBE = "reload-probe,id=probe,reg=0x10100000"


class Fail(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Fail(msg)


LAST_VM = []


class Vm:
    """breadboard running the guest, its UART lines in a queue."""

    def __init__(self, env, extra=(), plugin_dir=None):
        LAST_VM[:] = [self]
        self.env = env
        self.sock = env.path("qmp-%d.sock" % len(os.listdir(env.tmp)))
        # VALGRIND (the .valgrind tests): a command prefix; it execs
        # breadboard in the same process, so /proc/PID/maps still works.
        cmd = shlex.split(os.environ.get("VALGRIND", "")) + [env.bb, "run", os.path.join(env.src, "boards/riscv-virt.yaml"),
               "--icount", "--bios", env.elf,
               "--plugin-dir", plugin_dir or env.v1_dir,
               "--device", PROBE,
               "--qmp", "unix:%s,server,nowait" % self.sock] + list(extra)
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE)
        self.lines = queue.Queue()
        self.all = []       # every stdout line
        self.parsed = []    # (n, id, count, ticks, bonus) of "line" lines
        self.err = []
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._read_err, daemon=True).start()
        self.qmp = Qmp(self.sock)
        self.qmp.cmd("qmp_capabilities")
        flag = self.next_line(lambda s: s.startswith("flag "))
        self.flag = int(flag.split()[1], 16)

    def _read(self):
        for raw in self.proc.stdout:
            self.lines.put(raw.decode(errors="replace").rstrip("\n"))
        self.lines.put(None)

    def _read_err(self):
        for raw in self.proc.stderr:
            self.err.append(raw.decode(errors="replace"))

    def next_line(self, pred=lambda s: True, timeout=30):
        deadline = time.time() + timeout
        while True:
            try:
                s = self.lines.get(timeout=max(0.01, deadline - time.time()))
            except queue.Empty:
                raise Fail("no matching guest line within %ds (last: %r)" %
                           (timeout, self.all[-1:]))
            if s is None:
                raise Fail("the guest ended early: %r\n%s" %
                           (self.all[-3:], "".join(self.err)))
            self.all.append(s)
            m = LINE.match(s)
            if m:
                self.parsed.append((int(m[1]), int(m[2], 16), int(m[3]),
                                    int(m[4]), int(m[5], 16)))
            if pred(s):
                return s

    def lines_after(self, k):
        """Read k more probe lines; return the last parsed one."""
        for _ in range(k):
            self.next_line(lambda s: s.startswith("line "))
        return self.parsed[-1]

    def reload(self, dev, plugin=None):
        args = {"id": dev}
        if plugin is not None:
            args["plugin"] = plugin
        return self.qmp.cmd_full("x-bb-device-reload", args)

    def event(self, ok):
        e = self.qmp.wait_event("x-bb-device-reload", timeout=10)
        check(e is not None, "no x-bb-device-reload event")
        check(e["data"]["ok"] == ok, "event says ok=%s, expected %s: %s" %
              (e["data"]["ok"], ok, e))
        return e["data"]

    def finish(self):
        """Set the guest's flag; it prints 'stopped' and exits 0."""
        self.qmp.cmd("x-bb-memory-write", {"address": self.flag,
                                           "data": "01000000",
                                           "physical": True})
        self.next_line(lambda s: s == "stopped")
        rc = self.proc.wait(timeout=30)
        self.qmp.close()
        check(rc == 0, "breadboard exited %d:\n%s" % (rc, "".join(self.err)))
        self.check_invariants()

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def check_invariants(self):
        """Every line present and whole; COUNT never lost; TICKS running."""
        check(self.parsed, "no probe lines")
        lines = [s for s in self.all if s.startswith("line ")]
        bad = [s for s in lines if not LINE.match(s)]
        check(not bad, "garbled lines: %r" % bad[:3])
        prev = None
        for n, _id, count, ticks, _bonus in self.parsed:
            check(count == n + 1, "line %d: count %d, expected %d (state "
                  "lost?)" % (n, count, n + 1))
            if prev:
                check(n == prev[0] + 1, "line %d follows line %d" %
                      (n, prev[0]))
                check(9 <= ticks - prev[3] <= 11,
                      "line %d: ticks %d after %d (the device's timer)" %
                      (n, ticks, prev[3]))
            prev = (n, _id, count, ticks)


class Env:
    def __init__(self, args, tmp):
        self.bb = args.bb
        self.src = args.src
        self.elf = args.elf
        self.v1_dir = args.v1_dir
        self.alt_dir = args.alt_dir
        self.tmp = tmp

    def path(self, name):
        return os.path.join(self.tmp, name)

    def alt(self, variant):
        return os.path.join(self.alt_dir, "reload-probe-%s.so" % variant)


def mapped(vm, name):
    """Whether a file whose path ends in @name is mapped in breadboard
    (Linux /proc): the old shared object must be closed after a reload,
    the code then runs from a private copy (breadboard-plugin-*)."""
    with open("/proc/%d/maps" % vm.proc.pid) as f:
        return any(name in line for line in f)


def expect_refused(vm, dev, plugin, text):
    r = vm.reload(dev, plugin)
    check("error" in r, "reload of %s from %s succeeded: %s" %
          (dev, plugin, r))
    desc = r["error"]["desc"]
    check(text in desc, "reload of %s from %s: %r does not say %r" %
          (dev, plugin, desc, text))
    return desc


def case_probe(env):
    vm = Vm(env)
    try:
        vm.lines_after(5)
        notelf = env.path("not-elf.so")
        with open(notelf, "w") as f:
            f.write("this is not a shared object\n")
        for plugin, text in (
                (env.alt("bad-type"), "does not declare type 'reload-probe'"),
                (env.alt("refuse"), "this build refuses every state"),
                (env.alt("old-abi"), "plugin built for ABI 1."),
                (notelf, "cannot load plugin"),
                (env.path("missing.so"), "missing.so"),
                # read whole, these would hang or exhaust the host
                ("/dev/zero", "/dev/zero: not a regular file"),
                (env.tmp, "not a regular file")):
            expect_refused(vm, "probe", plugin, text)
            vm.event(False)
            last = vm.lines_after(3)
            check(last[1] == V1, "after a refused reload the ID is %08x" %
                  last[1])
        v1_so = os.path.join(env.v1_dir, "reload-probe.so")
        check(mapped(vm, v1_so), "version 1 is not mapped after the "
              "rollbacks")
        before = vm.parsed[-1]
        r = vm.qmp.cmd("x-bb-device-reload",
                       {"id": "probe", "plugin": env.alt("v2")})
        check(not mapped(vm, v1_so), "version 1 is still mapped after the "
              "reload: the old shared object was not closed")
        check(mapped(vm, "breadboard-plugin-"), "the new code is not "
              "mapped from a private copy")
        check(r == {"devices": ["/machine/probe"]}, "reply %r" % r)
        e = vm.event(True)
        check(e["devices"] == ["/machine/probe"] and
              e["plugin"] == "reload-probe", "event %r" % e)
        # Lines printed before the reload may still be in the pipe.
        vm.next_line(lambda s: LINE.match(s) and
                     int(LINE.match(s)[2], 16) == V2)
        vm.lines_after(3)
        ids = [p[1] for p in vm.parsed]
        k = ids.index(V2)
        check(ids[:k] == [V1] * k and ids[k:] == [V2] * (len(ids) - k),
              "IDs do not change once from v1 to v2: %r" % ids[-10:])
        check(k > before[0], "version 2 before the reload")
        # BONUS: post_load converted the version-1 section, whose COUNT
        # was the last version-1 line's.
        check(vm.parsed[k][4] == (0xb0000000 | vm.parsed[k - 1][2]),
              "BONUS %08x: post_load should derive b0000000|%d from the "
              "version-1 COUNT" % (vm.parsed[k][4], vm.parsed[k - 1][2]))
        # Back to version 1 through the human monitor: its state table
        # is version 1, the section version 2: refused, rolled back.
        out = vm.qmp.cmd("human-monitor-command", {
            "command-line": "device_reload probe %s" %
            os.path.join(env.v1_dir, "reload-probe.so")})
        check("version 2 is not supported" in out,
              "HMP device_reload to version 1: %r" % out)
        vm.event(False)
        last = vm.lines_after(3)
        check(last[1] == V2, "after the refused downgrade the ID is %08x" %
              last[1])
        plugins = vm.qmp.cmd("x-bb-plugins")
        p = [x for x in plugins if x["name"] == "reload-probe"][0]
        check(p["version"] == "2.0.0", "x-bb-plugins says %r" % p)
        vm.finish()
    finally:
        vm.kill()


def case_uart(env):
    vm = Vm(env)
    try:
        vm.lines_after(3)
        check(mapped(vm, "/char-devices.so"), "char-devices.so not mapped")
        for i in range(5):
            if i % 2:  # the human monitor's spelling
                out = vm.qmp.cmd("human-monitor-command",
                                 {"command-line": "device_reload uart0"})
                check(out == "reloaded /machine/uart0\r\n", "HMP %r" % out)
            else:
                r = vm.qmp.cmd("x-bb-device-reload", {"id": "uart0"})
                check(r == {"devices": ["/machine/uart0"]}, "reply %r" % r)
            vm.event(True)
            vm.lines_after(4)
            check(not mapped(vm, "/char-devices.so"),
                  "the old char-devices.so is still mapped")
        vm.finish()
    finally:
        vm.kill()


def case_refuse(env):
    vm = Vm(env, extra=["--device", "edu,bus=pcie0,slot=1"])
    try:
        vm.lines_after(2)
        for dev, text in (("hart0", "the CPU model cannot be reloaded"),
                          ("machine", "the machine cannot be reloaded"),
                          ("plic", "interrupt controllers cannot be reloaded"),
                          ("clint", "interrupt controllers cannot be reloaded"),
                          ("pcie0", "'edu0' is plugged into it"),
                          ("nosuch", "no device 'nosuch'")):
            expect_refused(vm, dev, None, text)
            vm.lines_after(2)
        # A device on a bus: unplugged, and plugged into its slot again.
        r = vm.qmp.cmd("x-bb-device-reload", {"id": "edu0"})
        check(r == {"devices": ["/machine/edu0"]}, "reply %r" % r)
        tree = vm.qmp.cmd("x-bb-devices")
        check(any(d["path"] == "/machine/edu0" and d["realized"]
                  for d in tree), "edu0 after its reload: %r" % tree)
        # sifive-test and goldfish-rtc come from one plugin: both go.
        r = vm.qmp.cmd("x-bb-device-reload", {"id": "rtc"})
        check(sorted(r["devices"]) == ["/machine/rtc", "/machine/test"],
              "reply %r" % r)
        vm.lines_after(2)
        vm.finish()  # through the reloaded sifive-test
    finally:
        vm.kill()


def replace(src, dst):
    """What a build does: write elsewhere, rename over the name."""
    tmp = dst + ".new"
    shutil.copyfile(src, tmp)
    os.rename(tmp, dst)


def wait_err(vm, text, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if any(text in s for s in vm.err):
            return
        vm.lines_after(1)
    raise Fail("stderr never said %r:\n%s" % (text, "".join(vm.err)))


def case_watch(env):
    pdir = env.path("plugins")
    os.mkdir(pdir)
    so = os.path.join(pdir, "reload-probe.so")
    shutil.copyfile(os.path.join(env.v1_dir, "reload-probe.so"), so)
    vm = Vm(env, extra=["--watch-plugins"], plugin_dir=pdir)
    try:
        vm.lines_after(3)
        # Written in place (as `cp` does), over the file the running v1
        # was first loaded from: --watch-plugins loads from a private
        # copy, so the running code is not rewritten under the guest.
        shutil.copyfile(env.alt("refuse"), so)
        wait_err(vm, "failed, the old code keeps running")
        vm.event(False)
        last = vm.lines_after(3)
        check(last[1] == V1, "after a refused watch reload the ID is %08x" %
              last[1])
        replace(env.alt("v2"), so)
        wait_err(vm, "hot reload: plugin 'reload-probe' reloaded from")
        e = vm.event(True)
        check(e["file"] == so, "event %r" % e)
        vm.next_line(lambda s: LINE.match(s) and
                     int(LINE.match(s)[2], 16) == V2)
        vm.lines_after(2)
        vm.finish()
    finally:
        vm.kill()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("case")
    for a in ("--bb", "--src", "--elf", "--v1-dir", "--alt-dir"):
        ap.add_argument(a, required=True)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bb-reload-") as tmp:
        env = Env(args, tmp)
        try:
            globals()["case_" + args.case](env)
        except Fail as e:
            print("FAIL:", e)
            return 1
        except Exception:
            if LAST_VM:
                time.sleep(0.5)
                print("breadboard's stderr:\n" + "".join(LAST_VM[0].err))
                print("last lines: %r" % LAST_VM[0].all[-3:])
            raise
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
