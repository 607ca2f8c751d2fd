#!/usr/bin/env python3
"""linux-test.py - boot a Linux guest on Breadboard and check it.

Usage: linux-test.py BREADBOARD SRC_DIR GUEST HARTS MODE [BOOT]
  GUEST  project: the project-built 6.1 kernel (scripts/guests/
                  build-kernel.sh) whose C /init checks the machine and
                  powers off: every "bb-init:" check must pass, the
                  workload checksum must equal the host build of the same
                  source (WORKLOAD_REF), and the run must exit with 0.
         project-edu: the same with QEMU's edu at 00:01.0 of the board's
                  PCIe host (--device edu,bus=pcie0,slot=1): the edu
                  checks must run and pass too.
         debian:  Debian 13's kernel + busybox initramfs (scripts/guests/
                  fetch-debian.sh): the shell on ttyS0 is driven like a
                  user at a terminal (`uname -a`, `cat /proc/cpuinfo`,
                  `poweroff`); the run must exit with 0.
  HARTS  1, 2 or 4 (boards/riscv-virt.yaml, -smp2, -smp4)
  MODE   icount (deterministic time) or rt (real time, the default mode)
  BOOT   direct (OpenSBI fw_jump + the kernel, the default) or uboot
         (OpenSBI + S-mode U-Boot; the images placed in RAM by `loader`
         devices, started with U-Boot's `booti` typed at its prompt).

Breadboard runs on a pseudo-terminal (its stdio console then behaves as
on a user's terminal: raw mode, keys one at a time).  Exits 77 (skip) when
the guests or Debian's firmware are not there; builds nothing itself (the
linux-guests fixture / `cmake --build build --target linux-guests` does).
The console log is kept in $BB_LINUX_LOG_DIR (default: the current
directory) as linux-GUEST-HARTS-MODE-BOOT.log.
"""
import os
import pty
import re
import select
import signal
import subprocess
import sys
import time

SBI = "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin"
UBOOT = "/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin"
# Where the loader devices put the images for U-Boot: above U-Boot's own
# image (0x80200000) and below where it relocates itself (top of RAM), and
# clear of the kernel's own footprint once booti has moved it to
# 0x80200000 (Debian's Image declares 30.4 MiB, up to 0x8206c000): with
# the kernel at 0x82000000 both kernels crashed early, on QEMU as here.
UBOOT_KERNEL_ADDR = 0x84000000
UBOOT_INITRD_ADDR = 0x86000000


def skip(msg):
    print(f"SKIP: {msg}")
    sys.exit(77)


class Guest:
    """Breadboard on a pty, with expect-style helpers."""

    def __init__(self, argv, log_path, timeout):
        self.log = open(log_path, "wb")
        self.out = b""
        self.deadline = time.monotonic() + timeout
        self.argv = argv
        pid, fd = pty.fork()
        if pid == 0:
            os.execv(argv[0], argv)
        self.pid, self.fd, self.status = pid, fd, None

    def fail(self, msg):
        tail = self.out.decode(errors="replace").splitlines()[-40:]
        print(f"FAIL: {msg}\ncommand: {' '.join(self.argv)}")
        print("--- console (last 40 lines)\n" + "\n".join(tail))
        self.kill()
        sys.exit(1)

    def kill(self):
        if self.status is None:
            try:
                os.kill(self.pid, signal.SIGKILL)
                self.status = os.waitpid(self.pid, 0)[1]
            except OSError:
                pass

    def _read(self, wait):
        r, _, _ = select.select([self.fd], [], [], wait)
        if not r:
            return True
        try:
            data = os.read(self.fd, 65536)
        except OSError:  # EIO: the pty's other side closed (exited)
            data = b""
        if not data:
            return False
        self.out += data
        self.log.write(data)
        self.log.flush()
        return True

    def expect(self, pattern, start=0):
        """Wait until the output from offset START matches PATTERN (a
        regex); returns the match."""
        rx = re.compile(pattern.encode())
        while True:
            m = rx.search(self.out, start)
            if m:
                return m
            if time.monotonic() > self.deadline:
                self.fail(f"timed out waiting for {pattern!r}")
            if not self._read(0.5):
                self.wait_exit()
                m = rx.search(self.out, start)
                if m:
                    return m
                self.fail(f"breadboard exited (status {self.exit_code()}) "
                          f"before printing {pattern!r}")

    def send(self, text):
        """Type TEXT a key at a time, as a user would."""
        for ch in text.encode():
            os.write(self.fd, bytes([ch]))
            time.sleep(0.01)

    def wait_exit(self):
        while self.status is None:
            if time.monotonic() > self.deadline:
                self.fail("timed out waiting for breadboard to exit")
            while self._read(0.2):
                if time.monotonic() > self.deadline:
                    self.fail("timed out waiting for breadboard to exit")
            pid, st = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.status = st
        return self.exit_code()

    def exit_code(self):
        if self.status is None:
            return None
        return os.waitstatus_to_exitcode(self.status)


