#!/bin/bash
# fdt-nodes.sh BREADBOARD SRC_DIR - check the device-tree nodes the
# interrupt-controllers plugin writes (`breadboard dtb` of fdt-nodes.yaml)
# property by property against QEMU's virt layout (reference/hardware.md
# section 1.6): the PLIC's contexts M, S per hart and the CLINT's msip,
# mtip per hart in interrupts-extended, phandles resolved to node paths.
# Skips (exit 77) without fdtget (package device-tree-compiler).
set -u
bb=$1 src=$2
command -v fdtget > /dev/null || { echo "no fdtget: skipped"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dtb=$tmp/x.dtb
"$bb" dtb "$src/tests/plugins/interrupt-controllers/fdt-nodes.yaml" \
  -o "$dtb" || { echo "FAIL: breadboard dtb"; exit 1; }

# The path of the node whose phandle is $1 (hex), among the nodes here.
nodes="/cpus/cpu@0/interrupt-controller /cpus/cpu@1/interrupt-controller
       /soc/plic@c000000"
path_of() {
  for n in $nodes; do
    [ "$(fdtget -t x "$dtb" "$n" phandle 2>/dev/null)" = "$1" ] &&
      { echo "$n"; return; }
  done
  echo "?$1"
}

fail=0
# expect NODE PROP TYPE VALUE; TYPE e: phandle + 1 cell pairs, resolved;
# TYPE P: one phandle, resolved.
expect() {
  local node=$1 prop=$2 type=$3 want=$4 got v out=() i
  got=$(fdtget -t "${type/[eP]/x}" "$dtb" "$node" "$prop" 2>&1)
  if [ "$type" = e ] || [ "$type" = P ]; then
    read -ra v <<< "$got"
    for ((i = 0; i < ${#v[@]}; i++)); do
      if [ "$type" = P ] || ((i % 2 == 0)); then
        out+=("$(path_of "${v[i]}")")
      else
        out+=("${v[i]}")
      fi
    done
    got="${out[*]}"
  fi
  if [ "$got" != "$want" ]; then
    echo "FAIL $node $prop: got '$got', expected '$want'"
    fail=1
  fi
}

p=/soc/plic@c000000 c=/soc/clint@2000000
h0=/cpus/cpu@0/interrupt-controller h1=/cpus/cpu@1/interrupt-controller
expect $p compatible s "sifive,plic-1.0.0 riscv,plic0"
expect $p '#address-cells' x 0
expect $p '#interrupt-cells' x 1
expect $p interrupt-controller x ""
expect $p reg x "0 c000000 0 600000"
expect $p riscv,ndev x 27
expect $p interrupts-extended e "$h0 b $h0 9 $h1 b $h1 9"
expect $c compatible s "sifive,clint0 riscv,clint0"
expect $c reg x "0 2000000 0 10000"
expect $c interrupts-extended e "$h0 3 $h0 7 $h1 3 $h1 7"
expect /soc/rtc@101000 interrupts x 27
expect /soc/rtc@101000 interrupt-parent P $p
[ $fail = 0 ] && echo "PASS: PLIC and CLINT nodes"
exit $fail
