#!/bin/bash
# uart-thre.sh BREADBOARD SRC_DIR ELF - run uart-thre.elf (the 8250
# console pattern, see uart-thre.c) on tests/guest/spike-uart.yaml in
# normal (host) time and with --icount, under both JIT backends.  Each run
# must exit 0 within its timeout and the UART's file must hold exactly
# the 200 lines of 64 bytes the program sent.  Normal time is where the
# latched-SEIP storm stalled the console (issue 12).
set -u
bb=$1 src=$2 elf=$3
[ -x "$bb" ] && [ -f "$elf" ] || { echo "missing $bb or $elf"; exit 1; }
for p in interrupt-controllers char-devices; do
  [ -e "$(dirname "$bb")/plugins/$p.so" ] ||
    { echo "no $p plugin: skipped"; exit 77; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
for time in normal icount; do
  for accel in jit interp; do
    args=(--accel "$accel" --kernel "$elf"
          --set "chardevs.serial=file:$tmp/uart-$time-$accel")
    [ "$time" = icount ] && args+=(--icount=0)
    timeout 60 "$bb" run "$src/tests/guest/spike-uart.yaml" "${args[@]}" \
      > "$tmp/out" 2>&1
    rc=$?
    bytes=$(wc -c < "$tmp/uart-$time-$accel" 2>/dev/null || echo 0)
    lines=$(grep -c '^\(a\+\|[b-z]\+\)$' "$tmp/uart-$time-$accel" \
              2>/dev/null)
    echo "$time/$accel: exit $rc, $bytes bytes, $lines lines:" \
         "$(grep -E '^(uart-thre|FAIL)' "$tmp/out")"
    if [ "$rc" != 0 ] || [ "$bytes" != 12800 ] || [ "$lines" != 200 ]; then
      echo "FAIL ($time/$accel): want exit 0 and 200 lines (12800 bytes)" \
           "on the UART; output:"
      tail -5 "$tmp/out"
      echo "  by hand: $bb run $src/tests/guest/spike-uart.yaml ${args[*]}"
      fail=1
    fi
  done
done
exit $fail
