#!/bin/bash
# expect-line.sh EXIT LINE -- COMMAND...
# Runs COMMAND with BREADBOARD_PLUGIN_PATH unset and checks its exit status
# and that LINE appears, exactly, as a whole line of its combined output
# (leading spaces ignored).  LINE may be repeated: --line L1 --line L2;
# --absent TEXT fails if TEXT appears anywhere.  "@SEMI@" in a LINE stands
# for ';', which CMake cannot pass through a list.
set -u
want_exit=$1; shift
lines=()
absent=()
while [ "$1" != "--" ]; do
  case "$1" in
    --line) lines+=("${2//@SEMI@/;}"); shift 2 ;;
    --absent) absent+=("${2//@SEMI@/;}"); shift 2 ;;
    *) echo "expect-line.sh: bad argument $1" >&2; exit 2 ;;
  esac
done
shift
out=$(env -u BREADBOARD_PLUGIN_PATH "$@" 2>&1)
status=$?
fail=0
if [ "$status" != "$want_exit" ]; then
  echo "FAIL: exit status $status, expected $want_exit"; fail=1
fi
stripped=$(printf '%s\n' "$out" | sed 's/^ *//')
for l in "${lines[@]}"; do
  if ! printf '%s\n' "$stripped" | grep -qxF -- "$l"; then
    echo "FAIL: missing line: $l"; fail=1
  fi
done
for l in "${absent[@]}"; do
  if printf '%s\n' "$stripped" | grep -qF -- "$l"; then
    echo "FAIL: unexpected text: $l"; fail=1
  fi
done
if [ $fail != 0 ]; then
  echo "--- command: $*"; echo "--- output:"; printf '%s\n' "$out"
fi
exit $fail
