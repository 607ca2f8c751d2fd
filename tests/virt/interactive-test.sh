#!/bin/bash
# interactive-test.sh BREADBOARD SRC_DIR ACCEL - a user at a real terminal:
# run `breadboard run --icount boards/riscv-virt.yaml` (console on the
# stdio chardev) on a pseudo-terminal that util-linux `script` provides,
# and type at it one key at a time, checking every byte that comes back:
#   - each key of `version` + Enter is echoed by U-Boot as it is typed
#     (single keystrokes arrive), and the reply starts "U-Boot 2023.01";
#   - `verx` DEL `sion` Enter: U-Boot erases the x ("\b \b") and runs
#     `version` (the same reply, byte for byte);
#   - `ver` Ctrl-A h `sion` Enter: the help text of the stdio chardev
#     appears and neither Ctrl-A nor h reaches the guest;
#   - `ersion` Ctrl-A Ctrl-A `v` Enter: one Ctrl-A reaches U-Boot, whose
#     line editor moves the cursor to the start of the line, so `v` is
#     inserted there and `version` runs;
#   - `abc` Ctrl-C: the key goes to the guest (no signal), U-Boot drops
#     the line;
#   - Ctrl-A c `info status` Enter Ctrl-A c: the human monitor answers
#     "VM status: running" at its own prompt, then the guest has the
#     keyboard again (`version` runs);
#   - Ctrl-A x: breadboard exits at once with status 0 (host quit, see
#     plugin-api/include/breadboard/system.h), and the terminal settings
#     (`stty -g`) and the file status flags of the terminal are what they
#     were before it started.
# The shell inside `script` prints the settings before and after
# breadboard on the same pty, so both are observed there.  Enter is "\r"
# and Backspace DEL (0x7f), as a terminal sends them.
#   ACCEL: jit or interp.
# Skips (77) when the Debian firmware packages are not installed.
set -u
export LC_ALL=C
bb=$1 src=$2 accel=$3
for f in /usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin \
         /usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin; do
  [ -f "$f" ] ||
    { echo "$f missing (packages opensbi, u-boot-qemu): skipped"; exit 77; }
done
command -v script > /dev/null ||
  { echo "script (util-linux) missing: skipped"; exit 77; }
timeout_s=${BB_BOOT_TIMEOUT:-240}
[ "$accel" = interp ] && timeout_s=$((timeout_s * 3))
step_s=60        # at most this long for one reply once booted
quit_s=10        # Ctrl-A x to the shell's next line

