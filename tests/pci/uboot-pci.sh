#!/bin/bash
# uboot-pci.sh BREADBOARD SRC_DIR CASE MODE - boot Debian's OpenSBI
# (fw_jump) and S-mode U-Boot on boards/riscv-virt.yaml with the PCI
# devices of CASE added on the command line, type CASE's U-Boot commands
# at the prompt and compare the console transcript (from the first prompt
# to `poweroff`, CRs removed) with qemu-system-riscv64's for the same
# devices:
#   MODE golden  against tests/pci/cases/CASE.expected, the transcript
#                QEMU 7.2 printed (recorded with MODE record), so the
#                check runs where QEMU is not installed
#   MODE qemu    against QEMU run live with the same firmware (skips, 77,
#                without qemu-system-riscv64)
#   MODE record  run QEMU and write CASE.expected (review the diff)
# A case is tests/pci/cases/CASE.case, a bash fragment setting
#   bb_args=(...)    breadboard run arguments, e.g.
#                    --device pcie-root-port,id=rp0,bus=pcie0,slot=1
#   qemu_args=(...)  the same devices for QEMU, e.g.
#                    -device pcie-root-port,id=rp0,bus=pcie.0,addr=1
#   cmds=(...)       U-Boot commands, one per element ("pci", "pci 1",
#                    "pci bar 00.01.00", "md.l 0x40000000 1", ...)
# so more devices and commands are a new case file (docs/pci-host.md).
# Breadboard runs in deterministic time (--icount).  Skips (77) when the
# firmware packages are missing.
set -u
bb=$1 src=$2 case=$3 mode=$4
. "$src/tests/lib/uboot-console.sh"
uboot_firmware_or_skip
if [ "$mode" != golden ] && ! command -v qemu-system-riscv64 > /dev/null; then
  echo "qemu-system-riscv64 missing: skipped"; exit 77
fi
casefile=$src/tests/pci/cases/$case.case
expected=$src/tests/pci/cases/$case.expected
bb_args=() qemu_args=() cmds=()
# shellcheck disable=SC1090
. "$casefile" || { echo "cannot read $casefile"; exit 2; }
tmp=$(mktemp -d)
trap 'kill -9 $(jobs -p) 2> /dev/null; rm -rf "$tmp"' EXIT

# run NAME CMD...: boot, type each of cmds at a prompt, then poweroff;
# the transcript (first prompt to `poweroff`, CRs removed) goes to
# $tmp/NAME.txt.
run() {
  local name=$1; shift
  uboot_session "$name" "$tmp" "$@"
  tr -d '\r' < "$tmp/$name.out" | sed -n '/^=> /,$p' |
    sed '/^=> poweroff/,$d' > "$tmp/$name.txt"
}

run breadboard "$bb" run --icount "$src/boards/riscv-virt.yaml" \
  --bios "$sbi" --kernel "$ub" "${bb_args[@]}"
if [ "$mode" != golden ]; then
  run qemu qemu-system-riscv64 -M virt -m 128M -smp 1 -nographic \
    -bios "$sbi" -kernel "$ub" "${qemu_args[@]}"
  if [ "$mode" = record ]; then
    cp "$tmp/qemu.txt" "$expected"
    echo "wrote $expected"
    exit 0
  fi
  expected=$tmp/qemu.txt
fi
if ! diff -u "$expected" "$tmp/breadboard.txt"; then
  echo "FAIL ($case, $mode): U-Boot's answers differ (- QEMU, + breadboard)"
  exit 1
fi
echo "ok ($case, $mode): ${#cmds[@]} commands answered as on QEMU"
