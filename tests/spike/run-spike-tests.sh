#!/bin/bash
# run-spike-tests.sh BREADBOARD SRC_DIR BUILD_DIR TEST_BUILD_DIR NM -
# the riscv-spike machine end to end without a CPU: test programs built
# for it (guest/) are loaded with --kernel, and test-poker stores into
# HTIF (tohost/fromhost, found with NM) as the program would.  Checks exit
# codes (pass, fail code, 32-bit halves, SYS_exit), HTIF console output
# and input, SYS_write from a syscall block in the ELF, -ENOSYS, reload on
# reset, console back-pressure, and the errors for a missing kernel, a
# kernel without tohost, a malformed or missing ELF.  Every run is bounded
# by `timeout`; VALGRIND="valgrind ..." runs the --icount cases under it.
set -u
bb=$1 src=$2 build=$3 tbuild=$4 nm=$5
board=$src/tests/spike/spike-test.yaml
elf=$tbuild/htif-test.elf
plugins=(--plugin-dir "$tbuild/plugins")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
unset BREADBOARD_PLUGIN_PATH
pass=0 fail=0

check() { # NAME EXPECTED ACTUAL
  if [ "$2" == "$3" ]; then pass=$((pass + 1))
  else fail=$((fail + 1)); echo "FAIL $1: expected '$2', got '$3'"; fi
}

sym() { # NAME -> 0xADDRESS of the symbol in the test program
  local a
  a=$("$nm" "$elf" | awk -v s="$1" '$3 == s {print $1}')
  [ -n "$a" ] || { echo "FAIL: no symbol $1 in $elf"; exit 1; }
  printf '0x%x' "0x$a"
}
tohost=$(sym tohost) fromhost=$(sym fromhost)
write_block=$(sym write_block) enosys_block=$(sym enosys_block)
tohost_hi=$(printf '0x%x' $((tohost + 4)))
putc() { printf '0x%x' $(((1 << 56) | (1 << 48) | $(printf '%d' "'$1"))); }
ack=$(printf '0x%x' $(((1 << 56) | (1 << 48))))

run() { # SCRIPT [ARGS...] ; sets rc, output in $tmp/out, $tmp/err
  local script=$1
  shift
  timeout --preserve-status -s KILL 60 ${VALGRIND:-} "$bb" run "${plugins[@]}" --icount \
    "$board" --kernel "$elf" --set "devices.poker.script=$script" "$@" \
    < /dev/null > "$tmp/out" 2> "$tmp/err"
  rc=$?
}

# Exit codes: code << 1 | 1 in tohost.
run "1000:$tohost:8:1"
check "pass exits 0" 0 "$rc"
check "pass is silent" "" "$(cat "$tmp/err")"
run "1000:$tohost:8:0xb"
check "fail code 5" 5 "$rc"
run "1000:$tohost:8:0x201"
check "fail code 256 still fails" 1 "$rc"
# Without --icount (host time) too.
timeout -s KILL 20 "$bb" run "${plugins[@]}" "$board" --kernel \
  "$tbuild/htif-fail5.elf" --set "devices.poker.script=1000:$tohost:8:0xb" \
  < /dev/null > /dev/null 2>&1
check "fail code 5 in host time" 5 "$?"

# 32-bit halves: the low half alone does nothing; the high half acts.
run "1000:$tohost:4:0xb,1000:$tohost:8:=0xb,1000:$tohost:8:1"
check "low half alone is not a command" 0 "$rc"
run "1000:$tohost:4:0x7,1000:$tohost_hi:4:0"
check "low then high half: code 3" 3 "$rc"

# Console: three putc commands, each acknowledged in fromhost and tohost
# cleared; output in a file chardev.
script="1000:$tohost:8:$(putc O),1000:$tohost:8:=0,1000:$fromhost:8:=$ack"
script+=",1000:$fromhost:8:0,1000:$tohost:8:$(putc K),1000:$fromhost:8:0"
script+=",1000:$tohost:8:$(putc '!'),1000:$tohost:8:1"
run "$script" --set "chardevs.console=file:$tmp/console.txt"
check "console exit" 0 "$rc"
check "console output" "OK!" "$(cat "$tmp/console.txt")"

