#!/bin/bash
# run-ref-tests.sh TOY_REF PROGRAMS_DIR - every toy-ISA test program on
# the reference interpreter (toy-ref.c) must end with the exit status in
# its NAME.expect, and the icount program must print its one line; this
# checks the programs and the generator without the emulator.
set -u
ref=$1 progs=$2
pass=0 fail=0
for exp in "$progs"/*.expect; do
  p=${exp%.expect}
  out=$(timeout -s KILL 60 "$ref" "$p.bin")
  rc=$?
  if [ "$rc" == "$(cat "$exp")" ]; then pass=$((pass + 1))
  else fail=$((fail + 1)); echo "FAIL $(basename "$p"): expected $(cat "$exp"), got $rc"; fi
  if [ "$(basename "$p")" == icount ]; then
    if echo "$out" | grep -qE '^count=[0-9a-f]{16} cycle=[0-9a-f]{16}$'; then
      pass=$((pass + 1))
    else fail=$((fail + 1)); echo "FAIL icount output: '$out'"; fi
  fi
done
echo "$pass passed, $fail failed"
[ "$fail" = 0 ] && [ "$pass" -gt 0 ]
