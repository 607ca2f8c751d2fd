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
sbi=/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin
ub=/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin
for f in $sbi $ub; do
  [ -f "$f" ] || { echo "$f missing (packages opensbi, u-boot-qemu): skipped"; exit 77; }
done
timeout_s=${BB_BOOT_TIMEOUT:-300}
tmp=$(mktemp -d)
trap 'kill -9 $(jobs -p) 2> /dev/null; rm -rf "$tmp"' EXIT

cmds=("pci" "pci bar 00.01.00" "md.l 0x40000000 1"
      "mw.l 0x40000004 0x12345678" "md.l 0x40000004 1"
      "mw.l 0x40000008 5" "md.l 0x40000008 1" "pci bar 00.02.00"
      "pci bar 00.03.00")

# run NAME CMD...: boot, send each of cmds at a prompt, power off; the
# answers (console text between prompts, CRs removed) go to $tmp/NAME.ans
run() {
  local name=$1; shift
  local out=$tmp/$name.out start=$SECONDS n=1
  mkfifo "$tmp/$name.in"
  timeout -s KILL $timeout_s "$@" < "$tmp/$name.in" > "$out" 2> "$tmp/$name.err" &
  local pid=$!
  exec 3> "$tmp/$name.in"
  fail() {
    echo "FAIL ($name): $*"
    echo "--- console (last 40 lines)"; tail -n 40 "$out"
    echo "--- stderr"; tail -n 20 "$tmp/$name.err"
    exit 1
  }
  wait_for() { # wait_for COUNT: the COUNT-th prompt
    while (( $(grep -o '=> ' "$out" | wc -l) < $1 )); do
      kill -0 $pid 2> /dev/null || fail "exited before prompt $1"
      ((SECONDS - start > timeout_s)) && fail "timed out waiting for prompt $1"
      sleep 0.2
    done
  }
  while ! grep -qF "Hit any key to stop autoboot" "$out"; do
    kill -0 $pid 2> /dev/null || fail "exited before U-Boot's countdown"
    ((SECONDS - start > timeout_s)) && fail "timed out waiting for U-Boot"
    sleep 0.2
  done
  printf '\n' >&3
  wait_for 1
  for c in "${cmds[@]}"; do
    printf '%s\n' "$c" >&3
    n=$((n + 1))
    wait_for $n
  done
  printf 'poweroff\n' >&3
  wait $pid
  exec 3>&-
  # From the first command on, without the final prompt's line.
  tr -d '\r' < "$out" | sed -n '/^=> pci$/,$p' | sed '$d' > "$tmp/$name.ans"
}

board=$src/boards/riscv-virt.yaml
devs=(--device edu,bus=pcie0,slot=1 --device pci-testdev,bus=pcie0,slot=2)
devs+=(--device strng,bus=pcie0,slot=3)
run bb "$bb" run --icount "$board" \
  --bios $sbi --kernel $ub "${devs[@]}"

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
