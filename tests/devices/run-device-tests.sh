#!/bin/bash
# run-device-tests.sh BREADBOARD SRC_DIR BUILD_DIR [NAME...] - run device
# tests (docs/device-tests.md): for NAME (default: every tests/devices/
# NAME.yaml with a sibling NAME.script), run
#   breadboard run --icount [NAME.args...] NAME.yaml \
#       --set devices.tester.script=NAME.script
# (the mmio-tester plugin is shipped: BUILD/plugins has it)
# under `timeout` and check the outcome:
#   NAME.rc            expected exit status (default 0, or non-zero with
#                      NAME.expect-fail)
#   NAME.expect-fail   the run must fail; each line must occur in stderr
#   NAME.expect-stderr each line must occur in stderr (any exit status)
#   NAME.stderr        exact expected stderr, with @SRC@ and @BUILD@ for
#                      SRC_DIR and BUILD_DIR
#   NAME.stdout        exact expected stdout
#   NAME.expect-stdout each line must occur in stdout (which may also hold
#                      binary bytes, say from a storm on a UART)
#   NAME.stdin         fed to stdin (default /dev/null)
#   NAME.args          extra breadboard arguments, one per line; @SRC@
#                      and @BUILD@ stand for SRC_DIR and BUILD_DIR
# A NAME.yaml with a sibling NAME.fdt instead of a script is a device-tree
# test: `breadboard dtb` builds the board's tree and each line of NAME.fdt,
# "NODE PROPERTY TYPE VALUE...", must equal `fdtget -t TYPE DTB NODE
# PROPERTY` (TYPE s for strings, x for hex cells; VALUE "<absent>" for a
# property that must not exist).
# With VALGRIND="valgrind -q --error-exitcode=99 ..." in the environment
# every run is made under it (valgrind's exit status then fails the test
# unless it is the expected one).
# Exit status: 0 if every test passed.
set -u
bb=$1 src=$2 build=$3
shift 3
dir=$src/tests/devices
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
unset BREADBOARD_PLUGIN_PATH
failed=0
limit=60
[ -n "${VALGRIND:-}" ] && limit=300

names=("$@")
if [ ${#names[@]} -eq 0 ]; then
  for y in "$dir"/*.yaml; do
    n=$(basename "$y" .yaml)
    [ -f "$dir/$n.script" ] || [ -f "$dir/$n.fdt" ] && names+=("$n")
  done
fi

contains_lines() { # FILE-OF-LINES FILE [WHERE]: every non-empty line occurs
  local line
  while IFS= read -r line || [ -n "$line" ]; do
    [ -z "$line" ] && continue
    grep -aqF -- "$line" "$2" ||
      { echo "  missing in ${3:-stderr}: '$line'"; return 1; }
  done < "$1"
}

check_fdt() { # NAME ARGS...: the device-tree test
  local base=$dir/$1 node prop type want got ok=1
  shift
  if ! "$bb" dtb "$@" "$base.yaml" -o "$tmp/dtb" 2> "$tmp/err"; then
    echo "  breadboard dtb failed:"; cat "$tmp/err"; return 1
  fi
  while read -r node prop type want; do
    case $node in ''|'#'*) continue ;; esac
    got=$(fdtget -t "$type" "$tmp/dtb" "$node" "$prop" 2>/dev/null) ||
      got="<absent>"
    if [ "$got" != "$want" ]; then
      echo "  $node $prop: expected '$want', got '$got'"; ok=0
    fi
  done < "$base.fdt"
  [ $ok -eq 1 ]
}

for n in "${names[@]}"; do
  base=$dir/$n
  args=()
  if [ -f "$base.args" ]; then
    while IFS= read -r a || [ -n "$a" ]; do
      a=${a//@SRC@/$src}; a=${a//@BUILD@/$build}
      [ -n "$a" ] && args+=("$a")
    done < "$base.args"
  fi
  if [ ! -f "$base.script" ]; then
    if check_fdt "$n" "${args[@]}"; then echo "PASS $n"
    else echo "FAIL $n"; failed=$((failed + 1)); fi
    continue
  fi
  stdin=/dev/null
  [ -f "$base.stdin" ] && stdin=$base.stdin
  timeout -s KILL $limit ${VALGRIND:-} "$bb" run --icount "${args[@]}" \
    "$base.yaml" --set "devices.tester.script=$base.script" \
    < "$stdin" > "$tmp/out" 2> "$tmp/err"
  rc=$?
  ok=1
  if [ -f "$base.rc" ]; then
    want=$(tr -d ' \n' < "$base.rc")
    [ "$rc" == "$want" ] || { echo "  exit status $rc, expected $want"; ok=0; }
  elif [ -f "$base.expect-fail" ]; then
    [ "$rc" -ne 0 ] || { echo "  exit status 0, expected a failure"; ok=0; }
  else
    [ "$rc" -eq 0 ] || { echo "  exit status $rc, expected 0"; ok=0; }
  fi
  if [ "$rc" -eq 137 ]; then
    echo "  killed after $limit s (hang?)"
  fi
  for f in expect-fail expect-stderr; do
    if [ -f "$base.$f" ]; then
      contains_lines "$base.$f" "$tmp/err" || ok=0
    fi
  done
  if [ -f "$base.stderr" ]; then
    sed -e "s|$build|@BUILD@|g" -e "s|$src|@SRC@|g" "$tmp/err" > "$tmp/err.n"
    if ! cmp -s "$base.stderr" "$tmp/err.n"; then
      echo "  stderr differs (expected, actual):"
      diff "$base.stderr" "$tmp/err.n" | head -20
      ok=0
    fi
  fi
  if [ -f "$base.expect-stdout" ]; then
    contains_lines "$base.expect-stdout" "$tmp/out" stdout || ok=0
  fi
  if [ -f "$base.stdout" ] && ! cmp -s "$base.stdout" "$tmp/out"; then
    echo "  stdout differs (expected, actual):"
    diff "$base.stdout" "$tmp/out" | head -20
    ok=0
  fi
  if [ $ok -eq 1 ]; then
    echo "PASS $n"
  else
    echo "FAIL $n"
    echo "  --- stderr:"; head -40 "$tmp/err"
    if [ -n "${VALGRIND:-}" ]; then
      echo "  --- valgrind:"; grep -a '^==[0-9]*==' "$tmp/err" | head -60
    fi
    failed=$((failed + 1))
  fi
done
[ $failed -eq 0 ]