tmp=$(mktemp -d)
mkfifo "$tmp/in"
: > "$tmp/out"
cleanup() {
  exec 2> /dev/null  # no job notices for what we kill here
  # The shell inside `script` leads its own session and process group.
  local pg
  pg=$(sed -n 's/^pgid=\([0-9]*\)\r$/\1/p' "$tmp/out" 2> /dev/null | head -n 1)
  [ -n "$pg" ] && kill -9 -- "-$pg" 2> /dev/null
  [ -n "${pid:-}" ] && kill -9 "$pid" 2> /dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT

# Inside the pty: a non-default setting (so that restoring "some sane
# state" instead of the saved one shows), the settings and fd flags, then
# breadboard, its exit status and the settings again.
q() { printf '%q' "$1"; }
state='$(stty -g) $(sed -n "s/^flags:[[:space:]]*//p" /proc/self/fdinfo/0)'
inner="echo pgid=\$\$; stty intr ^B -echoctl; echo \"before: $state\";
 $(q "$bb") run --icount --accel $(q "$accel") \\
   $(q "$src/boards/riscv-virt.yaml");
 echo \"rc=\$?\"; echo \"after: $state\"; echo END"
SHELL=/bin/sh timeout -s KILL $((timeout_s + 60)) \
  script -qfec "$inner" /dev/null < "$tmp/in" > "$tmp/out" 2> "$tmp/err" &
pid=$!
exec 3> "$tmp/in"
start=$SECONDS
pos=0   # bytes of the output checked so far

fail() {
  echo "FAIL ($accel): $*"
  echo "--- output from byte $pos (od -c, at most 640 bytes)"
  tail -c +$((pos + 1)) "$tmp/out" | head -c 640 | od -c | head -n 45
  echo "--- console (last 30 lines)"; tail -n 30 "$tmp/out"
  echo "--- stderr of script"; tail -n 20 "$tmp/err"
  exit 1
}
size() { stat -c %s "$tmp/out"; }
# wait_for CONDITION-COMMAND WHAT DEADLINE
wait_for() {
  while ! eval "$1"; do
    kill -0 $pid 2> /dev/null ||
      { eval "$1" && return; fail "script exited while waiting for $2"; }
    ((SECONDS > $3)) && fail "timed out waiting for $2"
    sleep 0.05
  done
}
# at_pos TEXT: whether the output continues with exactly TEXT at $pos:
# 0 yes, 1 no, 2 not yet (what there is so far matches).
at_pos() {
  WANT=$1 POS=$pos perl -0777 -e '
    local $/; my $d = <STDIN> // "";
    my $got = length($d) > $ENV{POS} ? substr($d, $ENV{POS}) : "";
    my $n = length $ENV{WANT};
    exit 0 if substr($got, 0, $n) eq $ENV{WANT};
    exit 1 if length($got) >= $n ||
              $got ne substr($ENV{WANT}, 0, length $got);
    exit 2' < "$tmp/out"
}
# expect_next TEXT [DEADLINE]: the next bytes of the output are TEXT
# (fails at the first byte that differs).
expect_next() {
  local want=$1 deadline=${2:-$((SECONDS + step_s))} r
  while :; do
    at_pos "$want"
    r=$?
    [ $r = 0 ] && break
    [ $r = 1 ] && fail "expected next: $(printf '%q' "$want")"
    kill -0 $pid 2> /dev/null || { at_pos "$want" && break;
      fail "script exited while waiting for $(printf '%q' "$want")"; }
    ((SECONDS > deadline)) &&
      fail "timed out waiting for $(printf '%q' "$want")"
    sleep 0.05
  done
  pos=$((pos + ${#want}))
}
# find TEXT: offset of the first TEXT at or after $pos, or nothing.
find() {
  WANT=$1 POS=$pos perl -0777 -ne \
    '$i = index($_, $ENV{WANT}, $ENV{POS}); print $i if $i >= 0' "$tmp/out"
}
# expect_somewhere TEXT DEADLINE: TEXT appears at or after $pos; $pos
# moves past it.
expect_somewhere() {
  local want=$1
  wait_for '[ -n "$(find "$want")" ]' "$(printf '%q' "$want")" $2
  pos=$(($(find "$want") + ${#want}))
}
# key BYTE ECHO: type one key and check what comes back right after it.
key() {
  printf '%s' "$1" >&3
  if [ -n "$2" ]; then
    expect_next "$2"
  else
    sleep 0.3
    (( $(size) == pos )) ||
      fail "output after $(printf '%q' "$1"), expected none"
  fi
  sleep 0.05
}
# type TEXT: type the keys of TEXT, each echoed as itself.
type_text() {
  local i
  for ((i = 0; i < ${#1}; i++)); do key "${1:i:1}" "${1:i:1}"; done
}

# Boot to the prompt.
expect_somewhere "pgid=" $((start + 30))
expect_somewhere "before: " $((start + 30))
before=$(tail -c +$((pos + 1)) "$tmp/out" | head -n 1 | tr -d '\r')
[[ $before =~ ^[0-9a-f:]+\ [0-7]+$ ]] || fail "bad 'before' line: $before"
expect_somewhere "Hit any key to stop autoboot" $((start + timeout_s))
printf '\r' >&3
expect_somewhere $'\r\n=> ' $((start + timeout_s))
(( $(size) == pos )) || fail "output after the first prompt"

# version, key by key; its reply is the reference for the others.
type_text version
key $'\r' $'\r\n'
rstart=$pos
expect_next "U-Boot 2023.01"
expect_somewhere $'\r\n=> ' $((SECONDS + step_s))
reply=$(tail -c +$((rstart + 1)) "$tmp/out" | head -c $((pos - rstart)))
[[ $reply == *$'\r\nGNU ld '*$'\r\n=> ' ]] || fail "unexpected version reply"
(( $(size) == pos )) || fail "output after the version reply"

# Backspace (DEL) correcting a typo.
type_text verx
key $'\x7f' $'\b \b'
type_text sion
key $'\r' $'\r\n'
expect_next "$reply"

# Ctrl-A h: help only, nothing for the guest.
help=$'\r\nCtrl-A h        print this help\r\n'
help+=$'Ctrl-A x        quit the emulator\r\n'
help+=$'Ctrl-A c        switch between console and monitor\r\n'
help+=$'Ctrl-A Ctrl-A   send Ctrl-A to the guest\r\n'
type_text ver
key $'\x01' ""
key h "$help"
type_text sion
key $'\r' $'\r\n'
expect_next "$reply"

# Ctrl-A Ctrl-A: one Ctrl-A (U-Boot: cursor to the start of the line).
type_text ersion
key $'\x01' ""
key $'\x01' $'\b\b\b\b\b\b'
key v $'version\b\b\b\b\b\b'
key $'\r' $'\r\n'
expect_next "$reply"

# Ctrl-C is a key for the guest, not a signal for breadboard.
type_text abc
key $'\x03' $'<INTERRUPT>\r\n=> '
sleep 0.3
(( $(size) == pos )) || fail "output after Ctrl-C"

# Ctrl-A c: the human monitor takes the terminal (its own echo and
# prompt, docs/monitor.md); Ctrl-A c again gives it back to the guest.
key $'\x01' ""
key c $'\r\n(breadboard) '
type_text "info status"
key $'\r' $'\r\nVM status: running\r\n(breadboard) '
key $'\x01' ""
key c $'\r\n'
type_text version
key $'\r' $'\r\n'
expect_next "$reply"

# Ctrl-A x: quit now, exit status 0, terminal as before.
key $'\x01' ""
printf 'x' >&3
t0=${EPOCHREALTIME/./}
expect_next $'rc=0\r\n' $((SECONDS + quit_s))
quit_ms=$(((${EPOCHREALTIME/./} - t0) / 1000))
expect_next "after: $before"$'\r\nEND\r\n' $((SECONDS + 10))
wait $pid
rc=$?
[ $rc = 0 ] || fail "script exited with $rc"
pid=
(( $(size) == pos )) || fail "output after END"
echo "ok ($accel): typed at the prompt, quit in $quit_ms ms," \
     "terminal restored; $((SECONDS - start)) s in all"
