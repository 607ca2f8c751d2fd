#!/bin/bash
# handoff-test.sh BREADBOARD SRC_DIR KERNEL FIRMWARE [MODE] - boot the
# hand-off test kernel (handoff/handoff.c; an Image, ELF or raw binary)
# under Debian's OpenSBI FIRMWARE (fw_dynamic or fw_jump) on
# boards/riscv-virt.yaml in deterministic mode, with an initrd and a
# command line, and check its verdict: every check passed, in order, the
# command line it read from /chosen/bootargs is exactly the one given, and
# the SBI SRST shutdown gave exit status 0.
#   MODE: pass   (default) as above;
#         break  the command line asks the kernel to flip every
#                expectation (break=all): every check must fail and SRST
#                with reason "system failure" must give exit status 1
#                (OpenSBI stores a bare 0x3333 to the test finisher; QEMU
#                exits 0 for that, breadboard 1, see sifive-test.c);
#         reboot after a first passing round the kernel overwrites what
#                was loaded (its data, the initrd, the FDT) and reboots
#                (SBI SRST cold reboot); the second round must pass too,
#                i.e. the system reset reloaded every image;
#         qemu, qemu-reboot   pass or reboot on qemu-system-riscv64 -M virt
#                instead, to validate the test kernel itself (QEMU exits 0
#                even on failure, so only the console counts).
# Skips (77) when the firmware, the kernel (no riscv64-unknown-elf-gcc) or,
# for MODE qemu, QEMU is missing.
set -u
bb=$1 src=$2 kernel=$3 fw=$4 mode=${5:-pass}
fw_bin=/usr/lib/riscv64-linux-gnu/opensbi/generic/$fw.bin
[ -f "$fw_bin" ] || { echo "$fw_bin missing (package opensbi): skipped"; exit 77; }
[ -f "$kernel" ] || { echo "$kernel not built (no riscv64-unknown-elf-gcc): skipped"; exit 77; }
on=breadboard
case $mode in
  pass|break|reboot) ;;
  qemu|qemu-reboot) on=qemu mode=${mode#qemu}; mode=${mode#-}; mode=${mode:-pass} ;;
  *) echo "unknown mode $mode"; exit 2 ;;
esac
if [ $on = qemu ]; then
  command -v qemu-system-riscv64 > /dev/null ||
    { echo "no qemu-system-riscv64: skipped"; exit 77; }
fi

# Where the FDT must be (reference/hardware.md 5.1, 5.4) and the initrd:
# kernel 0x80200000 + min(RAM / 2, 128 MiB) with 128 MiB of RAM.
case $fw in
  fw_dynamic) fdt=0x87e00000 ;;
  fw_jump) fdt=0x82200000 ;;
  *) echo "unknown firmware $fw"; exit 2 ;;
esac
initrd_addr=0x84200000
checks=(entry smode-sstatus smode-mstatus satp hartid fdt-magic bootargs
        fdt-addr stdout-path initrd-start initrd-len initrd-sum memory-base
        memory-size timebase rdtime sbi-spec-error sbi-spec-version
        data-sentinel)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# An initrd of an odd size with a fixed pseudo-random pattern (an LCG), so
# a misplaced or truncated copy changes its checksum.
LC_ALL=C awk -v n=100003 'BEGIN { x = 12345; for (i = 0; i < n; i++) {
  x = (x * 1103515245 + 12345) % 2147483648; printf "%c", int(x / 65536) % 256 } }' \
  > "$tmp/initrd.img"
read -r sum len < <(cksum < "$tmp/initrd.img")
[ "$len" = 100003 ] || { echo "FAIL: initrd generator wrote $len bytes"; exit 1; }
# The kernel parses the key=value words; the rest must reach /chosen
# verbatim, punctuation and all.
append="handoff fdt=$fdt initrd=$initrd_addr len=$len sum=$sum"
append+=" console=ttyS0,115200n8 q=\"a b\" 'c' d:e #f [g] {h} \\i \$j *"
[ "$mode" = break ] && append+=" break=all"
[ "$mode" = reboot ] && append+=" reboot=1"

timeout_s=60
start=$SECONDS
if [ $on = qemu ]; then
  timeout -s KILL $timeout_s qemu-system-riscv64 -M virt -m 128M -smp 1 \
    -nographic -bios "$fw_bin" -kernel "$kernel" -initrd "$tmp/initrd.img" \
    -append "$append" < /dev/null > "$tmp/out" 2> "$tmp/err"
else
  timeout -s KILL $timeout_s "$bb" run --icount --accel jit \
    "$src/boards/riscv-virt.yaml" --bios "$fw_bin" --kernel "$kernel" \
    --initrd "$tmp/initrd.img" --append "$append" \
    < /dev/null > "$tmp/out" 2> "$tmp/err"
fi
rc=$?

fail() {
  echo "FAIL ($(basename "$kernel"), $fw, $mode on $on): $*"
  echo "--- console"; tr -d '\r' < "$tmp/out" | tail -n 40
  echo "--- stderr"; tail -n 20 "$tmp/err"
  exit 1
}
[ $rc = 137 ] && fail "timed out after $timeout_s s"
tr -d '\r' < "$tmp/out" > "$tmp/console"
grep -qxF "handoff: started (boot 1)" "$tmp/console" ||
  fail "the kernel never printed (OpenSBI did not enter it?)"

# The verdict lines of each boot, in order, exactly: the command line it
# read, one line per check, the count, the outcome.
n=${#checks[@]}
round() { # OUTCOME: the lines of one boot
  echo "handoff: started (boot $boot)"
  echo "bootargs=[$append]"
  if [ "$1" = FAIL ]; then
    printf 'FAIL %s\n' "${checks[@]}"; echo "handoff: 0 of $n checks passed"
  else
    printf 'ok %s\n' "${checks[@]}"; echo "handoff: $n of $n checks passed"
  fi
  echo "handoff: $1"
}
want_rc=0
case $mode in
  pass) want=$(boot=1 round PASS) ;;
  break) want=$(boot=1 round FAIL) want_rc=1 ;;
  reboot) want=$(boot=1 round reboot; boot=2 round PASS) ;;
esac
got=$(grep -E '^(ok |FAIL |bootargs=|handoff: )' "$tmp/console" |
        sed -E 's/^(FAIL [^:]*):.*/\1/')
[ "$got" = "$want" ] ||
  fail "verdict lines differ: $(diff <(echo "$want") <(echo "$got") | grep '^[<>]' | tr '\n' ' ')"
[ $on = qemu ] && want_rc=0
[ $rc = $want_rc ] || fail "exit status $rc (expected $want_rc)"
echo "ok ($(basename "$kernel"), $fw, $mode on $on): $n checks," \
     "exit status $rc, $((SECONDS - start)) s"
