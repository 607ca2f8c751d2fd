#!/bin/bash
# timing-test.sh BREADBOARD SRC_DIR ELF HARTS RUN... - run a timing
# program of tests/guest (timer-latency.c, smp-pingpong.c) on
# tests/guest/spike-clint.yaml with HARTS harts, once per RUN, which is
# MODE/ACCEL: MODE "icount" (--icount) or "normal" (host time), ACCEL jit
# or interp.  Every run must exit 0 (the program checks its own bound and
# prints one line, shown here); the --icount runs must all print the same
# line (deterministic time, the same on both backends), and a second
# --icount run on the JIT too.
set -u
bb=$1 src=$2 elf=$3 harts=$4
shift 4
[ -x "$bb" ] && [ -f "$elf" ] || { echo "missing $bb or $elf"; exit 1; }
[ -e "$(dirname "$bb")/plugins/interrupt-controllers.so" ] ||
  { echo "no sifive-clint plugin: skipped"; exit 77; }
args=(--kernel "$elf")
if [ "$harts" -gt 1 ]; then
  msip= mtip=
  for ((h = 0; h < harts; h++)); do
    msip+=${msip:+, }hart$h.msip mtip+=${mtip:+, }hart$h.mtip
  done
  args+=(--set "harts.count=$harts" --set "devices.clint.num-harts=$harts"
         --set "devices.clint.irqs.msip=[$msip]"
         --set "devices.clint.irqs.mtip=[$mtip]")
fi
name=$(basename "$elf" .elf)
fail=0 icount_line=
runs=("$@")
[[ " ${runs[*]} " == *" icount/jit "* ]] && runs+=(icount/jit)
for r in "${runs[@]}"; do
  mode=${r%/*} accel=${r#*/}
  extra=(--accel "$accel")
  [ "$mode" = icount ] && extra+=(--icount)
  out=$(timeout 120 "$bb" run "$src/tests/guest/spike-clint.yaml" \
          "${args[@]}" "${extra[@]}" 2>&1)
  rc=$?
  line=$(echo "$out" | grep "^$name:")
  echo "$r: exit $rc: ${line:-$out}"
  if [ "$rc" != 0 ]; then
    echo "FAIL ($r): by hand: $bb run $src/tests/guest/spike-clint.yaml" \
         "${args[*]} ${extra[*]}"
    fail=1
  fi
  if [ "$mode" = icount ]; then
    if [ -z "$icount_line" ]; then
      icount_line=$line
    elif [ "$line" != "$icount_line" ]; then
      echo "FAIL ($r): --icount runs differ: '$icount_line' and '$line'"
      fail=1
    fi
  fi
done
exit $fail
