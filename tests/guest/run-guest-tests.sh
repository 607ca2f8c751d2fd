#!/bin/bash
# run-guest-tests.sh - runs one conformance program of tests/guest (see
# CMakeLists.txt there for the suite and how to add a test):
#
#   run-guest-tests.sh --mode breadboard|qemu --bb BREADBOARD --src SRC_DIR
#       --elf PROGRAM.elf [--expect CODE] [--harts N] [--group plain|clint]
#       [--isa ISA] [--qemu QEMU] [--chained 1]
#
# breadboard: runs the program on boards/riscv-spike.yaml (clint group:
#   tests/guest/spike-clint.yaml) with --icount under --accel jit and
#   --accel interp.  Both must exit with CODE, print the same console
#   output and no "quirk:" line (lib/guest.h: spec-allowed behaviour that
#   breadboard's hart is designed not to have).  A non-zero CODE also
#   needs a "FAIL " line.  Exit 77 (skipped) for the clint group while no
#   plugin provides sifive-clint.
# qemu: runs it on qemu-system-riscv64 -M spike -cpu rv64,h=false (QEMU
#   7.2 enables H by default; breadboard's hart has no H) -icount shift=0
#   (one instruction per ns, as breadboard's --icount: exact instret,
#   same timer rates) and requires CODE; when breadboard can run the
#   program too (plugins present), its --accel jit exit code must be the
#   same.  Exit 77 without QEMU.
# --chained 1: breadboard also runs the program without --icount
#   (jit-chained, interp-chained: normal mode, where TBs are chained and
#   indirect jumps skip the loop), with the same requirements; for
#   programs about the translation cache.
# --isa (NO_C programs): the hart's ISA string instead of the board's,
#   e.g. rv64imafd_zicsr_zifencei; without "c" QEMU gets c=false.
#
# Every run is bounded by `timeout`.  By hand, the command lines are
#   BREADBOARD run boards/riscv-spike.yaml --icount --accel jit --kernel X.elf
#   qemu-system-riscv64 -M spike -cpu rv64,h=false -icount shift=0 \
#       -bios none -nographic \
#       -kernel X.elf
# (plus --set harts.count=2 / -smp 2 for two-hart programs, and
# --set harts.isa=rv64imafd_zicsr_zifencei / -cpu rv64,h=false,c=false
# for programs without C).
set -u
mode= bb= src= elf= expect=0 harts=1 group=plain qemu= isa= chained=0
while [ $# -gt 0 ]; do
  case $1 in
    --mode) mode=$2 ;;
    --bb) bb=$2 ;;
    --src) src=$2 ;;
    --elf) elf=$2 ;;
    --expect) expect=$2 ;;
    --harts) harts=$2 ;;
    --group) group=$2 ;;
    --qemu) qemu=$2 ;;
    --isa) isa=$2 ;;
    --chained) chained=$2 ;;
    *) echo "run-guest-tests.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift 2
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
unset BREADBOARD_PLUGIN_PATH
name=$(basename "$elf" .elf)

# What breadboard can run: the riscv64 hart, and for clint a sifive-clint.
"$bb" plugins > "$tmp/plugins" 2>&1
have_type() { grep -Eq "^[^ ]+ +[^ ]+ +[^ ]+ +(.*[ ,])?$1([ ,]|$)" "$tmp/plugins"; }
bb_can_run=yes
have_type riscv64 || bb_can_run="no plugin provides riscv64"
if [ "$group" = clint ] && ! have_type sifive-clint; then
  bb_can_run="no plugin provides sifive-clint"
fi

board=$src/boards/riscv-spike.yaml
bb_args=(--kernel "$elf")
if [ "$group" = clint ]; then
  board=$src/tests/guest/spike-clint.yaml
fi
qemu_cpu=rv64,h=false
if [ -n "$isa" ]; then
  bb_args+=(--set "harts.isa=$isa")
  base=${isa%%_*}
  case ${base#rv64} in
    *c*) ;;
    *) qemu_cpu+=,c=false ;;
  esac
fi
if [ "$harts" != 1 ]; then
  bb_args+=(--set "harts.count=$harts")
  if [ "$group" = clint ]; then
    msip= mtip=
    for ((i = 0; i < harts; i++)); do
      msip+="${msip:+, }hart$i.msip" mtip+="${mtip:+, }hart$i.mtip"
    done
    bb_args+=(--set "devices.clint.num-harts=$harts"
              --set "devices.clint.irqs.msip=[$msip]"
              --set "devices.clint.irqs.mtip=[$mtip]")
  fi
