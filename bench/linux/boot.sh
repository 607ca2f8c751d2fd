#!/bin/bash
# boot.sh [BUILD_DIR] [RUNS] - Linux boot to its init's end on the
# riscv-virt board, breadboard next to qemu-system-riscv64 on the same
# images, in one run of this script:
#   project  the project-built 6.1 kernel (scripts/guests/build-kernel.sh):
#            start to "INIT-DONE" (its /init ran every check, the
#            workload on each hart included)
#   debian   Debian 13's kernel + busybox initramfs (scripts/guests/
#            fetch-debian.sh): start to the shell's first prompt
# Both: OpenSBI fw_jump, 1 hart, 128 MiB, console=ttyS0, normal (not
# deterministic) time mode, wall-clock time from process start until the
# marker appears on the console.  Columns: breadboard JIT, breadboard
# interpreter (BENCH_INTERP=0 skips it), QEMU, and the ratio JIT/QEMU;
# medians of RUNS runs (default 1: the ratio comes from one run).
# BENCH_CSV=FILE appends "benchmark,jit_s,interp_s,qemu_s,ratio" rows.
# Fetches/builds the guests when missing (cached; docs/linux.md).
set -u
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
build=${1:-$src/build}
runs=${2:-1}
interp=${BENCH_INTERP:-1}
bb=$build/breadboard
sbi=/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin
limit=900
[ -x "$bb" ] || { echo "missing $bb (build first)"; exit 1; }
[ -f $sbi ] || { echo "missing $sbi (package opensbi)"; exit 1; }
command -v qemu-system-riscv64 > /dev/null ||
  { echo "qemu-system-riscv64 missing (package qemu-system-misc)"; exit 1; }
kernel=$("$src/scripts/guests/build-kernel.sh") || exit 1
deb=$("$src/scripts/guests/fetch-debian.sh") || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
unset BREADBOARD_PLUGIN_PATH

# time_to MARKER CMD...: seconds until the console shows MARKER.
time_to() {
  local marker=$1 t0 t1 pid
  shift
  rm -f "$tmp/in" "$tmp/out"; mkfifo "$tmp/in"
  t0=$(date +%s.%N)
  "$@" < "$tmp/in" > "$tmp/out" 2>&1 &
  pid=$!
  exec 3> "$tmp/in"
  while ! grep -qaF -- "$marker" "$tmp/out"; do
    if ! kill -0 $pid 2> /dev/null ||
       (( $(date +%s) - ${t0%.*} > limit )); then
      echo "no '$marker' from: $*" >&2; tail -n 20 "$tmp/out" >&2
      kill -9 $pid 2> /dev/null; exec 3>&-; return 1
    fi
    sleep 0.01
  done
  t1=$(date +%s.%N)
  kill -9 $pid 2> /dev/null; wait $pid 2> /dev/null
  exec 3>&-
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }'
}
median() { sort -n | awk '{a[NR]=$1} END {printf "%.2f", a[int((NR+1)/2)]}'; }

load=$(cut -d' ' -f1-3 /proc/loadavg)
rows=()
for guest in project debian; do
  if [ $guest = project ]; then
    marker=INIT-DONE k=$kernel initrd=()
  else
    marker='~ # ' k=$deb/Image initrd=(--initrd "$deb/initrd.gz")
  fi
  append="console=ttyS0"
  jit=() int=() qem=()
  for ((i = 0; i < runs; i++)); do
    qem+=("$(time_to "$marker" qemu-system-riscv64 -M virt -m 128M -smp 1 \
             -nographic -bios $sbi -kernel "$k" -append "$append" \
             ${initrd[@]/--initrd/-initrd})") || exit 1
    jit+=("$(time_to "$marker" "$bb" run "$src/boards/riscv-virt.yaml" \
             --accel jit --bios $sbi --kernel "$k" --append "$append" \
             "${initrd[@]}")") || exit 1
    if [ "$interp" != 0 ]; then
      int+=("$(time_to "$marker" "$bb" run "$src/boards/riscv-virt.yaml" \
               --accel interp --bios $sbi --kernel "$k" --append "$append" \
               "${initrd[@]}")") || exit 1
    fi
  done
  j=$(printf '%s\n' "${jit[@]}" | median)
  q=$(printf '%s\n' "${qem[@]}" | median)
  n=
  [ "$interp" != 0 ] && n=$(printf '%s\n' "${int[@]}" | median)
  r=$(awk -v a="$j" -v b="$q" 'BEGIN { printf "%.2f", a / b }')
  rows+=("$(printf '| %-22s | %8s | %8s | %8s | %8s |' "linux-$guest" "$j" "${n:--}" "$q" "$r")")
  [ -n "${BENCH_CSV:-}" ] && echo "linux-$guest,$j,$n,$q,$r" >> "$BENCH_CSV"
  echo "linux-$guest done (jit ${jit[*]}; interp ${int[*]:-}; qemu ${qem[*]})" >&2
done
echo "bench/linux: seconds from start to the init's end (project: INIT-DONE;" \
     "debian: shell prompt), median of $runs run(s) ($(nproc) host CPUs," \
     "load average at the start $load)"
printf '| %-22s | %8s | %8s | %8s | %8s |\n' benchmark "bb jit" interp qemu jit/qemu
echo "|------------------------|----------|----------|----------|----------|"
printf '%s\n' "${rows[@]}"
