#!/bin/bash
# qemu-compare.sh BREADBOARD SRC_DIR HARTS [edu|rp-edu] - boot the project-built
# kernel (scripts/guests/build-kernel.sh) on Breadboard (--icount) and on
# qemu-system-riscv64 (-M virt, same -smp, same OpenSBI fw_jump, same
# Image and command line) and compare every "bb-init:" line of /init:
# those depend only on the machine's configuration and the guest code
# (init.c says which lines those are).  Both runs must end with the
# guest's power-off (status 0).
#
# Both boards have the PCIe host bridge, so the "pci" lines (functions
# and the resources Linux assigned them) are compared too.
# With "edu", both machines get QEMU's edu device at 00:01.0 (Breadboard:
# --device edu,bus=pcie0,slot=1) and the edu checks are compared too; with
# "rp-edu", edu sits behind a PCIe root port at 00:01.0, on bus 1.  The
# resources Linux assigns (BARs, bridge windows) are among the compared
# lines.  Skips (77) without qemu-system-riscv64,
# the firmware or the built guest.
set -u
bb=$1 src=$2 harts=$3 variant=${4:-}
qemu=$(command -v qemu-system-riscv64) ||
  { echo "qemu-system-riscv64 missing (package qemu-system-misc): skipped"; exit 77; }
sbi=/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin
[ -f $sbi ] || { echo "$sbi missing (package opensbi): skipped"; exit 77; }
kernel=$("$src/scripts/guests/build-kernel.sh" --path)
[ -f "$kernel" ] || { echo "$kernel missing: cmake --build build --target linux-guests; skipped"; exit 77; }
case $harts in
  1) board=$src/boards/riscv-virt.yaml ;;
  *) board=$src/boards/riscv-virt-smp$harts.yaml ;;
esac
append="console=ttyS0"
bb_extra=() qemu_extra=()
case $variant in
  edu) bb_extra=(--device edu,bus=pcie0,slot=1)
       qemu_extra=(-device edu,addr=01.0) ;;
  rp-edu) bb_extra=(--device pcie-root-port,id=rp0,bus=pcie0,slot=1
                    --device edu,bus=rp0)
          qemu_extra=(-device pcie-root-port,id=rp0,bus=pcie.0,addr=01.0
                      -device edu,bus=rp0) ;;
esac
logs=${BB_LINUX_LOG_DIR:-.}
tag=$harts${variant:+-$variant}
bb_log=$logs/vs-qemu-$tag.breadboard.log
qemu_log=$logs/vs-qemu-$tag.qemu.log

timeout -s KILL 600 "$bb" run --icount "$board" --bios $sbi --kernel "$kernel" \
  --append "$append" "${bb_extra[@]}" < /dev/null > "$bb_log" 2>&1
bb_rc=$?
timeout -s KILL 600 "$qemu" -M virt -m 128M -smp "$harts" -nographic \
  -bios $sbi -kernel "$kernel" -append "$append" "${qemu_extra[@]}" \
  < /dev/null > "$qemu_log" 2>&1
qemu_rc=$?

lines() { tr -d '\r' < "$1" | grep -a '^bb-init: '; }
fail=0
[ $bb_rc = 0 ] || { echo "FAIL: breadboard exit status $bb_rc (log $bb_log)"; fail=1; }
[ $qemu_rc = 0 ] || { echo "FAIL: qemu exit status $qemu_rc (log $qemu_log)"; fail=1; }
lines "$qemu_log" | grep -q "^bb-init: result PASS" ||
  { echo "FAIL: QEMU's run does not pass its own checks (log $qemu_log)"; fail=1; }
if ! diff -u <(lines "$qemu_log") <(lines "$bb_log") > "$logs/vs-qemu-$tag.diff"; then
  echo "FAIL: bb-init lines differ (- qemu, + breadboard):"
  cat "$logs/vs-qemu-$tag.diff"
  fail=1
fi
[ $fail = 0 ] || exit 1
echo "PASS: $(lines "$bb_log" | wc -l) bb-init lines identical on Breadboard and QEMU ($harts hart(s)${variant:+, $variant})"