# An acknowledgement finding fromhost busy is dropped, not queued.
run "1000:$fromhost:8:0x1234,1000:$tohost:8:$(putc x),1000:$fromhost:8:=0x1234,1000:$tohost:8:1"
check "busy fromhost keeps its value" 0 "$rc"

# SYS_write from the syscall block in the ELF's data: result in word 0,
# fromhost = 1.
len=$(printf 'hello from SYS_write\n' | wc -c)
rm -f "$tmp/console.txt"
run "1000:$tohost:8:$write_block,1000:$write_block:8:=$len,1000:$fromhost:8:=1,1000:$tohost:8:=0,1000:$tohost:8:1" \
    --set "chardevs.console=file:$tmp/console.txt"
check "SYS_write exit" 0 "$rc"
check "SYS_write output" "hello from SYS_write" "$(cat "$tmp/console.txt")"

# Unknown syscall: -ENOSYS in word 0, logged as a guest error.
run "1000:$enosys_block:8:=1234,1000:$tohost:8:$enosys_block,1000:$enosys_block:8:=0xffffffffffffffda,1000:$fromhost:8:=1,1000:$tohost:8:1" \
    -d guest_errors
check "ENOSYS exit" 0 "$rc"
check "ENOSYS logged" "guest error: htif: syscall 1234 is not supported" "$(cat "$tmp/err")"

# SYS_exit(7) through the block: rewrite it, hand it over.
run "1000:$write_block:8:93,1000:$((write_block + 8)):8:7,1000:$tohost:8:$write_block"
check "SYS_exit code 7" 7 "$rc"

# A syscall block outside memory is a guest error, not a crash.
run "1000:$tohost:8:0x1000,1000:$fromhost:8:=1,1000:$tohost:8:1" -d guest_errors
check "bad syscall block exit" 0 "$rc"
check "bad syscall block logged" "yes" \
  "$(grep -q 'htif: syscall block at 0x1000 is not readable' "$tmp/err" && echo yes)"

# Console input: a read request answered from stdin once it arrives.
printf 'z' | timeout -s KILL 20 "$bb" run "${plugins[@]}" --icount "$board" \
  --kernel "$elf" --set chardevs.console=stdio --set \
  "devices.poker.script=1000:$tohost:8:$(printf '0x%x' $((1 << 56))),1000:$fromhost:8:~$(printf '0x%x' $(((1 << 56) | 0x7a))),1000:$tohost:8:1" \
  > "$tmp/out" 2> "$tmp/err"
check "console read exit" 0 "$?"
check "console read quiet" "" "$(cat "$tmp/err")"

# Console back-pressure: with nobody reading the output FIFO, SYS_write
# writes 64 KiB blocks (from zeroed RAM) until the console is full, then a
# putc stays pending in tohost; a reader started later drains it, and the
# pending byte comes out last.  Host time, so the reader can catch up.
mkfifo "$tmp/con.in" "$tmp/con.out"
blk=0x80010000
script="1:$blk:8:64,1:$((blk + 8)):8:1,1:$((blk + 16)):8:0x80020000,1:$((blk + 24)):8:0x10000"
for i in 1 2 3 4; do script+=",1:$blk:8:64,1:$tohost:8:$blk,1:$fromhost:8:0"; done
script+=",1:$blk:8:=0" # the last SYS_write found the console full
script+=",1:$tohost:8:$(putc Z),1000:$tohost:8:=$(putc Z)"
script+=",100000:$tohost:8:~0,1:$tohost:8:1"
( sleep 2; exec timeout 20 cat "$tmp/con.out" > "$tmp/drained" ) &
reader=$!
timeout --preserve-status -s KILL 30 "$bb" run "${plugins[@]}" "$board" \
  --kernel "$elf" --set "chardevs.console=pipe:$tmp/con" \
  --set "devices.poker.script=$script" < /dev/null > "$tmp/out" 2> "$tmp/err"
