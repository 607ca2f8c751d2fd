#!/bin/bash
# dtb-cli.sh BREADBOARD SRC_DIR - `breadboard dtb`: the blob to a file, to
# standard output (no -o, or -o -) identical to it and readable by dtc;
# usage and output errors with their exit statuses and messages.
set -u
bb=$1 src=$2
board=$src/boards/riscv-virt.yaml
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
check() { # NAME EXPECTED ACTUAL
  if [ "$2" != "$3" ]; then echo "FAIL $1: expected '$2', got '$3'"; fail=1; fi
}

"$bb" dtb "$board" -o "$tmp/a.dtb"; check "to a file" 0 $?
"$bb" dtb "$board" > "$tmp/b.dtb"; check "to stdout" 0 $?
"$bb" dtb "$board" -o - > "$tmp/c.dtb"; check "-o -" 0 $?
cmp -s "$tmp/a.dtb" "$tmp/b.dtb"; check "stdout equals file" 0 $?
cmp -s "$tmp/a.dtb" "$tmp/c.dtb"; check "-o - equals file" 0 $?
dtc -I dtb -O dts "$tmp/a.dtb" > "$tmp/a.dts" 2> /dev/null; check "dtc reads it" 0 $?
grep -q 'compatible = "riscv-virtio";' "$tmp/a.dts"; check "root compatible" 0 $?

"$bb" dtb > /dev/null 2> "$tmp/err"; check "no board: status" 2 $?
check "no board: message" "breadboard: dtb: missing BOARD argument (a .yaml file)" "$(cat "$tmp/err")"
"$bb" dtb "$board" -o "$tmp/no/such/dir.dtb" 2> "$tmp/err"; check "bad -o: status" 1 $?
check "bad -o: message" "breadboard: cannot write the device tree to $tmp/no/such/dir.dtb: No such file or directory" "$(cat "$tmp/err")"
"$bb" dtb "$board" --kernel "$tmp/missing.bin" -o "$tmp/x.dtb" 2> "$tmp/err"; check "bad kernel: status" 1 $?
grep -qF "$tmp/missing.bin: cannot open: No such file or directory" "$tmp/err"; check "bad kernel: message" 0 $?
[ $fail = 0 ] && echo "ok"
exit $fail