fi

bb_run() { # ACCEL -> rc in $rc, console in $tmp/ACCEL.out
  local out=$1 accel=$1 timing=(--icount)
  # "jit-chained": normal mode (TBs chained, no --icount)
  if [ "${accel%-chained}" != "$accel" ]; then
    accel=${accel%-chained} timing=()
  fi
  cmd=("$bb" run "$board" "${bb_args[@]}" "${timing[@]}" --accel "$accel")
  timeout -s KILL 60 "${cmd[@]}" < /dev/null > "$tmp/$out.out" \
    2> "$tmp/$out.err"
  rc=$?
}

show() { # LABEL FILE
  echo "--- $1:"
  sed 's/^/    /' "$2"
}

fail=0
if [ "$mode" = breadboard ]; then
  if [ "$bb_can_run" != yes ]; then
    if [ "$group" = clint ] && have_type riscv64; then
      echo "SKIP $name: $bb_can_run"
      exit 77
    fi
    echo "FAIL $name: $bb_can_run"
    exit 1
  fi
  accels=(jit interp)
  if [ "$chained" = 1 ]; then
    accels+=(jit-chained interp-chained)
  fi
  for accel in "${accels[@]}"; do
    bb_run "$accel"
    if [ "$rc" != "$expect" ]; then
      echo "FAIL $name (--accel $accel): exit code $rc, expected $expect"
      echo "    ${cmd[*]}"
      show "console" "$tmp/$accel.out"
      show "stderr" "$tmp/$accel.err"
      fail=1
    elif grep -q '^quirk:' "$tmp/$accel.out"; then
      echo "FAIL $name (--accel $accel): quirk (behaviour breadboard's hart is designed not to have):"
      grep '^quirk:' "$tmp/$accel.out" | sed 's/^/    /'
      fail=1
    elif [ "$expect" != 0 ] && ! grep -q '^FAIL ' "$tmp/$accel.out"; then
      echo "FAIL $name (--accel $accel): exit code $rc but no FAIL line"
      show "console" "$tmp/$accel.out"
      fail=1
    fi
  done
  for accel in "${accels[@]:1}"; do
    if ! cmp -s "$tmp/jit.out" "$tmp/$accel.out"; then
      echo "FAIL $name: console output differs between jit and $accel"
      diff "$tmp/jit.out" "$tmp/$accel.out" | head -40 | sed 's/^/    /'
      fail=1
    fi
  done
  [ "$fail" = 0 ] && echo "PASS $name (${accels[*]})"
  exit "$fail"
fi

if [ "$mode" = qemu ]; then
  if [ -z "$qemu" ] || [ ! -x "$qemu" ]; then
    echo "SKIP $name: qemu-system-riscv64 not installed"
    exit 77
  fi
  qcmd=("$qemu" -M spike -cpu "$qemu_cpu" -smp "$harts" -icount shift=0
        -bios none -nographic -monitor none -serial stdio -kernel "$elf")
  timeout -s KILL 60 "${qcmd[@]}" < /dev/null > "$tmp/qemu.out" \
    2> "$tmp/qemu.err"
  qrc=$?
  if [ "$qrc" != "$expect" ]; then
    echo "FAIL $name (QEMU): exit code $qrc, expected $expect"
    echo "    ${qcmd[*]}"
    show "console" "$tmp/qemu.out"
    show "stderr" "$tmp/qemu.err"
    fail=1
  fi
  if [ "$bb_can_run" = yes ]; then
    bb_run jit
    if [ "$rc" != "$qrc" ]; then
      echo "FAIL $name: exit codes differ: QEMU $qrc, breadboard $rc"
      echo "    ${cmd[*]}"
      show "breadboard console" "$tmp/jit.out"
      show "breadboard stderr" "$tmp/jit.err"
      fail=1
    fi
  else
    echo "note: breadboard not compared ($bb_can_run)"
  fi
  [ "$fail" = 0 ] && echo "PASS $name (QEMU)"
  exit "$fail"
fi
echo "run-guest-tests.sh: --mode breadboard|qemu" >&2
exit 2
