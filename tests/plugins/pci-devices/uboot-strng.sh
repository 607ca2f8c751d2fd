#!/bin/bash
# uboot-strng.sh BREADBOARD SRC_DIR - Debian's OpenSBI (fw_jump) and S-mode
# U-Boot on boards/riscv-virt.yaml with edu at slot 1, pci-testdev at 2
# (issue 11's acceptance set, compared with QEMU by tests/pci case
# edu-testdev) and strng at slot 3, which QEMU does not have, so its
# answers are checked line by line here instead of against a QEMU
# transcript: `pci` lists exactly 00.00.00 to 00.03.00 with strng as
# 1234:11e9 class 0x00/0xff, its BARs come after pci-testdev's (BAR0
# 256 bytes at 0x40101000, BAR1 8 ports at 0x1100), and edu still reads
# 0x010000ed with liveness and factorial working.
# Skips (77) when the firmware packages are missing.
set -u
bb=$1 src=$(cd "$2" && pwd)
. "$src/tests/lib/uboot-console.sh"
uboot_firmware_or_skip
tmp=$(mktemp -d)
trap 'kill -9 $(jobs -p) 2> /dev/null; rm -rf "$tmp"' EXIT

cmds=("pci" "pci bar 00.01.00" "md.l 0x40000000 1"
      "mw.l 0x40000004 0x12345678" "md.l 0x40000004 1"
      "mw.l 0x40000008 5" "md.l 0x40000008 1" "pci bar 00.02.00"
      "pci bar 00.03.00")

board=$src/boards/riscv-virt.yaml
devs=(--device edu,bus=pcie0,slot=1 --device pci-testdev,bus=pcie0,slot=2)
devs+=(--device strng,bus=pcie0,slot=3)
uboot_session bb "$tmp" "$bb" run --icount "$board" \
  --bios $sbi --kernel $ub "${devs[@]}"
# The answers: from the first command on, without the final prompt's line.
tr -d '\r' < "$tmp/bb.out" | sed -n '/^=> pci$/,$p' | sed '$d' > "$tmp/bb.ans"

status=0
check() { # check LINE: must occur in breadboard's answers
  grep -qxF -- "$1" "$tmp/bb.ans" || { echo "FAIL: missing line: $1"; status=1; }
}
# qemu-system-riscv64 7.2's answers for the devices it has (same
# firmware; tests/pci/cases/edu-testdev.expected).
check "00.00.00   0x1b36     0x0008     Bridge device           0x00"
check "00.01.00   0x1234     0x11e8     Build before PCI Rev2.0 0xff"
check "00.02.00   0x1b36     0x0005     Build before PCI Rev2.0 0xff"
check " 0   0x0000000040000000  0x0000000000100000  32     MEM   "
check "40000000: 010000ed                             ...."
check "40000004: edcba987                             ...."
check "40000008: 00000078                             x..."
check " 0   0x0000000040100000  0x0000000000001000  32     MEM   "
check " 1   0x0000000000001000  0x0000000000000100  32     I/O   "
# exactly these functions, in this order
got=$(grep -E '^[0-9a-f]{2}\.[0-9a-f]{2}\.[0-9a-f]{2} ' "$tmp/bb.ans" | cut -c1-8 | tr '\n' ' ')
want="00.00.00 00.01.00 00.02.00 00.03.00 "
[ "$got" = "$want" ] || { echo "FAIL: functions listed: $got (want $want)"; status=1; }
# strng: the IDs and class of docs/hardware/pci-devices.md
check "00.03.00   0x1234     0x11e9     Build before PCI Rev2.0 0xff"
# after edu (1 MiB at 0x4000_0000) and pci-testdev (4 KiB, 256 ports)
check " 0   0x0000000040101000  0x0000000000000100  32     MEM   "
# U-Boot 2023.01's `pci bar` masks an I/O BAR's size read-back with the
# memory mask (~0xf), so 8 ports (0xfffffff9) show as 0x10 (it does the
# same on QEMU for pci-serial's 8-port BAR); the device tests check the
# read-back itself.
check " 1   0x0000000000001100  0x0000000000000010  32     I/O   "
echo "--- answers"; cat "$tmp/bb.ans"
[ $status = 0 ] && echo "ok"
exit $status