check "back-pressure exit" 0 "$?"
check "back-pressure quiet" "" "$(cat "$tmp/err")"
kill "$reader" 2> /dev/null
wait "$reader" 2> /dev/null
check "pending byte delivered last" "Z" "$(tail -c 1 "$tmp/drained")"
check "output before it was all zeros" 0 \
  "$(head -c -1 "$tmp/drained" | tr -d '\0' | wc -c)"

# Reset reloads the image: clobber the block, reset, check it is back.
run "1000:$write_block:8:0x5555,1000:$write_block:8:=0x5555,1000:$tohost:8:$(putc a),1000:reset,1000:$write_block:8:=64,1000:$tohost:8:=0,1000:$tohost:8:1"
check "reset reloads the image" 0 "$rc"
check "reset is quiet" "" "$(cat "$tmp/err")"

# describe loads the ELF too and shows HTIF over RAM at the symbols.
"$bb" describe "${plugins[@]}" "$board" --set "boot.kernel=$elf" \
  > "$tmp/out" 2>&1
check "describe exit" 0 "$?"
check "describe shows tohost" 1 \
  "$(grep -c "^  $(printf '%016x' "$tohost")-$(printf '%016x' $((tohost + 7))) htif-tohost (i/o)$" "$tmp/out")"
check "describe shows fromhost" 1 \
  "$(grep -c "^  $(printf '%016x' "$fromhost")-$(printf '%016x' $((fromhost + 7))) htif-fromhost (i/o)$" "$tmp/out")"

# Errors: no kernel, no tohost, malformed ELF, missing file.
expect_error() { # NAME EXPECTED_STDERR ARGS...
  local name=$1 want=$2
  shift 2
  timeout -s KILL 20 "$bb" run "${plugins[@]}" "$board" "$@" \
    < /dev/null > "$tmp/out" 2> "$tmp/err"
  check "$name exit" 1 "$?"
  check "$name message" "$want" "$(sed "s|$tbuild|@T@|g; s|$tmp|@TMP@|g; s|$src|@SRC@|g" "$tmp/err")"
}
prefix="breadboard: @SRC@/tests/spike/spike-test.yaml:7:10: /machine:"
expect_error "no kernel" \
  "$prefix riscv-spike needs an ELF image to run: give boot.kernel in the board or --kernel FILE"
expect_error "no tohost" \
  "$prefix @T@/no-tohost.elf: no 'tohost' symbol: riscv-spike talks to the program through HTIF at the ELF symbols tohost and fromhost" \
  --kernel "$tbuild/no-tohost.elf"
head -c 40 "$elf" > "$tmp/cut.elf"
expect_error "truncated ELF" \
  "$prefix @TMP@/cut.elf: truncated ELF header: the file has 0x28 bytes, the header needs 0x40" \
  --kernel "$tmp/cut.elf"
printf 'not an elf' > "$tmp/raw.bin"
expect_error "not an ELF" \
  "$prefix @TMP@/raw.bin: not an ELF file (no \\x7fELF magic)" --kernel "$tmp/raw.bin"
expect_error "missing ELF" \
  "$prefix @TMP@/nope.elf: cannot open: No such file or directory" --kernel "$tmp/nope.elf"
expect_error "kernel and firmware" \
  "$prefix riscv-spike runs one ELF image, but both a kernel (@T@/htif-test.elf) and a firmware (@T@/htif-test.elf) were given" \
  --kernel "$elf" --bios "$elf"
expect_error "entry set by the board" \
  "$prefix property 'entry' is set by the machine from the loaded image; a board cannot set it" \
  --kernel "$elf" --set machine-props.entry=0x80000000

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
