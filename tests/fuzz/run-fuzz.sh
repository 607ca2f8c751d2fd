#!/bin/bash
# run-fuzz.sh [--expect-crash] FUZZER DEVICE SEEDS WORK RUNS SECONDS
# One short libFuzzer run of pci-fuzz on DEVICE: the seed corpus SEEDS
# (read-only; new inputs go to WORK/corpus, crash files to WORK/) is
# replayed first, then at most RUNS mutated inputs or SECONDS seconds.
# Passes when libFuzzer finishes without a crash, leak or sanitizer
# report.  With --expect-crash it passes only if the fuzzer does report a
# heap-buffer-overflow (the check that the harness can find bugs).
set -u
expect_crash=no
if [ "$1" = --expect-crash ]; then expect_crash=yes; shift; fi
fuzzer=$1 dev=$2 seeds=$3 work=$4 runs=$5 secs=$6
rm -rf "$work"; mkdir -p "$work/corpus"
[ -d "$seeds" ] && [ -n "$(ls -A "$seeds")" ] ||
  { echo "FAIL: no seed corpus in $seeds"; exit 1; }
export ASAN_OPTIONS=${ASAN_OPTIONS:-}:detect_leaks=1:allocator_may_return_null=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
"$fuzzer" --device="$dev" -seed=1 -runs="$runs" -max_total_time="$secs" \
  -timeout=10 -rss_limit_mb=2048 -max_len=4096 -print_final_stats=1 \
  -artifact_prefix="$work/" "$work/corpus" "$seeds" > "$work/log" 2>&1
rc=$?
if [ $expect_crash = yes ]; then
  if [ $rc != 0 ] && grep -q "ERROR: AddressSanitizer: heap-buffer-overflow" "$work/log"; then
    echo "OK: the planted bug was found:"
    grep -m1 -A3 "ERROR: AddressSanitizer" "$work/log"
    exit 0
  fi
  echo "FAIL: the fuzzer did not find the planted overflow (exit $rc):"
  tail -40 "$work/log"; exit 1
fi
if [ $rc != 0 ]; then
  echo "FAIL: pci-fuzz --device=$dev exited $rc; reproduce with"
  echo "  $fuzzer --device=$dev $work/crash-*"
  tail -80 "$work/log"; exit 1
fi
grep -q "INITED" "$work/log" || { echo "FAIL: the corpus was not loaded"; tail -40 "$work/log"; exit 1; }
grep -E "^(#[0-9]+ +DONE|stat::number_of_executed_units)" "$work/log"
echo "OK: pci-fuzz --device=$dev: no crash"
