#!/bin/bash
# run-tests.sh BREADBOARD SRC_DIR BUILD_DIR - `breadboard run` end to end:
# exit codes of guest power-off/failure/reset, signals, chardev input and
# output with back-pressure, using the CPU-less devices of the testsys
# plugin.  Every run is bounded by `timeout`, so a hang fails the test.
set -u
bb=$1 src=$2 build=$3
board=$src/tests/run/finisher.yaml
plugins=(--plugin-dir "$build/tests/plugins/testsys")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
unset BREADBOARD_PLUGIN_PATH
pass=0 fail=0

check() { # NAME EXPECTED ACTUAL
  if [ "$2" == "$3" ]; then pass=$((pass + 1))
  else fail=$((fail + 1)); echo "FAIL $1: expected '$2', got '$3'"; fi
}

run() { # ARGS... ; sets rc
  timeout --preserve-status -s KILL 20 "$bb" run "${plugins[@]}" "$@" \
    < /dev/null > "$tmp/out" 2> "$tmp/err"
  rc=$?
}

for icount in "" "--icount" "--icount=4"; do
  run $icount "$board"
  check "poweroff $icount" 0 "$rc"
  run $icount "$board" --set 'devices.finisher.script=5000:0x00073333'
  check "fail code 7 $icount" 7 "$rc"
  run $icount "$board" --set 'devices.finisher.script=1:0x3333'
  check "fail code 0 maps to 1 $icount" 1 "$rc"
  run $icount "$board" --set 'devices.finisher.script=10:0x7777,10:0x7777,10:0x5555' \
      --set chardevs.serial0=file:$tmp/resets.txt
  check "reset twice then poweroff $icount" 0 "$rc"
  check "reset count $icount" "reset reset reset" "$(tr '\n' ' ' < $tmp/resets.txt | sed 's/ $//')"
  rm -f "$tmp/resets.txt"
done

# Guest error logging: an unknown command is logged with -d guest_errors.
run --icount "$board" --set 'devices.finisher.script=1:0x1234,1:0x5555' -d guest_errors
check "guest error exit" 0 "$rc"
check "guest error logged" "guest error: test-finisher: unknown command 0x1234" "$(cat "$tmp/err")"
run --icount "$board" --set 'devices.finisher.script=1:0x1234,1:0x5555'
check "guest error silent by default" "" "$(cat "$tmp/err")"

# SIGTERM / SIGINT: clean shutdown with 128 + signal.
for sig in TERM INT; do
  timeout --preserve-status -s $sig 1 "$bb" run "${plugins[@]}" "$board" \
    --set 'devices.finisher.script=""' < /dev/null > /dev/null 2>&1
  rc=$?
  check "SIG$sig exit" $((128 + $(kill -l $sig))) "$rc"
done

# stdio chardev on a pipe: message, then the upper-cased echo; 'q' powers
# off.  With window=1 input arrives one byte at a time (back-pressure).
for window in 0 1; do
  printf 'hello world q' | timeout -s KILL 20 "$bb" run "${plugins[@]}" \
    "$board" --set 'devices.finisher.script=""' --set chardevs.serial0=stdio \
    --set devices.chatter.window=$window > "$tmp/out" 2> "$tmp/err"
  rc=$?
  check "stdio echo exit (window $window)" 0 "$rc"
  check "stdio echo output (window $window)" "$(printf 'reset\nHELLO WORLD Q')" "$(cat "$tmp/out")"
done

# 1 MiB through the echo, one byte at a time: nothing lost or reordered.
head -c 1048576 /dev/urandom | base64 -w 0 | tr -d 'q' | head -c 1000000 > "$tmp/in"
printf 'q' >> "$tmp/in"
timeout -s KILL 60 "$bb" run "${plugins[@]}" "$board" \
  --set 'devices.finisher.script=""' --set chardevs.serial0=stdio \
  --set devices.chatter.window=1 --set 'devices.chatter.message=""' \
  < "$tmp/in" > "$tmp/out" 2> "$tmp/err"
rc=$?
check "bulk echo exit" 0 "$rc"
check "bulk echo content" "$(tr 'a-z' 'A-Z' < "$tmp/in" | md5sum)" "$(md5sum < "$tmp/out")"

# Usage errors exit 2.
"$bb" run > /dev/null 2>&1
check "missing board is a usage error" 2 "$?"
"$bb" run --icount=99 "$board" > /dev/null 2>&1
check "bad icount shift is a usage error" 2 "$?"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
