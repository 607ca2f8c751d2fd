#!/bin/bash
# run.sh [BUILD_DIR] [RUNS] - times the guest benchmarks of bench/guest
# (int, mem, fp, sv39, transl, memcpy, memset, chase, chase-sv39, interp,
# fp-single, fp-double, fp-div, ecall, mmio: bare-metal RISC-V programs for the
# riscv-spike board, see README.md) on breadboard and on qemu-system-riscv64 in one
# run of this script, and prints a table of medians with the ratio
# breadboard (jit) / QEMU.
#
# Each program runs RUNS times (default 3) in turn on
#   BUILD_DIR/breadboard run boards/riscv-spike.yaml --accel jit --kernel X
#   ... the same with --accel interp (for reference)
#   qemu-system-riscv64 -M spike -bios none -nographic -kernel X
# all in their normal (not deterministic) time mode; the time is the
# wall-clock time of the whole process.  Every run must exit with 0 and
# print the same "NAME checksum 0x..." line as the others, or the script
# stops with the outputs.  The programs are built by CMake (target
# bench-guest, built here if missing).  BENCH_PROGRAMS="int fp" runs a
# subset; BENCH_INTERP=0 skips the interpreter.  The JIT runs with
# BB_TCG_STATS=1, and the table also shows its translation speed (median
# TBs translated per second, from the last tcg-stats line of each run).
# BENCH_ICOUNT=0 skips the JIT's run in deterministic time (--icount),
# whose median is the "icount" column and its ratio to the JIT's normal
# time "ic/jit" (issue 13: within 1.5).
# BENCH_CSV=FILE appends "benchmark,jit_s,interp_s,qemu_s,ratio,icount_s"
# rows (bench/run-all collects them).
set -u
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
build=${1:-$src/build}
runs=${2:-3}
programs=${BENCH_PROGRAMS:-int mem fp sv39 transl memcpy memset chase chase-sv39 interp fp-single fp-double fp-div ecall mmio}
interp=${BENCH_INTERP:-1}
icount=${BENCH_ICOUNT:-1}
bb=$build/breadboard
board=$src/boards/riscv-spike.yaml
qemu=qemu-system-riscv64
limit=600                                # seconds per run

[ -x "$bb" ] || { echo "missing $bb (build first)"; exit 1; }
command -v $qemu > /dev/null ||
  { echo "$qemu missing (package qemu-system-misc)"; exit 1; }
for p in $programs; do
  if [ ! -e "$build/bench/guest/$p.elf" ]; then
    cmake --build "$build" --target bench-guest > /dev/null ||
      { echo "cannot build the guest benchmarks (target bench-guest)"; exit 1; }
    break
  fi
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
unset BREADBOARD_PLUGIN_PATH

# timed LABEL CMD...: runs CMD, checks exit 0 and the checksum line, and
# sets secs to the wall-clock seconds.  The first checksum of a program
# is the reference (ref) the others must equal.
timed() {
  local label=$1 t0 t1 rc sum
  shift
  t0=$(date +%s.%N)
  timeout $limit "$@" < /dev/null > "$tmp/out" 2>&1
  rc=$?
  t1=$(date +%s.%N)
  sum=$(grep -E "^$prog checksum 0x[0-9a-f]{16}\$" "$tmp/out" | tr -d '\r')
  if [ $rc != 0 ] || [ -z "$sum" ]; then
    echo "$prog on $label: exit $rc, output:" >&2
    cat "$tmp/out" >&2
    echo "command: $*" >&2
    return 1
  fi
  if [ -z "$ref" ]; then
    ref=$sum ref_label=$label
  elif [ "$sum" != "$ref" ]; then
    echo "$prog: checksum differs: $label '$sum', $ref_label '$ref'" >&2
    echo "command: $*" >&2
    return 1
  fi
  secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
  tbps=$(grep -a '^tcg-stats' "$tmp/out" | tail -1 |
         awk '{ for (i = 2; i <= NF; i++) if ($i == "TBs/s,") print $(i-1) }')
}

median() { sort -n | awk '{a[NR]=$1} END {printf "%.2f", a[int((NR+1)/2)]}'; }

rows=()
load=$(cut -d' ' -f1-3 /proc/loadavg)
for prog in $programs; do
  elf=$build/bench/guest/$prog.elf
  ref= ref_label=
  jit=() int=() qem=() tps=() ic=()
  for ((i = 0; i < runs; i++)); do
    timed qemu $qemu -M spike -bios none -nographic -kernel "$elf" ||
      exit 1
    qem+=("$secs")
    timed jit env BB_TCG_STATS=1 "$bb" run "$board" --accel jit \
      --kernel "$elf" || exit 1
    jit+=("$secs") tps+=("${tbps:-0}")
    if [ "$icount" != 0 ]; then
      timed icount "$bb" run "$board" --accel jit --icount --kernel "$elf" ||
        exit 1
      ic+=("$secs")
    fi
    if [ "$interp" != 0 ]; then
      timed interp "$bb" run "$board" --accel interp --kernel "$elf" ||
        exit 1
      int+=("$secs")
    fi
  done
  j=$(printf '%s\n' "${jit[@]}" | median)
  q=$(printf '%s\n' "${qem[@]}" | median)
  n=-
  [ "$interp" != 0 ] && n=$(printf '%s\n' "${int[@]}" | median)
  c=- cr=-
  if [ "$icount" != 0 ]; then
    c=$(printf '%s\n' "${ic[@]}" | median)
    cr=$(awk -v a="$c" -v b="$j" 'BEGIN { printf "%.2f", a / b }')
  fi
  t=$(printf '%s\n' "${tps[@]}" | sort -n |
      awk '{a[NR]=$1} END {printf "%d", a[int((NR+1)/2)]}')
  rows+=("$(printf '| %-10s | %8s | %8s | %8s | %8s | %8s | %6s | %9s | %s |' \
            "$prog" "$j" "$n" "$q" "$(awk -v a="$j" -v b="$q" \
                                      'BEGIN { printf "%.2f", a / b }')" \
            "$c" "$cr" "$t" "${ref##* }")")
  [ -n "${BENCH_CSV:-}" ] &&
    echo "guest-$prog,$j,${n#-},$q,$(awk -v a="$j" -v b="$q" 'BEGIN { printf "%.2f", a / b }'),${c#-}" >> "$BENCH_CSV"
  echo "$prog done (jit ${jit[*]}; icount ${ic[*]:-}; interp ${int[*]:-};" \
       "qemu ${qem[*]})" >&2
done

echo "bench/guest: median of $runs wall-clock runs in seconds; every run" \
     "printed the same checksum ($(nproc) host CPUs, load average at the" \
     "start $load)"
printf '| %-10s | %8s | %8s | %8s | %8s | %8s | %6s | %9s | %-18s |\n' \
  program "bb jit" "interp" qemu jit/qemu icount ic/jit "jit TBs/s" checksum
sep=----------
echo "|-$sep-|$sep|$sep|$sep|$sep|$sep|--------|-$sep|$sep$sep|"
printf '%s\n' "${rows[@]}"
