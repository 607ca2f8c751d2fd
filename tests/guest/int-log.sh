#!/bin/bash
# int-log.sh BREADBOARD SRC_DIR ELF - `-d int` names the faulting pc of
# every exception: vm.elf takes instruction page faults, some raised
# while the loop looks the next TB up (no TB running), which were logged
# with pc 0.  For a fetch fault the pc is the faulting address (tval).
set -u
bb=$1 src=$2 elf=$3
log=$(mktemp)
trap 'rm -f "$log"' EXIT
timeout 60 "$bb" run "$src/boards/riscv-spike.yaml" --kernel "$elf" --icount \
  -d int -D "$log" > /dev/null 2>&1 || { echo "FAIL: the run failed"; exit 1; }
total=$(grep -cE '^int: hart 0 exception cause 12 ' "$log")
right=$(grep -cE '^int: hart 0 exception cause 12 tval (0x[0-9a-f]+) pc \1$' "$log")
echo "$total instruction page faults logged, $right with pc = tval"
[ "$total" -gt 0 ] || { echo "FAIL: no instruction page fault logged"; exit 1; }
[ "$right" = "$total" ] || { grep -E 'cause 12 ' "$log" | grep -vE 'tval (0x[0-9a-f]+) pc \1$' | head -3; exit 1; }
