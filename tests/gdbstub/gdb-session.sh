#!/bin/bash
# gdb-session.sh BREADBOARD SRC_DIR BUILD_DIR ACCEL MODE WORK_DIR
# Runs the GDB session of docs/debugging.md ("A session": the gdb block
# after the "tested: tests/gdbstub/gdb-session.sh" marker) with
# gdb-multiarch against tests/guest/gdb-target.elf on the spike board with
# two harts, under --accel ACCEL, MODE icount (deterministic time, TBs
# unchained) or chained (host time, chained TBs), and checks GDB's answers
# against what must be true of the program: the breakpoint's pc is
# add_to_counter's address from the ELF's symbol table (nm), `counter` is 0
# before the first add, stepi on the ecall lands on m_trap_vector (crt0.S:
# mtvec), the watchpoint sees 1+2+3 = 6 replaced by 42 (set_counter), both
# harts are threads, the CSR `priv` reads M (3), and after the detach the
# program runs to its end (exit status 0).  Skips (77) without
# gdb-multiarch.
set -u
bb=$1 src=$2 build=$3 accel=$4 mode=$5 work=$6
command -v gdb-multiarch > /dev/null ||
  { echo "SKIP: gdb-multiarch not installed (scripts/deps.sh)"; exit 77; }
elf=$build/tests/guest/gdb-target.elf
nm=$(command -v riscv64-unknown-elf-nm)
rm -rf "$work"; mkdir -p "$work"

# The session from the docs, with the build directory and a free port.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
awk '/<!-- tested: tests\/gdbstub\/gdb-session.sh -->/ {m=1; next}
     m==1 && /^```gdb/ {m=2; next}
     m==2 && /^```/ {exit}
     m==2 {print}' "$src/docs/debugging.md" |
  sed -e "s|tcp:127.0.0.1:1234|tcp:127.0.0.1:$port|" \
      -e "s|file build/tests/guest/gdb-target.elf|file $elf|" > "$work/session.gdb"
grep -q "^target remote tcp:127.0.0.1:$port\$" "$work/session.gdb" ||
  { echo "FAIL: no gdb session block in docs/debugging.md"; exit 1; }

icount=--icount
[ "$mode" = chained ] && icount=
"$bb" run "$src/boards/riscv-spike.yaml" $icount --accel "$accel" \
  --set harts.count=2 --kernel "$elf" --gdb "tcp::$port" --wait-gdb \
  > "$work/bb.out" 2>&1 &
bbpid=$!
for i in $(seq 100); do
  python3 -c "import socket; socket.create_connection(('127.0.0.1',$port)).close()" \
    2>/dev/null && break
  sleep 0.1
done
# (that probe connection is a debugger that went away: the guest stays
# held because nothing resumed it)
timeout 120 gdb-multiarch -nx -batch -x "$work/session.gdb" > "$work/gdb.out" 2>&1
gdbstatus=$?
timeout 60 tail --pid=$bbpid -f /dev/null
wait $bbpid
bbstatus=$?
fail=0
check() {
  grep -qF -- "$1" "$work/gdb.out" || { echo "FAIL: gdb output lacks: $1"; fail=1; }
}
addr=$("$nm" "$elf" | awk '$3 == "add_to_counter" {print $1}' | sed 's/^0*//')
check "hit Breakpoint 1, add_to_counter ("
check "pc             0x$addr	0x$addr <add_to_counter>"
check '$1 = 0'
check "hit Breakpoint 2, make_ecall ()"
check "m_trap_vector in section .text"
check "hit Hardware watchpoint 3: counter"
check "Old value = 6"
check "New value = 42"
check '$2 = 42'
check "Thread 1.1 (hart 0"
check "Thread 1.2 (hart 1"
check "[Switching to thread 2 (Thread 1.2)]"
check "priv           0x3	prv:3 [Machine]"
check "VM status: paused (debug)" # monitor info status: the debugger's stop
check "[Inferior 1 (process 1) detached]"
[ "$gdbstatus" = 0 ] || { echo "FAIL: gdb exited with $gdbstatus"; fail=1; }
[ "$bbstatus" = 0 ] || { echo "FAIL: breadboard exited with $bbstatus"; fail=1; }
if [ $fail = 1 ]; then
  echo "--- gdb:"; cat "$work/gdb.out"; echo "--- breadboard:"; cat "$work/bb.out"
  exit 1
fi
echo "ok: gdb session ($accel, $mode)"
