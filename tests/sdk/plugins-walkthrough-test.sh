#!/bin/bash
# plugins-walkthrough-test.sh SOURCE_DIR BUILD_DIR WORK_DIR
# docs/plugins.md compiles as written: install the build into a scratch
# prefix, extract every fenced block of the page by its marking into an
# empty directory (file=PATH: the blocks of one file joined by one empty
# line; run: shell commands; fragment: a C example compiled on its own;
# text: output, skipped; anything else is an error), check that the
# files equal tests/sdk-sample/ byte for byte (no file missing or extra),
# run the `run` blocks in order there with the installed SDK on PATH, and
# compile the fragments.  Then check the checks: a page whose block
# differs from the sample, or with an unmarked block, is refused.
# Without riscv64-unknown-elf-gcc the guest's blocks cannot run: the rest
# is checked and the test exits 77 (skipped).
set -eu
src=$1 build=$2 work=$3
rm -rf "$work"; mkdir -p "$work"
prefix=$work/prefix
cmake --install "$build" --prefix "$prefix" > "$work/install.log"
prefix=$(cd "$prefix" && pwd)

# extract PAGE DIR (doc-blocks.sh): the page's blocks into DIR.
. "$(dirname "$0")/doc-blocks.sh"

page=$src/docs/plugins.md
extract "$page" "$work/page" 2> "$work/extract.log" ||
  { echo "FAIL: extracting $page:"; cat "$work/extract.log"; exit 1; }
diff -r "$src/tests/sdk-sample" "$work/page/project" > "$work/diff.log" ||
  { echo "FAIL: docs/plugins.md and tests/sdk-sample/ differ:"; cat "$work/diff.log"; exit 1; }
ls "$work"/page/run-*.sh > /dev/null 2>&1 || { echo "FAIL: no run blocks"; exit 1; }
ls "$work"/page/fragment-*.c > /dev/null 2>&1 || { echo "FAIL: no fragments"; exit 1; }

# The run blocks, as the page says, in the project directory.
export PATH="$prefix/bin:$PATH"
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
unset BREADBOARD_PLUGIN_PATH
have_gcc=yes
command -v riscv64-unknown-elf-gcc > /dev/null || have_gcc=no
# Blocks in page order (run-1, run-2, ...); without the cross compiler,
# those that run the guest are left out.
: > "$work/page/all-runs.sh"
for i in $(seq 1 "$(ls "$work"/page/run-*.sh | wc -l)"); do
  f=$work/page/run-$i.sh
  [ $have_gcc = no ] && grep -q "guest.elf" "$f" && continue
  cat "$f" >> "$work/page/all-runs.sh"
done
(cd "$work/page/project" && bash -e -x "$work/page/all-runs.sh") > "$work/run.log" 2>&1 ||
  { echo "FAIL: the page's commands:"; cat "$work/run.log"; exit 1; }
for want in "100% tests passed, 0 tests failed out of 3" \
            "breadboard,sample-timer" "sample-timer +1.0.0"; do
  grep -qE -- "$want" "$work/run.log" ||
    { echo "FAIL: the page's commands did not print '$want':"; cat "$work/run.log"; exit 1; }
done
if [ $have_gcc = yes ]; then
  grep -qx "sample-guest: PASS" "$work/run.log" ||
    { echo "FAIL: the guest did not pass:"; cat "$work/run.log"; exit 1; }
fi

# The fragments compile.
for f in "$work"/page/fragment-*.c; do
  cc -c -o /dev/null -Wall -Wno-unused-function -Wno-unused-variable \
     -Wno-unused-parameter -Werror $(pkg-config --cflags breadboard) "$f" \
     > "$work/fragment.log" 2>&1 ||
    { echo "FAIL: a fragment of docs/plugins.md does not compile:"; cat -n "$f"; cat "$work/fragment.log"; exit 1; }
done

# The checks can fail: a block that differs from the sample...
sed '0,/LOAD set to 0 while running/s//LOAD set to zero while running/' \
    "$page" > "$work/changed.md"
cmp -s "$page" "$work/changed.md" && { echo "FAIL: could not change the page"; exit 1; }
extract "$work/changed.md" "$work/changed" 2> /dev/null
if diff -r "$src/tests/sdk-sample" "$work/changed/project" > /dev/null; then
  echo "FAIL: a changed block was not noticed"; exit 1
fi
# ...and a block without a marking.
printf '\n```c\nint x;\n```\n' | cat "$page" - > "$work/unmarked.md"
if extract "$work/unmarked.md" "$work/unmarked" 2> "$work/unmarked.log"; then
  echo "FAIL: an unmarked block was accepted"; exit 1
fi
grep -q "code block without a marking" "$work/unmarked.log" ||
  { echo "FAIL: the unmarked block's message:"; cat "$work/unmarked.log"; exit 1; }

if [ $have_gcc = no ]; then
  echo "no riscv64-unknown-elf-gcc: the walkthrough's guest was not run: skipped"
  exit 77
fi
echo "OK: docs/plugins.md equals tests/sdk-sample/, its commands build and pass against the installed SDK, its fragments compile"
