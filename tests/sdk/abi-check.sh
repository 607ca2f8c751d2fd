#!/bin/bash
# abi-check.sh CC INCLUDE_DIR BASELINE WORK_DIR [--update]
# The ABI layout check (docs/abi.md): generate the struct-layout table of
# the SDK headers in INCLUDE_DIR with scripts/abi-layout, compile and run
# it with CC, and compare it with BASELINE; with --update, write the table
# to BASELINE instead (what `cmake --build build --target abi-baseline`
# runs).  Exit 0 compatible, 1 incompatible (each struct and member named),
# 77 when the baseline is for another architecture.
set -u
cc=$1 inc=$2 baseline=$3 work=$4 update=${5:-}
tool=$(cd "$(dirname "$0")/../.." && pwd)/scripts/abi-layout
mkdir -p "$work"
"$tool" gen "$inc" > "$work/layout.c" || exit 1
# shellcheck disable=SC2046
$cc -std=gnu11 -Wall $(pkg-config --cflags glib-2.0) -I"$inc" \
    -o "$work/layout" "$work/layout.c" ||
  { echo "FAIL: cannot compile the layout table $work/layout.c"; exit 1; }
"$work/layout" > "$work/layout.txt" ||
  { echo "FAIL: $work/layout failed"; exit 1; }
if [ "$update" = --update ]; then
  { echo "# The SDK's struct layout and enum values at this ABI (docs/abi.md),"
    echo "# checked by the test sdk.abi-layout.  Regenerate with"
    echo "#   cmake --build build --target abi-baseline"
    echo "# after a major bump, or to record compatible additions."
    cat "$work/layout.txt"; } > "$baseline"
  echo "updated $baseline"
  exit 0
fi
"$tool" compare "$baseline" "$work/layout.txt"
