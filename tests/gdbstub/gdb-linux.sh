#!/bin/bash
# gdb-linux.sh BREADBOARD SRC_DIR WORK_DIR
# gdb-multiarch against Linux on riscv-virt: with the guest held by
# --wait-gdb at OpenSBI's first instruction (M-mode, no paging), a
# breakpoint on start_kernel (a kernel virtual address, reached only after
# the kernel turned paging on) must stop the hart there, in S-mode (priv
# 1), with the pc equal to the address GDB resolved from the symbols.
# Needs a kernel and its vmlinux with symbols from the project's kernel
# build (scripts/guests/build-kernel.sh keeps its object directory in
# $BREADBOARD_LINUX_CACHE/build/linux-*/ with vmlinux and
# arch/riscv/boot/Image side by side) or BB_GDB_VMLINUX + BB_GDB_IMAGE;
# fails without them (the linux-guests fixture builds them) and skips (77)
# without gdb-multiarch.
set -u
bb=$1 src=$2 work=$3
command -v gdb-multiarch > /dev/null || { echo "SKIP: no gdb-multiarch"; exit 77; }
cache=${BREADBOARD_LINUX_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/breadboard/linux}
vmlinux=${BB_GDB_VMLINUX:-} image=${BB_GDB_IMAGE:-}
if [ -z "$vmlinux" ]; then
  for d in $(ls -td "$cache"/build/linux-*/ 2>/dev/null); do
    if [ -f "$d/vmlinux" ] && [ -f "$d/arch/riscv/boot/Image" ]; then
      vmlinux=$d/vmlinux image=$d/arch/riscv/boot/Image
      break
    fi
  done
fi
[ -n "$vmlinux" ] && [ -f "$vmlinux" ] && [ -f "$image" ] ||
  { echo "FAIL: no kernel with a vmlinux (the linux-guests fixture, scripts/guests/build-kernel.sh, builds it)"; exit 1; }
rm -rf "$work"; mkdir -p "$work"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$work/linux.gdb" <<GDB
set confirm off
set pagination off
file $vmlinux
target remote tcp:127.0.0.1:$port
info registers priv
hbreak start_kernel
continue
info registers priv
printf "pc-is-start_kernel: %d\n", \$pc >= (long)start_kernel && \$pc < (long)start_kernel + 64
kill
GDB
"$bb" run "$src/boards/riscv-virt.yaml" --icount --kernel "$image" \
  --set boot.append=console=ttyS0 --gdb "tcp::$port" --wait-gdb \
  > "$work/bb.out" 2>&1 &
bbpid=$!
for i in $(seq 100); do
  python3 -c "import socket; socket.create_connection(('127.0.0.1',$port)).close()" \
    2>/dev/null && break
  sleep 0.1
done
timeout 300 gdb-multiarch -nx -batch -x "$work/linux.gdb" > "$work/gdb.out" 2>&1
timeout 30 tail --pid=$bbpid -f /dev/null
kill $bbpid 2>/dev/null
wait $bbpid 2>/dev/null
fail=0
grep -q "priv           0x3" "$work/gdb.out" || { echo "FAIL: not held in M-mode at the start"; fail=1; }
grep -q "Breakpoint 1, .*in start_kernel ()" "$work/gdb.out" ||
  { echo "FAIL: no stop at start_kernel"; fail=1; }
grep -q "priv           0x1" "$work/gdb.out" || { echo "FAIL: not in S-mode at start_kernel"; fail=1; }
grep -q "pc-is-start_kernel: 1" "$work/gdb.out" || { echo "FAIL: pc is not in start_kernel"; fail=1; }
if [ $fail = 1 ]; then
  echo "--- gdb:"; cat "$work/gdb.out"; echo "--- breadboard:"; tail -20 "$work/bb.out"
  exit 1
fi
echo "ok: stopped at start_kernel ($vmlinux)"
