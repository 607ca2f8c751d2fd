#!/bin/bash
# wfi-idle.sh BREADBOARD SRC_DIR ELF - run wfi-idle.elf in normal (host)
# time: the guest waits one second in WFI, so the run must take at least
# 0.9 s of wall time but well under that in CPU time (user + system
# < 0.4 s, which includes start-up): a hart in WFI must not make the main
# loop spin.
set -u
bb=$1 src=$2 elf=$3
[ -x "$bb" ] && [ -f "$elf" ] || { echo "missing $bb or $elf"; exit 1; }
[ -e "$(dirname "$bb")/plugins/interrupt-controllers.so" ] ||
  { echo "no sifive-clint plugin: skipped"; exit 77; }
TIMEFORMAT='%R %U %S'
t=$( { time timeout 30 "$bb" run "$src/tests/guest/spike-clint.yaml" \
        --kernel "$elf" > /dev/null 2>&1; echo "rc=$?" >&2; } 2>&1 )
rc=$(echo "$t" | sed -n 's/^rc=//p')
read -r real user sys <<< "$(echo "$t" | grep -v '^rc=')"
echo "exit $rc, real ${real}s, user ${user}s, sys ${sys}s"
[ "$rc" = 0 ] || { echo "FAIL: exit code $rc"; exit 1; }
awk -v r="$real" -v u="$user" -v s="$sys" 'BEGIN {
  if (r < 0.9) { print "FAIL: the one-second WFI took " r " s"; exit 1 }
  if (u + s >= 0.4) { print "FAIL: " u + s " s of CPU time: the loop spins"; exit 1 }
}'
