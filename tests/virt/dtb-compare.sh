#!/bin/bash
# dtb-compare.sh BREADBOARD SRC_DIR HARTS [set] - compare the device tree the
# riscv-virt board generates (`breadboard dtb`) with the one QEMU's virt
# machine generates (`-M virt,dumpdtb=`, same RAM, harts and ISA), node by
# node and property by property, for the nodes OpenSBI, U-Boot and Linux
# read (reference/hardware.md section 1.5).  Phandle cells are compared by
# the path of the node they point to, since the numbering differs.
# The board is boards/riscv-virt.yaml for one hart, else
# boards/riscv-virt-smpHARTS.yaml; with "set", boards/riscv-virt.yaml with
# `--set harts.count=HARTS` (the per-hart wiring must follow the count).
# Skips (exit 77) when qemu-system-riscv64 is not installed.
set -u
bb=$1 src=$2 harts=${3:-1} how=${4:-}
command -v qemu-system-riscv64 > /dev/null || { echo "no qemu: skipped"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
board=$src/boards/riscv-virt.yaml
board_args=()
if [ "$how" = set ]; then
  board_args=(--set "harts.count=$harts")
elif [ "$harts" != 1 ]; then
  board=$src/boards/riscv-virt-smp$harts.yaml
fi

# With a kernel, an initrd and a command line, /chosen carries them too:
# the initrd's placement must be QEMU's.
boot=(--kernel /usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin)
if [ -f "${boot[1]}" ]; then
  head -c 100000 /dev/urandom > "$tmp/initrd.img"
  boot+=(--initrd "$tmp/initrd.img" --append "console=ttyS0 earlycon")
else
  boot=()
fi
"$bb" dtb "$board" "${board_args[@]}" "${boot[@]}" -o "$tmp/bb.dtb" ||
  { echo "FAIL: breadboard dtb"; exit 1; }
qemu_boot=("${boot[@]}")
qemu_boot=("${qemu_boot[@]/#--/-}")
qemu-system-riscv64 -M "virt,dumpdtb=$tmp/qemu.dtb" -m 128M -smp "$harts" "${qemu_boot[@]}" \
  -nographic -cpu rv64,h=false,zba=false,zbb=false,zbc=false,zbs=false,Zihintpause=false \
  > "$tmp/qemu.log" 2>&1 || { cat "$tmp/qemu.log"; echo "FAIL: qemu dumpdtb"; exit 1; }

fail=0 checked=0

# path_of DTB PHANDLE: the path of the node with that phandle.
path_of() {
  local dtb=$1 ph=$2 n
  for n in $(fdtget -l "$dtb" / 2>/dev/null | sed 's|^|/|') \
           $(for p in /cpus /soc; do fdtget -l "$dtb" $p 2>/dev/null | sed "s|^|$p/|"; done) \
           $(for c in $(fdtget -l "$dtb" /cpus 2>/dev/null); do echo /cpus/$c/interrupt-controller; done); do
    [ "$(fdtget -t x "$dtb" "$n" phandle 2>/dev/null)" = "$ph" ] && { echo "$n"; return; }
  done
  echo "?$ph"
}

# value DTB NODE PROP KIND: the property, with phandles resolved.
#   KIND: s (string list), x (cells), n (cells read as one number: QEMU
#   writes the initrd range in one cell, we in two), P (one phandle),
#   e (interrupts-extended: phandle + 1 cell), m (a PCI interrupt-map:
#   unit address 3 cells, pin, phandle, 1 specifier cell per entry).
value() {
  local dtb=$1 node=$2 prop=$3 kind=$4 v out=() i
  v=$(fdtget -t "${kind/[PeRnm]/x}" "$dtb" "$node" "$prop" 2>/dev/null) || { echo "<absent>"; return; }
  case $kind in
    s|x) echo "$v" ;;
    P) path_of "$dtb" "$v" ;;
    n) set -- $v; local n=0
       while [ $# -gt 0 ]; do n=$(( (n << 32) | 0x$1 )); shift; done
       printf '0x%x\n' $n ;;
    e) set -- $v
       while [ $# -ge 2 ]; do out+=("$(path_of "$dtb" "$1"):$2"); shift 2; done
       echo "${out[*]}" ;;
    m) set -- $v
       while [ $# -ge 6 ]; do
         out+=("$1,$2,$3,$4->$(path_of "$dtb" "$5"):$6"); shift 6
       done
       [ $# = 0 ] || out+=("trailing:$*")
       echo "${out[*]}" ;;
  esac
}

# check NODE PROP KIND
check() {
  local a b
  checked=$((checked + 1))
  a=$(value "$tmp/qemu.dtb" "$1" "$2" "$3")
  b=$(value "$tmp/bb.dtb" "$1" "$2" "$3")
  if [ "$a" != "$b" ]; then
    fail=$((fail + 1))
    echo "FAIL $1 $2: qemu '$a', breadboard '$b'"
  fi
}

check / compatible s; check / model s
check / '#address-cells' x; check / '#size-cells' x
check /chosen stdout-path s
check /chosen bootargs s
check /chosen linux,initrd-start n; check /chosen linux,initrd-end n
check /memory@80000000 device_type s; check /memory@80000000 reg x
check /cpus '#address-cells' x; check /cpus '#size-cells' x
check /cpus timebase-frequency x
for ((h = 0; h < harts; h++)); do
  c=/cpus/cpu@$h
  for p in device_type status compatible riscv,isa; do check $c $p s; done
  check $c reg x
  check $c/interrupt-controller compatible s
  check $c/interrupt-controller '#interrupt-cells' x
  check $c/interrupt-controller interrupt-controller x
done
check /soc compatible s; check /soc ranges x
check /soc '#address-cells' x; check /soc '#size-cells' x
n=/soc/plic@c000000
for p in compatible; do check $n $p s; done
for p in reg riscv,ndev '#interrupt-cells' '#address-cells' interrupt-controller; do check $n "$p" x; done
check $n interrupts-extended e
n=/soc/clint@2000000
check $n compatible s; check $n reg x; check $n interrupts-extended e
n=/soc/serial@10000000
check $n compatible s; check $n reg x; check $n clock-frequency x
check $n interrupts x; check $n interrupt-parent P
n=/soc/test@100000
check $n compatible s; check $n reg x
n=/soc/rtc@101000
check $n compatible s; check $n reg x; check $n interrupts x; check $n interrupt-parent P
# The PCI host bridge (docs/pci-host.md): every property QEMU writes.
n=/soc/pci@30000000
check $n compatible s; check $n device_type s
for p in '#address-cells' '#size-cells' '#interrupt-cells' reg bus-range \
         linux,pci-domain dma-coherent ranges interrupt-map-mask; do
  check $n "$p" x
done
check $n interrupt-map m
check $n msi-parent x
for n in /poweroff /reboot; do
  check $n compatible s; check $n value x; check $n offset x; check $n regmap P
done

echo "$checked properties compared, $fail differ"
[ $fail = 0 ]
