#!/bin/bash
# run-exec-tests.sh BREADBOARD SRC_DIR BUILD_DIR PROGRAMS_DIR - guest code
# end to end: the toy-ISA programs of gen-programs.c run on the toycpu
# plugin's hart (toy-board.yaml) under `breadboard run`, on both backends
# (--accel jit and --accel interp), in host time and with --icount, and
# must end with the exit status in NAME.expect: arithmetic checksum,
# memory access patterns, ecall / illegal instruction / access faults
# through the vector, branch-heavy loops (chaining), self-modifying code
# (also of a later instruction of the running TB: smc-ahead),
# WFI woken by an interrupt.  Then: the interrupt's instruction count and
# cycle value are identical across --icount runs and backends, and
# -d in_asm,exec,int -D FILE logs the expected lines, and jalr returns
# are followed without the loop in normal mode (-d exec).  Every run is
# bounded by `timeout`, so a hang fails the test.  With VALGRIND="valgrind ..."
# only the programs run, each once per backend, under it.
set -u
bb=$1 src=$2 build=$3 progs=$4
board=$src/tests/exec/toy-board.yaml
plugins=(--plugin-dir "$build/tests/plugins/testsys"
         --plugin-dir "$build/tests/plugins/toycpu")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
unset BREADBOARD_PLUGIN_PATH
pass=0 fail=0
limit=20
fetch_cause=1 unmapped=40000000 # TOY_CAUSE_FETCH_FAULT, UNMAPPED (gen-programs.c)
[ -n "${VALGRIND:-}" ] && limit=120

check() { # NAME EXPECTED ACTUAL
  if [ "$2" == "$3" ]; then pass=$((pass + 1))
  else
    fail=$((fail + 1)); echo "FAIL $1: expected '$2', got '$3'"
    [ -s "$tmp/err" ] && head -5 "$tmp/err" | sed 's/^/  stderr: /'
  fi
}

run() { # ACCEL PROGRAM [ARGS...] ; sets rc
  local accel=$1 prog=$2
  shift 2
  : > "$tmp/err"
  timeout --preserve-status -s KILL "$limit" ${VALGRIND:-} "$bb" run "${plugins[@]}" \
    --accel "$accel" "$board" --kernel "$progs/$prog.bin" "$@" \
    < /dev/null > "$tmp/out" 2> "$tmp/err"
  rc=$?
}

programs="arith mem ecall illegal branch smc smc-ahead wfi fault icount"
if [ -n "${VALGRIND:-}" ]; then # memory checking: each program once per backend
  for accel in jit interp; do
    for p in $programs; do
      run "$accel" "$p" --icount
      check "$p ($accel, valgrind)" "$(cat "$progs/$p.expect")" "$rc"
    done
  done
  echo "$pass passed, $fail failed"
  [ "$fail" = 0 ]
  exit
fi
for accel in jit interp; do
  for icount in "" "--icount"; do
    for p in $programs; do
      run "$accel" "$p" $icount
      check "$p ($accel $icount)" "$(cat "$progs/$p.expect")" "$rc"
    done
  done
done

# Determinism: under --icount the interrupt arrives after the same number
# of instructions on every run and on both backends.
fmt='^count=[0-9a-f]{16} cycle=[0-9a-f]{16}$'
for accel in jit interp; do
  for n in 1 2; do
    run "$accel" icount --icount --set "chardevs.out=file:$tmp/ic-$accel-$n"
    check "icount run $n ($accel)" 0 "$rc"
  done
  check "icount output format ($accel)" 1 \
    "$(grep -cE "$fmt" "$tmp/ic-$accel-1" 2> /dev/null)"
  check "icount repeatable ($accel)" "$(cat "$tmp/ic-$accel-1" 2> /dev/null)" \
    "$(cat "$tmp/ic-$accel-2" 2> /dev/null)"
done
check "icount same on both backends" "$(cat "$tmp/ic-jit-1" 2> /dev/null)" \
  "$(cat "$tmp/ic-interp-1" 2> /dev/null)"
run jit icount --set "chardevs.out=file:$tmp/ic-host"
check "icount program in host time" 1 "$(grep -cE "$fmt" "$tmp/ic-host" 2> /dev/null)"

