#!/bin/bash
# run-random-diff.sh - runs the random-diff programs (see CMakeLists.txt
# here) on QEMU and on breadboard and compares them:
#
#   run-random-diff.sh --bb BREADBOARD --src SRC_DIR --qemu QEMU rd-*.elf
#
# Each program must exit with 0 and print the same dump (a name line,
# x1..x31 but x3, the 32 words of each of the two buffer pages) on
# qemu-system-riscv64 -M spike and on boards/riscv-spike.yaml under
# --accel jit and --accel interp, each with --icount (deterministic: no
# chaining) and without (normal mode: chained TBs, where self-modifying
# code is stored from chained code).  Exit 77 (skipped) without QEMU.
set -u
bb= src= qemu=
while [ $# -gt 0 ]; do
  case $1 in
    --bb) bb=$2; shift 2 ;;
    --src) src=$2; shift 2 ;;
    --qemu) qemu=$2; shift 2 ;;
    --*) echo "run-random-diff.sh: unknown argument $1" >&2; exit 2 ;;
    *) break ;;
  esac
done
if [ -z "$qemu" ] || [ ! -x "$qemu" ]; then
  echo "SKIP random-diff: qemu-system-riscv64 not installed"
  exit 77
fi
if [ $# = 0 ]; then
  echo "run-random-diff.sh: no programs" >&2
  exit 2
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
unset BREADBOARD_PLUGIN_PATH

lines=$((1 + 30 + 32 + 32))
failed=0
for elf in "$@"; do
  name=$(basename "$elf" .elf)
  qcmd=("$qemu" -M spike -cpu rv64,h=false -icount shift=0 -bios none
        -nographic -monitor none -serial stdio -kernel "$elf")
  timeout -s KILL 60 "${qcmd[@]}" < /dev/null > "$tmp/qemu.out" \
    2> "$tmp/qemu.err"
  qrc=$?
  bad=
  if [ "$qrc" != 0 ] || [ "$(wc -l < "$tmp/qemu.out")" != "$lines" ]; then
    echo "FAIL $name (QEMU): exit code $qrc, $(wc -l < "$tmp/qemu.out") lines"
    echo "    ${qcmd[*]}"
    sed 's/^/    /' "$tmp/qemu.out" "$tmp/qemu.err" | head -20
    bad=1
  fi
  for run in jit interp jit-chained interp-chained; do
    accel=${run%-chained} timing=(--icount)
    [ "$accel" != "$run" ] && timing=()
    cmd=("$bb" run "$src/boards/riscv-spike.yaml" "${timing[@]}"
         --accel "$accel" --kernel "$elf")
    timeout -s KILL 60 "${cmd[@]}" < /dev/null > "$tmp/$run.out" \
      2> "$tmp/$run.err"
    rc=$?
    if [ "$rc" != 0 ] || ! cmp -s "$tmp/qemu.out" "$tmp/$run.out"; then
      echo "FAIL $name ($run): exit code $rc; QEMU (<) vs breadboard (>):"
      echo "    ${cmd[*]}"
      diff "$tmp/qemu.out" "$tmp/$run.out" | head -20 | sed 's/^/    /'
      sed 's/^/    stderr: /' "$tmp/$run.err" | head -5
      bad=1
    fi
  done
  if [ -n "$bad" ]; then
    failed=$((failed + 1))
  fi
done
if [ "$failed" != 0 ]; then
  echo "FAIL random-diff: $failed of $# programs differ (sources:" \
       "$(dirname "$1")/rd-SEED.S)"
  exit 1
fi
echo "PASS random-diff: $# programs (QEMU = jit = interp, deterministic and chained)"
exit 0
