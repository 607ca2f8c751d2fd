#!/bin/bash
# pci-walkthrough-test.sh SOURCE_DIR BUILD_DIR WORK_DIR
# docs/writing-a-pci-device.md compiles as written: install the build
# into a scratch prefix, extract the page's blocks (doc-blocks.sh) into an
# empty directory, check that the files equal tests/sdk-sample-pci/ byte
# for byte (no file missing or extra), run the `run` blocks in order there
# with the installed SDK on PATH (build, the device tests, the plugin
# listing, the device on riscv-virt's bus with --device), and compile the
# fragments (the Linux userspace program among them).  Then check the
# checks: a page whose block differs from the sample is refused.
set -eu
src=$1 build=$2 work=$3
rm -rf "$work"; mkdir -p "$work"
prefix=$work/prefix
cmake --install "$build" --prefix "$prefix" > "$work/install.log"
prefix=$(cd "$prefix" && pwd)

# extract PAGE DIR (doc-blocks.sh): the page's blocks into DIR.
. "$(dirname "$0")/doc-blocks.sh"

page=$src/docs/writing-a-pci-device.md
extract "$page" "$work/page" 2> "$work/extract.log" ||
  { echo "FAIL: extracting $page:"; cat "$work/extract.log"; exit 1; }
diff -r "$src/tests/sdk-sample-pci" "$work/page/project" > "$work/diff.log" ||
  { echo "FAIL: docs/writing-a-pci-device.md and tests/sdk-sample-pci/ differ:"
    cat "$work/diff.log"; exit 1; }
ls "$work"/page/run-*.sh > /dev/null 2>&1 || { echo "FAIL: no run blocks"; exit 1; }
ls "$work"/page/fragment-*.c > /dev/null 2>&1 || { echo "FAIL: no fragments"; exit 1; }

export PATH="$prefix/bin:$PATH"
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
unset BREADBOARD_PLUGIN_PATH
: > "$work/page/all-runs.sh"
for i in $(seq 1 "$(ls "$work"/page/run-*.sh | wc -l)"); do
  cat "$work/page/run-$i.sh" >> "$work/page/all-runs.sh"
done
(cd "$work/page/project" && bash -e -x "$work/page/all-runs.sh") > "$work/run.log" 2>&1 ||
  { echo "FAIL: the page's commands:"; cat "$work/run.log"; exit 1; }
for want in "100% tests passed, 0 tests failed out of 2" \
            "pci-counter +1\.0\.0" "counter \(pci-counter\) tick-ns=100"; do
  grep -qE -- "$want" "$work/run.log" ||
    { echo "FAIL: the page's commands did not print '$want':"; cat "$work/run.log"; exit 1; }
done

# The fragments compile.
for f in "$work"/page/fragment-*.c; do
  cc -c -o /dev/null -Wall -Wno-unused-function -Wno-unused-variable \
     -Wno-unused-parameter -Werror $(pkg-config --cflags breadboard) "$f" \
     > "$work/fragment.log" 2>&1 ||
    { echo "FAIL: a fragment of the page does not compile:"; cat -n "$f"; cat "$work/fragment.log"; exit 1; }
done

# The checks can fail: a block that differs from the sample is noticed.
sed '0,/must stay low while MSI is on/s//must stay low while MSI is enabled/' \
    "$page" > "$work/changed.md"
cmp -s "$page" "$work/changed.md" && { echo "FAIL: could not change the page"; exit 1; }
extract "$work/changed.md" "$work/changed" 2> /dev/null
if diff -r "$src/tests/sdk-sample-pci" "$work/changed/project" > /dev/null; then
  echo "FAIL: a changed block was not noticed"; exit 1
fi
echo "OK: docs/writing-a-pci-device.md equals tests/sdk-sample-pci/, its commands build and pass against the installed SDK, its fragments compile"
