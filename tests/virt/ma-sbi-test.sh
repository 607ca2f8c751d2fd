#!/bin/bash
# ma-sbi-test.sh BREADBOARD SRC_DIR KERNEL RUN - run the ma-sbi test
# kernel (ma-sbi/ma-sbi.c: riscv-tests' ma_data sequence and a sweep of
# mixed-width misaligned stores and loads, in S and U mode, emulated by
# OpenSBI's misaligned trap handler) under Debian's OpenSBI fw_jump on
# boards/riscv-virt.yaml, and check its verdict: one "NAME: ok" line per
# setup, in order, then "ma-sbi: PASS" and exit status 0 (SBI SRST).
#   RUN: jit-icount, jit, interp-icount, interp   breadboard with that
#          backend, with --icount (deterministic) or without (chained TBs);
#        qemu   qemu-system-riscv64 -M virt, the oracle (it does misaligned
#          accesses in hardware; it exits 0 whatever the verdict, so only
#          the console counts);
#        break  KERNEL is the -DMA_SBI_BREAK build: the first setup must
#          fail at check 156 with the expected value off by one, the rest
#          pass, and the exit status must be 1.
# Skips (77) when the firmware, the kernel (no riscv64-unknown-elf-gcc)
# or, for qemu, QEMU is missing.
set -u
bb=$1 src=$2 kernel=$3 run=$4
fw_bin=/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin
[ -f "$fw_bin" ] || { echo "$fw_bin missing (package opensbi): skipped"; exit 77; }
[ -f "$kernel" ] || { echo "$kernel not built (no riscv64-unknown-elf-gcc): skipped"; exit 77; }

setups=("S bare data-page" "S bare code-page" "S sv39-identity data-page"
        "S sv39-alias data-page" "S sv39-alias code-page"
        "U bare data-page" "U bare code-page" "U sv39-alias data-page"
        "U sv39-alias code-page" "S bare page-crossing"
        "S sv39-alias page-crossing" "U bare page-crossing"
        "U sv39-alias page-crossing" "S sv39-4k data-page"
        "S sv39-4k page-crossing" "U sv39-4k code-page"
        "U sv39-4k page-crossing" "S sv39-demand data-page"
        "S sv39-demand page-crossing" "U sv39-demand code-page"
        "U sv39-demand page-crossing" "S sv39-alias data-page again"
        "S bare data-page again")

accel=jit icount=(--icount) want_rc=0
case $run in
  jit|interp) accel=$run icount=() ;;
  jit-icount|interp-icount) accel=${run%-icount} ;;
  break) want_rc=1 ;;
  qemu) command -v qemu-system-riscv64 > /dev/null ||
          { echo "no qemu-system-riscv64: skipped"; exit 77; } ;;
  *) echo "unknown run $run"; exit 2 ;;
esac

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
timeout_s=120
start=$SECONDS
if [ "$run" = qemu ]; then
  timeout -s KILL $timeout_s qemu-system-riscv64 -M virt -m 128M -smp 1 \
    -nographic -bios "$fw_bin" -kernel "$kernel" \
    < /dev/null > "$tmp/out" 2> "$tmp/err"
else
  timeout -s KILL $timeout_s "$bb" run "${icount[@]}" --accel $accel \
    "$src/boards/riscv-virt.yaml" --bios "$fw_bin" --kernel "$kernel" \
    < /dev/null > "$tmp/out" 2> "$tmp/err"
fi
rc=$?

fail() {
  echo "FAIL (ma-sbi, $run): $*"
  echo "--- console"; tr -d '\r' < "$tmp/out" | tail -n 40
  echo "--- stderr"; tail -n 20 "$tmp/err"
  exit 1
}
[ $rc = 137 ] && fail "timed out after $timeout_s s"
tr -d '\r' < "$tmp/out" > "$tmp/console"
grep -qxF "ma-sbi: started" "$tmp/console" ||
  fail "the kernel never printed (OpenSBI did not enter it?)"

want=$({
  echo "ma-sbi: started"
  for s in "${setups[@]}"; do
    if [ "$run" = break ] && [ "$s" = "S bare data-page" ]; then
      echo "$s: FAIL ma_data check 156 got 0x0000000033c1c2be want 0x0000000033c1c2bf"
    else
      echo "$s: ok"
    fi
  done
  [ "$run" = break ] && echo "ma-sbi: FAIL" || echo "ma-sbi: PASS"
})
got=$(grep -E '^(ma-sbi: |[SU] [a-z0-9-]+ [a-z-]+( again)?: |FAIL )' \
        "$tmp/console")
[ "$got" = "$want" ] ||
  fail "verdict lines differ: $(diff <(echo "$want") <(echo "$got") | grep '^[<>]' | tr '\n' ' ')"
[ "$run" = qemu ] && want_rc=0
[ $rc = $want_rc ] || fail "exit status $rc (expected $want_rc)"
echo "ok (ma-sbi, $run): ${#setups[@]} setups, exit status $rc," \
     "$((SECONDS - start)) s"
