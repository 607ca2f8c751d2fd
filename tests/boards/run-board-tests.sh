#!/bin/bash
# run-board-tests.sh - golden-output tests of `breadboard describe`.
#
# Usage: run-board-tests.sh MODE BREADBOARD SRC_DIR BUILD_DIR [--update]
#   MODE shipped  every boards/*.yaml; expected output in
#                 tests/boards/shipped/NAME.out (must succeed) or NAME.err
#                 (must fail with exactly that stderr)
#   MODE good     every tests/boards/good/NAME.out: must succeed, stdout
#                 compared, stderr empty
#   MODE broken   every tests/boards/broken/NAME.err: must fail with exit
#                 status 1 (or the number in NAME.rc), stderr compared,
#                 stdout empty
#   MODE DIR      like broken, for the cases in DIR (runner self-test)
# A case runs `breadboard describe NAME.yaml`, or with the arguments in
# NAME.args (one per line, paths relative to SRC_DIR) when that exists.
# good/broken cases get --plugin-dir BUILD_DIR/tests/plugins/testdevs.
# Output is normalised before comparing: BUILD_DIR -> @BUILD@, then
# SRC_DIR -> @SRC@.  --update rewrites the expected files instead.
# VALGRIND="valgrind -q --error-exitcode=99 ..." runs every case under it
# (valgrind's reports then show up as unexpected output / exit status).
set -u

mode=$1 bb=$2 src=$3 build=$4 update=${5:-}
unset BREADBOARD_PLUGIN_PATH
export LC_ALL=C
cd "$src" || exit 1
pass=0 fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

normalise() {
    local text
    text=$(cat)
    text=${text//"$build"/@BUILD@}
    text=${text//"$src"/@SRC@}
    [[ -z $text ]] || printf '%s\n' "$text"
}

# run_case NAME EXPECTED_FILE KIND(out|err) EXPECTED_RC BOARD [EXTRA...]
run_case() {
    local name=$1 expected=$2 kind=$3 want_rc=$4 board=$5
    shift 5
    local args=()
    if [[ -f ${expected%.*}.args ]]; then
        mapfile -t args < "${expected%.*}.args"
    else
        args=("$board")
    fi
    # shellcheck disable=SC2086
    ${VALGRIND:-} "$bb" describe "$@" "${args[@]}" \
        >"$tmp/out" 2>"$tmp/err"
    local rc=$?
    normalise <"$tmp/out" >"$tmp/out.n"
    normalise <"$tmp/err" >"$tmp/err.n"
    if [[ -n $update ]]; then
        if [[ $name == shipped/* ]]; then   # keep whichever outcome it has
            rm -f "${expected%.*}.out" "${expected%.*}.err"
            kind=out
            [[ $rc -ne 0 ]] && kind=err
            expected=${expected%.*}.$kind
        fi
        cp "$tmp/$kind.n" "$expected"
        echo "updated $expected"
        return
    fi
    local other=err
    [[ $kind == err ]] && other=out
    if [[ $rc -eq $want_rc && ! -s $tmp/$other.n ]] &&
       cmp -s "$tmp/$kind.n" <(normalise <"$expected"); then
        pass=$((pass + 1))
        return
    fi
    fail=$((fail + 1))
    echo "FAIL $name (exit status $rc, expected $want_rc)"
    diff -u "$expected" "$tmp/$kind.n" | sed 's/^/    /'
    if [[ -s $tmp/$other.n ]]; then
        echo "    unexpected std$other:"
        sed 's/^/    | /' "$tmp/$other.n"
    fi
}

testdevs=(--plugin-dir "$build/tests/plugins/testdevs")

# Case names in DIR: every NAME.yaml, NAME.args and NAME.EXT; with
# BOARD_SHARD=I/N only every N-th name starting at the I-th (0-based), so
# the slow valgrind runs can be split into tests CTest runs in parallel.
case_names() {
    local dir=$1 ext=$2 f shard=${BOARD_SHARD:-0/1}
    shopt -s nullglob
    for f in "$dir"/*.yaml "$dir"/*.args "$dir"/*."$ext"; do
        echo "${f%.*}"
    done | sort -u | awk -v i="${shard%/*}" -v n="${shard#*/}" 'NR % n == i % n'
}

case $mode in
shipped)
    for board in boards/*.yaml; do
        name=$(basename "$board" .yaml)
        base=tests/boards/shipped/$name
        if [[ -f $base.err ]]; then
            run_case "shipped/$name" "$base.err" err 1 "$board"
        elif [[ -f $base.out || -n $update ]]; then
            run_case "shipped/$name" "$base.out" out 0 "$board"
        else
            echo "FAIL shipped/$name: no $base.out or $base.err"
            fail=$((fail + 1))
        fi
    done
    ;;
good)
    for name in $(case_names tests/boards/good out); do
        if [[ ! -f $name.out && -z $update ]]; then
            echo "FAIL $name: no $name.out"
            fail=$((fail + 1))
            continue
        fi
        run_case "${name#tests/boards/}" "$name.out" out 0 "$name.yaml" \
            "${testdevs[@]}"
    done
    ;;
*)
    dir=tests/boards/broken
    [[ $mode != broken ]] && dir=$mode
    for name in $(case_names "$dir" err); do
        if [[ ! -f $name.err && -z $update ]]; then
            echo "FAIL $name: no $name.err"
            fail=$((fail + 1))
            continue
        fi
        rc=1
        [[ -f $name.rc ]] && rc=$(cat "$name.rc")
        run_case "${name#tests/boards/}" "$name.err" err "$rc" \
            "$name.yaml" "${testdevs[@]}"
    done
    ;;
esac

echo "$mode: $pass passed, $fail failed"
[[ $fail -eq 0 && $pass -gt 0 ]]
