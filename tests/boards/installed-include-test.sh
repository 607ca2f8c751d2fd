#!/bin/bash
# installed-include-test.sh SRC_DIR BUILD_DIR WORK_DIR - an out-of-tree
# board on an installed breadboard: `cmake --install` into a scratch
# prefix, then a board in a directory of its own says
# `include: riscv-virt-smp2.yaml`, which must be found among the installed
# boards (PREFIX/share/breadboard/boards), and that board's own
# `include: riscv-virt.yaml` next to it; a missing name must be reported
# with the installed boards directory.
set -u
src=$1 build=$2 work=$3
rm -rf "$work"; mkdir -p "$work/my"
prefix=$work/prefix
cmake --install "$build" --prefix "$prefix" > "$work/install.log" ||
  { cat "$work/install.log"; exit 1; }
prefix=$(cd "$prefix" && pwd)
run() { env -u BREADBOARD_PLUGIN_PATH "$prefix/bin/breadboard" "$@"; }

cat > "$work/my/board.yaml" <<'YAML'
schema: 1
include: riscv-virt-smp2.yaml
name: my-board
devices:
  - type: goldfish-rtc
    id: rtc1
    reg: [0x0010_2000, 0x1000]
    irq: plic:12
YAML
out=$(cd "$work" && run describe my/board.yaml 2>&1) ||
  { echo "FAIL: describe:"; echo "$out"; exit 1; }
for want in "Name: my-board" "Harts: 2 x riscv64" "plic.ctx[3] -> hart1.seip[0]" \
            "rtc1.irq[0] -> plic.irq[12]"; do
  echo "$out" | grep -qF "$want" ||
    { echo "FAIL: describe output lacks '$want':"; echo "$out"; exit 1; }
done

printf 'schema: 1\ninclude: riscv-nope.yaml\n' > "$work/my/bad.yaml"
err=$(cd "$work" && run describe my/bad.yaml 2>&1) && { echo "FAIL: bad.yaml accepted"; exit 1; }
want="breadboard: my/bad.yaml:2:10: cannot include 'riscv-nope.yaml': neither my/riscv-nope.yaml nor the shipped board $prefix/share/breadboard/boards/riscv-nope.yaml exists"
[ "$err" = "$want" ] || { echo "FAIL: expected"; echo "$want"; echo "got"; echo "$err"; exit 1; }
echo "OK: installed boards included by name"
