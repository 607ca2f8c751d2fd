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
sbi=/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin
ub=/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin
for f in $sbi $ub; do
  [ -f "$f" ] || { echo "$f missing (packages opensbi, u-boot-qemu): skipped"; exit 77; }
done
bb=$work/prefix/bin/breadboard plugin_dir=$work/cmake-build
[ -x "$bb" ] && [ -f "$plugin_dir/pci-counter.so" ] ||
  { echo "FAIL: no installed breadboard or pci-counter.so in $work (sdk.sample-pci)"; exit 1; }
timeout_s=${BB_BOOT_TIMEOUT:-300}
tmp=$(mktemp -d)
trap 'kill -9 $(jobs -p) 2> /dev/null; rm -rf "$tmp"' EXIT
mkfifo "$tmp/in"
env -u BREADBOARD_PLUGIN_PATH timeout -s KILL $timeout_s "$bb" run --icount \
  "$work/prefix/share/breadboard/boards/riscv-virt.yaml" \
  --bios $sbi --kernel $ub --plugin-dir "$plugin_dir" \
  --device pci-counter,id=counter,bus=pcie0,slot=1 \
  < "$tmp/in" > "$tmp/out" 2> "$tmp/err" &
pid=$!
exec 3> "$tmp/in"
start=$SECONDS
fail() {
  echo "FAIL: $*"
  echo "--- console"; tr -d '\r' < "$tmp/out" | tail -40
  echo "--- stderr"; tail -20 "$tmp/err"
  exit 1
}
prompt() { # N: wait for the N-th U-Boot prompt
  while (( $(grep -o '=> ' "$tmp/out" | wc -l) < $1 )); do
    kill -0 $pid 2> /dev/null || fail "breadboard exited before prompt $1"
    ((SECONDS - start > timeout_s)) && fail "timed out waiting for prompt $1"
    sleep 0.2
  done
}
# Stop autoboot with a key, then one command per prompt.
while ! grep -q "Hit any key" "$tmp/out"; do
  kill -0 $pid 2> /dev/null || fail "breadboard exited before U-Boot"
  ((SECONDS - start > timeout_s)) && fail "timed out waiting for U-Boot"
  sleep 0.2
done
printf '\r' >&3
n=1
# 0x8400_0000 is free RAM (OpenSBI sits at the bottom, U-Boot at the top).
for cmd in "pci" "pci bar 00.01.00" "md.l 0x40000000 1" \
           "mw.l 0x84000000 0x600dcafe" "mw.l 0x40000020 0x84000000" \
           "mw.l 0x40000024 0" "mw.l 0x40000028 0x84000100" \
           "mw.l 0x4000002c 0" "mw.l 0x40000030 4" "mw.l 0x40000034 1" \
           "md.l 0x40000010 1" "md.l 0x84000100 1"; do
  prompt $n; printf '%s\r' "$cmd" >&3; n=$((n + 1))
done
prompt $n; printf 'poweroff\r' >&3
wait $pid; rc=$?
[ $rc = 0 ] || fail "breadboard exited $rc after poweroff"
out=$(tr -d '\r' < "$tmp/out")
for want in \
  "00.01.00   0x1234     0xbb01     Build before PCI Rev2.0 0xff" \
  " 0   0x0000000040000000  0x0000000000001000  32     MEM" \
  "40000000: 50434e31" "40000010: 00000002" "84000100: 600dcafe"; do
  grep -qF -- "$want" <<< "$out" || fail "the console lacks '$want'"
done
echo "OK: U-Boot enumerated pci-counter, read its ID and ran a DMA copy"
