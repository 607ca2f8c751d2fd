#!/bin/bash
# sample-pci-uboot.sh WORK_DIR - a guest drives the out-of-tree PCI
# device: the installed `breadboard` and the pci-counter plugin that
# sdk.sample-pci built in WORK_DIR (the fixture this test requires) boot
# Debian's OpenSBI + U-Boot on the installed riscv-virt.yaml with
# `--device pci-counter,bus=pcie0,slot=1`.  At U-Boot's prompt: `pci`
# must list it at 00.01.00, `pci bar` show BAR 0 at the start of the
# 32-bit window, `md.l` read its ID, and a DMA copy programmed with
# `mw.l` must move a word of RAM and set DMA_DONE.  Skips (77) without
# the firmware packages (opensbi, u-boot-qemu).
set -u
work=$1
. "$(dirname "$0")/../lib/uboot-console.sh"
uboot_firmware_or_skip
bb=$work/prefix/bin/breadboard plugin_dir=$work/cmake-build
[ -x "$bb" ] && [ -f "$plugin_dir/pci-counter.so" ] ||
  { echo "FAIL: no installed breadboard or pci-counter.so in $work (sdk.sample-pci)"; exit 1; }
tmp=$(mktemp -d)
trap 'kill -9 $(jobs -p) 2> /dev/null; rm -rf "$tmp"' EXIT
# 0x8400_0000 is free RAM (OpenSBI sits at the bottom, U-Boot at the top).
cmds=("pci" "pci bar 00.01.00" "md.l 0x40000000 1"
      "mw.l 0x84000000 0x600dcafe" "mw.l 0x40000020 0x84000000"
      "mw.l 0x40000024 0" "mw.l 0x40000028 0x84000100"
      "mw.l 0x4000002c 0" "mw.l 0x40000030 4" "mw.l 0x40000034 1"
      "md.l 0x40000010 1" "md.l 0x84000100 1")
uboot_eol=$'\r'
uboot_session bb "$tmp" env -u BREADBOARD_PLUGIN_PATH "$bb" run --icount \
  "$work/prefix/share/breadboard/boards/riscv-virt.yaml" \
  --bios $sbi --kernel $ub --plugin-dir "$plugin_dir" \
  --device pci-counter,id=counter,bus=pcie0,slot=1
fail() {
  echo "FAIL: $*"
  echo "--- console"; tr -d '\r' < "$tmp/bb.out" | tail -40
  echo "--- stderr"; tail -20 "$tmp/bb.err"
  exit 1
}
[ $uboot_rc = 0 ] || fail "breadboard exited $uboot_rc after poweroff"
out=$(tr -d '\r' < "$tmp/bb.out")
for want in \
  "00.01.00   0x1234     0xbb01     Build before PCI Rev2.0 0xff" \
  " 0   0x0000000040000000  0x0000000000001000  32     MEM" \
  "40000000: 50434e31" "40000010: 00000002" "84000100: 600dcafe"; do
  grep -qF -- "$want" <<< "$out" || fail "the console lacks '$want'"
done
echo "OK: U-Boot enumerated pci-counter, read its ID and ran a DMA copy"
