#!/bin/bash
# boot-test.sh BREADBOARD SRC_DIR SCENARIO ACCEL - boot Debian's firmware on
# boards/riscv-virt.yaml in deterministic mode and drive the console like
# a user: check OpenSBI's banner, reach U-Boot's `=>` prompt, run
# `version` and `md` (of the U-Boot image in RAM, compared with the file),
# then `poweroff`, which must end the run with exit code 0.
#   SCENARIO: dynamic  fw_dynamic.bin + S-mode U-Boot (the board default)
#             jump     fw_jump.bin + S-mode U-Boot
#             mmode    M-mode U-Boot as the firmware, no OpenSBI
#             smp2     fw_jump + S-mode U-Boot on boards/riscv-virt-smp2.yaml
#             smp4     the same on boards/riscv-virt-smp4.yaml
#   ACCEL: jit or interp.
# Skips (77) when the Debian firmware packages are not installed.
set -u
bb=$1 src=$2 scenario=$3 accel=$4
sbi=/usr/lib/riscv64-linux-gnu/opensbi/generic
ub_s=/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin
ub_m=/usr/lib/u-boot/qemu-riscv64/u-boot.bin
for f in $sbi/fw_jump.bin $sbi/fw_dynamic.bin $ub_s $ub_m; do
  [ -f "$f" ] || { echo "$f missing (packages opensbi, u-boot-qemu): skipped"; exit 77; }
done
board=$src/boards/riscv-virt.yaml
opensbi=yes image=$ub_s image_addr=0x80200000
case $scenario in
  dynamic) args=() ;;
  jump) args=(--bios $sbi/fw_jump.bin --kernel $ub_s) ;;
  mmode) args=(--bios $ub_m --set boot.kernel=) opensbi=no image=$ub_m image_addr=0x80000000 ;;
  smp2) args=(--bios $sbi/fw_jump.bin --kernel $ub_s)
        board=$src/boards/riscv-virt-smp2.yaml ;;
  smp4) args=(--bios $sbi/fw_jump.bin --kernel $ub_s)
        board=$src/boards/riscv-virt-smp4.yaml ;;
  *) echo "unknown scenario $scenario"; exit 2 ;;
esac
timeout_s=${BB_BOOT_TIMEOUT:-240}
[ "$accel" = interp ] && timeout_s=$((timeout_s * 3))

tmp=$(mktemp -d)
mkfifo "$tmp/in"
cleanup() { [ -n "${pid:-}" ] && kill -9 "$pid" 2> /dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
timeout -s KILL $timeout_s "$bb" run --icount --accel "$accel" "$board" \
  "${args[@]}" < "$tmp/in" > "$tmp/out" 2> "$tmp/err" &
pid=$!
exec 3> "$tmp/in"
start=$SECONDS

fail() {
  echo "FAIL ($scenario, $accel): $*"
  echo "--- console (last 40 lines)"; tail -n 40 "$tmp/out"
  echo "--- stderr"; tail -n 20 "$tmp/err"
  exit 1
}
# expect TEXT: wait until the console output contains TEXT.
expect() {
  while ! grep -qF -- "$1" "$tmp/out"; do
    kill -0 $pid 2> /dev/null || fail "breadboard exited before printing '$1'"
    ((SECONDS - start > timeout_s)) && fail "timed out waiting for '$1'"
    sleep 0.2
  done
}
# prompt N: wait for the N-th U-Boot prompt.
prompt() {
  while (( $(grep -o '=> ' "$tmp/out" | wc -l) < $1 )); do
    kill -0 $pid 2> /dev/null || fail "breadboard exited before prompt $1"
    ((SECONDS - start > timeout_s)) && fail "timed out waiting for prompt $1"
    sleep 0.2
  done
}
send() { printf '%s' "$1" >&3; }

if [ $opensbi = yes ]; then
  for line in "Platform Name             : riscv-virtio,qemu" \
              "Platform Timer Device     : aclint-mtimer @ 10000000Hz" \
              "Platform Console Device   : uart8250" \
              "Platform Reboot Device    : sifive_test" \
              "Platform Shutdown Device  : sifive_test"; do
    expect "$line"
  done
  [ $scenario = smp2 ] && expect "Platform HART Count       : 2"
  [ $scenario = smp4 ] && expect "Platform HART Count       : 4"
fi
expect "U-Boot 2023.01"
expect "Hit any key to stop autoboot"
send $'\n'
prompt 1
send $'version\n'
expect "U-Boot 2023.01"
prompt 2
send "md.l $image_addr 4"$'\n'
want=$(od -An -tx4 -N16 "$image" | tr -s ' ' | sed 's/^ //')
expect "${image_addr#0x}: $want"
prompt 3
send $'poweroff\n'
wait $pid
rc=$?
[ $rc = 0 ] || fail "exit code $rc after poweroff (expected 0)"
echo "ok ($scenario, $accel): prompt and poweroff in $((SECONDS - start)) s"
