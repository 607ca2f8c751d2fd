#!/bin/bash
# loader-test.sh BREADBOARD SRC_DIR - the "loader" device (plugins/misc/
# loader.c), which the U-Boot Linux boots use to put kernel and initrd in
# RAM:
#   1. it can stand in for the board's kernel: OpenSBI fw_jump with no
#      boot.kernel and S-mode U-Boot placed at 0x80200000 by a loader
#      reaches U-Boot's prompt, and `poweroff` exits with 0;
#   2. a file that does not fit in RAM ends the run with status 1 and a
#      message naming the file and the range, before the guest runs;
#   3. a missing file is refused at realize, naming the device option.
# Skips (77) without Debian's opensbi / u-boot-qemu.
set -u
bb=$1 src=$2
sbi=/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin
ub=/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin
for f in $sbi $ub; do
  [ -f "$f" ] || { echo "$f missing (packages opensbi, u-boot-qemu): skipped"; exit 77; }
done
board=$src/boards/riscv-virt.yaml
tmp=$(mktemp -d)
cleanup() { [ -n "${pid:-}" ] && kill -9 "$pid" 2> /dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; tail -n 20 "$tmp/out" "$tmp/err" 2>/dev/null; exit 1; }

# 1. U-Boot from a loader.
mkfifo "$tmp/in"
timeout -s KILL 300 "$bb" run --icount "$board" --bios $sbi --set boot.kernel= \
  --device loader,file=$ub,address=0x80200000 < "$tmp/in" > "$tmp/out" 2> "$tmp/err" &
pid=$!
exec 3> "$tmp/in"
start=$SECONDS
until grep -q '=> ' "$tmp/out"; do
  kill -0 $pid 2> /dev/null || fail "exited before U-Boot's prompt"
  ((SECONDS - start > 280)) && fail "no U-Boot prompt"
  sleep 0.2
done
grep -q "U-Boot 2023.01" "$tmp/out" || fail "no U-Boot banner"
printf 'poweroff\r' >&3
wait $pid; rc=$?; pid=
[ $rc = 0 ] || fail "exit status $rc after poweroff, expected 0"
echo "ok: U-Boot placed by a loader ran to its prompt and powered off"

# 2. Outside RAM (RAM ends at 0x88000000 on riscv-virt).
"$bb" run --icount "$board" --device loader,file=$ub,address=0x87ff0000 \
  > "$tmp/out" 2> "$tmp/err" < /dev/null
rc=$?
[ $rc = 1 ] || fail "loader outside RAM: exit status $rc, expected 1"
grep -q "loader: $ub: .*0x87ff0000.* is not RAM or ROM" "$tmp/err" ||
  fail "loader outside RAM: no message naming the file and range"
grep -q "OpenSBI" "$tmp/out" && fail "the guest ran although its image did not load"
echo "ok: a file that does not fit is refused before the guest runs"

# 3. Missing file.
"$bb" run "$board" --device loader,file=$tmp/none,address=0x80200000 \
  > "$tmp/out" 2> "$tmp/err" < /dev/null
rc=$?
[ $rc != 0 ] || fail "missing file accepted"
grep -q "loader.*$tmp/none is not a readable file" "$tmp/err" ||
  fail "missing file: no message naming it"
echo "ok: a missing file is refused"