def guest_paths(src, guest):
    script = "build-kernel.sh" if guest == "project" else "fetch-debian.sh"
    path = subprocess.run([f"{src}/scripts/guests/{script}", "--path"],
                          check=True, capture_output=True,
                          text=True).stdout.strip()
    if guest == "project":
        kernel, initrd = path, None
    else:
        kernel, initrd = f"{path}/Image", f"{path}/initrd.gz"
    for f in (kernel, initrd):
        if f and not os.path.isfile(f):
            skip(f"{f} missing: build the guests with "
                 "`cmake --build build --target linux-guests`")
    return kernel, initrd


def main():
    if len(sys.argv) < 6:
        print(__doc__)
        return 2
    bb, src, guest, harts, mode = sys.argv[1:6]
    boot = sys.argv[6] if len(sys.argv) > 6 else "direct"
    for f in (SBI, UBOOT):
        if not os.path.isfile(f):
            skip(f"{f} missing (packages opensbi, u-boot-qemu)")
    edu = guest == "project-edu"
    if edu:
        guest = "project"
    kernel, initrd = guest_paths(src, guest)
    board = {"1": "riscv-virt.yaml", "2": "riscv-virt-smp2.yaml",
             "4": "riscv-virt-smp4.yaml"}[harts]
    argv = [bb, "run", f"{src}/boards/{board}", "--bios", SBI]
    argv += os.environ.get("BB_LINUX_EXTRA_ARGS", "").split()
    if mode == "icount":
        argv.append("--icount")
    elif mode != "rt":
        print(f"unknown mode {mode}")
        return 2
    if edu:
        argv += ["--device", "edu,bus=pcie0,slot=1"]
    append = "console=ttyS0 earlycon"
    if boot == "direct":
        argv += ["--kernel", kernel, "--append", append]
        if initrd:
            argv += ["--initrd", initrd]
    elif boot == "uboot":
        argv += ["--kernel", UBOOT, "--device",
                 f"loader,file={kernel},address={UBOOT_KERNEL_ADDR:#x}"]
        if initrd:
            argv += ["--device",
                     f"loader,file={initrd},address={UBOOT_INITRD_ADDR:#x}"]
    else:
        print(f"unknown boot {boot}")
        return 2

    # Generous: the slowest case (Debian's kernel, 4 harts, real time on a
    # loaded 2-core CI host) needs well under half of it.
    timeout = float(os.environ.get("BB_LINUX_TIMEOUT", "600"))
    log_dir = os.environ.get("BB_LINUX_LOG_DIR", ".")
    log = os.path.join(log_dir, f"linux-{guest}{'-edu' if edu else ''}-"
                       f"{harts}-{mode}-{boot}.log")
    g = Guest(argv, log, timeout)
    t0 = time.monotonic()

    if boot == "uboot":
        g.expect(r"=> ")
        rd = "-"
        if initrd:
            rd = f"{UBOOT_INITRD_ADDR:#x}:{os.path.getsize(initrd):#x}"
        g.send(f"setenv bootargs '{append}'\r")
        g.expect(r"=> ", g.out.rfind(b"setenv"))
        g.send(f"booti {UBOOT_KERNEL_ADDR:#x} {rd} ${{fdtcontroladdr}}\r")
        g.expect(r"Starting kernel")

    if guest == "project":
        g.expect(r"INIT-DONE")
        t_init = time.monotonic() - t0
        code = g.wait_exit()
        text = g.out.decode(errors="replace").replace("\r", "")
        lines = [l for l in text.splitlines() if l.startswith("bb-init: ")]
        errors = []
        fails = [l for l in lines if l.endswith(" FAIL")]
        if fails:
            errors.append("checks failed:\n  " + "\n  ".join(fails))
        if "bb-init: result PASS" not in lines:
            errors.append("no 'bb-init: result PASS'")
        if f"bb-init: harts online {harts}" not in lines:
            errors.append(f"expected 'bb-init: harts online {harts}'")
        ref = os.environ.get("WORKLOAD_REF")
        if ref:
            want = subprocess.run([ref], check=True, capture_output=True,
                                  text=True).stdout.strip()
            if want not in lines:
                errors.append(f"expected '{want}' (host build of the workload)")
        if "bb-init: rtc0 advances over 1.2 s ok" not in lines:
            errors.append("RTC check missing")
        if edu:
            for want in ("bb-init: pci 0000:00:01.0 1234:11e8 class 00ff00",
                         "bb-init: edu 0000:00:01.0 identification 010000ed ok",
                         "bb-init: edu factorial 5 = 120 ok",
                         "bb-init: edu interrupt status 00000001 after factorial ok",
                         "bb-init: edu interrupt status 00000000 after ack ok"):
                if want not in lines:
                    errors.append(f"expected '{want}'")
        if code != 0:
            errors.append(f"exit code {code}, expected 0 (power-off)")
        if errors:
            g.fail("; ".join(errors))
        print(f"PASS: project kernel{' with edu' if edu else ''}, "
              f"{harts} hart(s), {mode}, {boot}: "
              f"INIT-DONE after {t_init:.1f} s, {len(lines)} bb-init lines, "
              "powered off with 0")
        return 0

    # Debian: a shell at ttyS0.
    g.expect(r"BUSYBOX-INIT: \S+ on (\d+) harts")
    m = g.expect(r"~ # ")
    t_init = time.monotonic() - t0
    g.send("uname -a\r")
    m = g.expect(r"Linux \S+ (\S+) #1 SMP .* riscv64", m.end())
    g.expect(r"~ # ", m.end())
    start = len(g.out)
    g.send("cat /proc/cpuinfo\r")
    last = g.expect(r"processor\s+: " + str(int(harts) - 1) + r"\r?\n", start)
    m = g.expect(r"~ # ", last.end())
    info = g.out[start:m.start()].decode(errors="replace")
    nproc = len(re.findall(r"^processor\s*:", info, re.M))
    if nproc != int(harts):
        g.fail(f"/proc/cpuinfo lists {nproc} harts, expected {harts}")
    if not re.search(r"^isa\s*: rv64imafdc", info, re.M):
        g.fail("/proc/cpuinfo has no 'isa : rv64imafdc...' line")
    g.send("poweroff\r")
    code = g.wait_exit()
    if code != 0:
        g.fail(f"exit code {code} after poweroff, expected 0")
    print(f"PASS: Debian kernel + busybox, {harts} hart(s), {mode}, {boot}: "
          f"shell after {t_init:.1f} s; uname, cpuinfo ({nproc} harts), "
          "poweroff with 0")
    return 0


if __name__ == "__main__":
    sys.exit(main())
