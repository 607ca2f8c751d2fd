#!/bin/bash
# uboot-prompt.sh [BUILD_DIR] [RUNS] - time from start to U-Boot's `=>`
# prompt on the riscv-virt board, breadboard next to qemu-system-riscv64
# on the same Debian images (OpenSBI fw_dynamic + S-mode U-Boot), in one
# run of this script, and print the ratio.  Both run in their normal
# (not deterministic) time mode with one hart and 128 MiB; a key is sent
# as soon as U-Boot offers to stop autoboot, so neither waits out the
# countdown.  Each emulator runs RUNS times (default 3), alternating; the
# medians and their ratio are printed.  Breadboard runs with
# BB_TCG_STATS=1: the translation statistics of its last run up to the
# prompt (TBs translated per second, ns per guest instruction; a line per
# 1024 TBs, so the last few hundred TBs are not counted) are printed too.
# BENCH_CSV=FILE appends a "benchmark,jit_s,interp_s,qemu_s,ratio" row
# (no interpreter column here).
set -u
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
build=${1:-$src/build}
runs=${2:-3}
bb=$build/breadboard
sbi=/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin
ub=/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin
for f in "$bb" $sbi $ub; do
  [ -e "$f" ] || { echo "missing $f (build first; packages opensbi u-boot-qemu)"; exit 1; }
done
command -v qemu-system-riscv64 > /dev/null ||
  { echo "qemu-system-riscv64 missing (package qemu-system-misc)"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# time_to_prompt CMD...: seconds (with ms) until the console shows "=> ".
time_to_prompt() {
  rm -f "$tmp/in" "$tmp/out"; mkfifo "$tmp/in"
  local t0 t1 pid
  t0=$(date +%s.%N)
  "$@" < "$tmp/in" > "$tmp/out" 2>&1 &
  pid=$!
  exec 3> "$tmp/in"
  local sent=no
  while ! grep -qF '=> ' "$tmp/out"; do
    if [ $sent = no ] && grep -qF 'Hit any key' "$tmp/out"; then
      printf '\n' >&3; sent=yes
    fi
    kill -0 $pid 2> /dev/null || { echo "exited early" >&2; cat "$tmp/out" >&2; return 1; }
    sleep 0.01
  done
  t1=$(date +%s.%N)
  kill -9 $pid 2> /dev/null; wait $pid 2> /dev/null
  grep -a 'tcg-stats' "$tmp/out" | tail -1 > "$tmp/stats.new"
  [ -s "$tmp/stats.new" ] && mv "$tmp/stats.new" "$tmp/stats"
  exec 3>&-
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }' 
}

median() { sort -n | awk '{a[NR]=$1} END {printf "%.3f", a[int((NR+1)/2)]}'; }

bb_times=() q_times=()
for ((i = 0; i < runs; i++)); do
  bb_times+=("$(time_to_prompt env BB_TCG_STATS=1 "$bb" run "$src/boards/riscv-virt.yaml" \
                --set chardevs.serial0=stdio)") || exit 1
  q_times+=("$(time_to_prompt qemu-system-riscv64 -M virt -m 128M -smp 1 \
               -nographic -bios $sbi -kernel $ub)") || exit 1
done
b=$(printf '%s\n' "${bb_times[@]}" | median)
q=$(printf '%s\n' "${q_times[@]}" | median)
echo "time to the U-Boot prompt (median of $runs): breadboard ${b} s," \
     "qemu-system-riscv64 ${q} s, ratio breadboard/qemu" \
     "$(awk -v a="$b" -v b="$q" 'BEGIN { printf "%.2f", a / b }')"
[ -s "$tmp/stats" ] && echo "breadboard, last run: $(cat "$tmp/stats")"
[ -n "${BENCH_CSV:-}" ] &&
  echo "uboot-prompt,$b,,$q,$(awk -v a="$b" -v b="$q" 'BEGIN { printf "%.2f", a / b }')" >> "$BENCH_CSV"
exit 0