# Logging: the ecall program's first TB is disassembled (in_asm), TB runs
# are traced with their pc (exec), the two ecalls and the wfi program's
# interrupt are logged (int), registers are dumped (cpu), all into the -D
# file.
for accel in jit interp; do
  log=$tmp/log-$accel
  run "$accel" ecall --icount -d in_asm,exec,int -D "$log"
  check "logged run ($accel)" 0 "$rc"
  check "in_asm disassembles the entry ($accel)" 1 \
    "$(grep -c '^0x0000000080000000:  lui r13, 16$' "$log")"
  check "in_asm shows ecall ($accel)" yes \
    "$(grep -qE '^0x[0-9a-f]{16}:  ecall$' "$log" && echo yes)"
  check "exec traces the entry TB ($accel)" 1 \
    "$(grep -c '^Trace hart 0: pc 0x0000000080000000 flags 0x0$' "$log")"
  check "int logs the two ecalls ($accel)" 2 \
    "$(grep -cE '^int: hart 0 exception cause 8 tval 0x0 pc 0x80000[0-9a-f]{3}$' "$log")"
  check "nothing on stderr with -D ($accel)" "" "$(cat "$tmp/err")"
  run "$accel" arith -d cpu -D "$log.cpu"
  check "cpu dumps the registers ($accel)" yes \
    "$(grep -q '^pc  0000000080000000$' "$log.cpu" && echo yes)"
  # A fetch fault (the toy hart raises it while translating the jump
  # target) is logged with the faulting pc.
  run "$accel" fault --icount -d int -D "$log.fault"
  check "logged fault run ($accel)" 0 "$rc"
  check "int logs the fetch fault at its pc ($accel)" 1 \
    "$(grep -cE "^int: hart 0 exception cause $fetch_cause tval 0x$unmapped pc 0x$unmapped\$" "$log.fault")"
  run "$accel" wfi --icount -d int -D "$log.wfi"
  check "logged wfi run ($accel)" 0 "$rc"
  check "int logs the interrupt ($accel)" 1 \
    "$(grep -cE '^int: hart 0 took an interrupt, pc now 0x80000[0-9a-f]{3}$' "$log.wfi")"
done

# Indirect jumps: the branch program's subroutine returns 300 times with
# jalr (lookup_and_goto) to 0x80000064.  In normal mode the TB there is
# found without the loop (x86-64: from generated code; interp: in the
# loop's chain following), so -d exec, which traces only TBs the loop
# starts, shows it a few times at most (the first return; kicker exits,
# the end of an instruction budget).  With --icount TBs are chained too
# (the budget counts instructions inside chained code), and without
# kicks the count is the same on every run.
ret='^Trace hart 0: pc 0x0000000080000064 flags 0x0$'
# The kicker exits at most once per millisecond of host time, so each
# bound below allows one extra visit per millisecond the run took: a slow
# or loaded host (sanitizers, a busy CI machine) must not fail the check,
# while the bugs it catches cost tens of thousands of visits.
declare -A kick_ms
for accel in jit interp; do
  log=$tmp/log-ret-$accel
  t0=$(date +%s%N)
  run "$accel" branch -d exec -D "$log"
  kick_ms[$accel]=$((($(date +%s%N) - t0) / 1000000))
  check "branch run with -d exec ($accel)" 0 "$rc"
  n=$(grep -c "$ret" "$log")
  check "jalr returns followed without the loop ($accel, $n traced in ${kick_ms[$accel]} ms)" yes \
    "$([ "$n" -ge 1 ] && [ "$n" -lt $((30 + kick_ms[$accel])) ] && echo yes)"
  run "$accel" branch --icount -d exec -D "$log.ic"
  n=$(grep -c "$ret" "$log.ic")
  check "jalr returns followed without the loop with --icount ($accel, $n traced)" \
    yes "$([ "$n" -ge 1 ] && [ "$n" -lt 30 ] && echo yes)"
  run "$accel" branch --icount -d exec -D "$log.ic2"
  check "loop visits the same on two --icount runs ($accel)" \
    "$(grep -c '^Trace' "$log.ic")" "$(grep -c '^Trace' "$log.ic2")"
done

# Direct exits get chained wherever the run left: on x86-64 a run that
# passed through chained jumps reports the TB whose goto_tb exit it took,
# so the loop chains that one too.  Without it the branch program came
# back to the loop ~34,000 times on jit against ~25 on the interpreter;
# now both see only the first runs of each TB (and kicker exits).
visits_jit=$(grep -c '^Trace hart 0: ' "$tmp/log-ret-jit")
visits_interp=$(grep -c '^Trace hart 0: ' "$tmp/log-ret-interp")
check "branch: loop visits on interp stay few ($visits_interp)" yes \
  "$([ "$visits_interp" -ge 1 ] &&
     [ "$visits_interp" -lt $((200 + kick_ms[interp])) ] && echo yes)"
check "branch: jit visits within 10x interp ($visits_jit vs $visits_interp)" \
  yes "$([ "$visits_jit" -ge 1 ] &&
         [ "$visits_jit" -le $((10 * visits_interp + kick_ms[jit])) ] &&
         echo yes)"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
