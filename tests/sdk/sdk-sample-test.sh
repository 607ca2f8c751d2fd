#!/bin/bash
# sdk-sample-test.sh SOURCE_DIR BUILD_DIR WORK_DIR
# The out-of-tree path end to end: install the build into a scratch prefix,
# build tests/sdk-sample as a separate CMake project with
# find_package(Breadboard), build it again by hand with pkg-config, and
# have the installed `breadboard` load each build through a board file.
# The sample's own tests (a script and a C device test registered with the
# installed breadboard_add_device_test(), and a bare-metal guest on
# sample-board.yaml) must pass under ctest in its build - and fail in a
# copy whose expected values were changed, so they can fail.  The guest's
# console and the timer's device-tree node are checked too.
set -eu
src=$1 build=$2 work=$3
rm -rf "$work"; mkdir -p "$work"
prefix=$work/prefix
cmake --install "$build" --prefix "$prefix" > "$work/install.log"

for f in include/breadboard/breadboard.h lib/libbreadboard.so \
         lib/cmake/Breadboard/BreadboardConfig.cmake \
         lib/cmake/Breadboard/BreadboardConfigVersion.cmake \
         lib/pkgconfig/breadboard.pc bin/breadboard \
         share/breadboard/boards/riscv-virt.yaml \
         include/breadboard/devtest.h lib/breadboard/plugins/mmiotest.so \
         lib/cmake/Breadboard/BreadboardDeviceTest.cmake \
         lib/cmake/Breadboard/breadboard-device-test-run.cmake; do
  [ -e "$prefix/$f" ] || { echo "FAIL: install lacks $f"; exit 1; }
done

# One version story (docs/abi.md): SONAME, CMake package and pkg-config
# file all carry the ABI version of abi.h.
abi_h=$src/plugin-api/include/breadboard/abi.h
major=$(sed -n 's/^#define BB_ABI_MAJOR \([0-9]*\).*/\1/p' "$abi_h")
minor=$(sed -n 's/^#define BB_ABI_MINOR \([0-9]*\).*/\1/p' "$abi_h")
soname=$(readelf -dW "$prefix/lib/libbreadboard.so" |
         sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
[ "$soname" = "libbreadboard.so.$major" ] ||
  { echo "FAIL: SONAME is '$soname', expected libbreadboard.so.$major"; exit 1; }
pcver=$(PKG_CONFIG_PATH=$prefix/lib/pkgconfig pkg-config --modversion breadboard)
[[ $pcver == "$major.$minor."* ]] ||
  { echo "FAIL: breadboard.pc version is $pcver, expected $major.$minor.*"; exit 1; }
grep -qF "set(PACKAGE_VERSION \"$major.$minor." \
     "$prefix/lib/cmake/Breadboard/BreadboardConfigVersion.cmake" ||
  { echo "FAIL: BreadboardConfigVersion.cmake does not carry ABI $major.$minor"; exit 1; }
# A request for another major is refused by the package version file.
mkdir -p "$work/other-major"
cat > "$work/other-major/CMakeLists.txt" <<EOF2
cmake_minimum_required(VERSION 3.16)
project(other_major LANGUAGES NONE)
find_package(Breadboard $((major + 1)).0 REQUIRED)
EOF2
if cmake -S "$work/other-major" -B "$work/other-major/build" \
         -DCMAKE_PREFIX_PATH="$prefix" > "$work/other-major.log" 2>&1; then
  echo "FAIL: find_package(Breadboard $((major + 1)).0) accepted ABI $major.$minor"; exit 1
fi

# 1. CMake package
cmake -S "$src/tests/sdk-sample" -B "$work/cmake-build" -G Ninja \
      -DCMAKE_PREFIX_PATH="$prefix" > "$work/configure.log" 2>&1 ||
  { cat "$work/configure.log"; exit 1; }
cmake --build "$work/cmake-build" > "$work/build.log" 2>&1 ||
  { cat "$work/build.log"; exit 1; }
[ -f "$work/cmake-build/sample-timer.so" ] ||
  { echo "FAIL: sample plugin not built"; exit 1; }
readelf -dW "$work/cmake-build/sample-timer.so" |
  grep -qF "Shared library: [libbreadboard.so.$major]" ||
  { echo "FAIL: sample plugin does not link libbreadboard.so.$major"; exit 1; }

# 1b. Its tests, with the installed harness: the script and C device
# tests and the guest on sample-board.yaml (which skips, and only it,
# without riscv64-unknown-elf-gcc).
sample_ctest() { # BUILD_DIR: run the sample's tests, output in ctest.log
  env -u BREADBOARD_PLUGIN_PATH ctest --test-dir "$1" --output-on-failure \
    > "$1/ctest.log" 2>&1
}
sample_ctest "$work/cmake-build" ||
  { echo "FAIL: the sample's tests:"; cat "$work/cmake-build/ctest.log"; exit 1; }
if [ ! -f "$work/cmake-build/guest.elf" ]; then
  # CMake found no riscv64-unknown-elf-gcc: the guest's test skips.
  echo "no riscv64-unknown-elf-gcc: the sample guest is skipped"
  grep -qE "sample-guest .*Skipped" "$work/cmake-build/ctest.log" ||
    { echo "FAIL: sample-guest not skipped:"; cat "$work/cmake-build/ctest.log"; exit 1; }
fi
grep -q "100% tests passed, 0 tests failed out of 3" "$work/cmake-build/ctest.log" ||
  { echo "FAIL: expected 3 sample tests:"; cat "$work/cmake-build/ctest.log"; exit 1; }

run() {
  env -u BREADBOARD_PLUGIN_PATH "$prefix/bin/breadboard" "$@"
}
# The guest's console and exit status, run by hand as the doc says.
if [ -f "$work/cmake-build/guest.elf" ]; then
  out=$(run run --icount --plugin-dir "$work/cmake-build" \
            "$src/tests/sdk-sample/sample-board.yaml" \
            --bios "$work/cmake-build/guest.elf" --set boot.kernel= 2>&1) ||
    { echo "FAIL: the sample guest exited $?:"; echo "$out"; exit 1; }
  want="sample-guest: start
interrupt 1 after 1000 ticks
interrupt 2 after 1000 ticks
interrupt 3 after 1000 ticks
sample-guest: PASS"
  [ "$(echo "$out" | tr -d '\r')" = "$want" ] ||
    { echo "FAIL: the sample guest's console:"; echo "$out"; exit 1; }
fi
# Its device-tree node, with the PLIC as its interrupt parent.
run dtb --plugin-dir "$work/cmake-build" -o "$work/sample.dtb" \
    "$src/tests/sdk-sample/sample-board.yaml" > "$work/dtb.log" 2>&1 ||
  { echo "FAIL: breadboard dtb:"; cat "$work/dtb.log"; exit 1; }
if command -v fdtget > /dev/null; then
  node=/soc/timer@10010000
  plic=$(fdtget -t x "$work/sample.dtb" /soc/plic@c000000 phandle)
  for want in "compatible=breadboard,sample-timer" "reg=0 10010000 0 1000" \
              "interrupts=c" "interrupt-parent=$plic"; do
    prop=${want%%=*}
    t=x; [ "$prop" = compatible ] && t=s
    got=$(fdtget -t $t "$work/sample.dtb" $node "$prop" 2>&1)
    [ "$prop=$got" = "$want" ] ||
      { echo "FAIL: $node $prop is '$got', expected '${want#*=}'"; exit 1; }
  done
fi

# ...which fail when what they expect is wrong.
cp -r "$src/tests/sdk-sample" "$work/broken-src"
sed -i 's/^read 0x1001_0004 4 50 /read 0x1001_0004 4 49 /' \
    "$work/broken-src/tests/timer.script"
sed -i 's|wr(&f, LOAD, 10);   /\* 1000 ns \*/|wr(\&f, LOAD, 11);|' \
    "$work/broken-src/tests/timer-test.c"
sed -i 's/ns-per-tick: 100}/ns-per-tick: 200}/' \
    "$work/broken-src/sample-board.yaml"
for f in tests/timer.script tests/timer-test.c sample-board.yaml; do
  cmp -s "$src/tests/sdk-sample/$f" "$work/broken-src/$f" &&
    { echo "FAIL: could not break $f"; exit 1; }
done
cmake -S "$work/broken-src" -B "$work/broken-build" -G Ninja \
      -DCMAKE_PREFIX_PATH="$prefix" > "$work/broken-configure.log" 2>&1 &&
  cmake --build "$work/broken-build" > "$work/broken-build.log" 2>&1 ||
  { echo "FAIL: building the broken sample copy:"; cat "$work"/broken-*.log; exit 1; }
if sample_ctest "$work/broken-build"; then
  echo "FAIL: the broken sample's tests passed:"
  cat "$work/broken-build/ctest.log"; exit 1
fi
broken_tests="sample-timer-script sample-timer-c"
[ -f "$work/broken-build/guest.elf" ] && broken_tests+=" sample-guest"
for t in $broken_tests; do
  grep -qE "^[[:space:]]*[0-9]+ - $t \(Failed\)" "$work/broken-build/ctest.log" ||
    { echo "FAIL: $t did not fail in the broken copy:"; cat "$work/broken-build/ctest.log"; exit 1; }
done
grep -q "timer.script:6: read 0x1001_0004 4 49: expected 0x31 got 0x32" \
    "$work/broken-build/ctest.log" ||
  { echo "FAIL: the script failure is not reported:"; cat "$work/broken-build/ctest.log"; exit 1; }
if [ -f "$work/broken-build/guest.elf" ]; then
  grep -q "check 14 failed: period in mtime ticks <= 1010" \
      "$work/broken-build/ctest.log" ||
    { echo "FAIL: the guest failure is not reported:"; cat "$work/broken-build/ctest.log"; exit 1; }
fi

# 2. pkg-config
mkdir -p "$work/pc-build"
PKG_CONFIG_PATH=$prefix/lib/pkgconfig
export PKG_CONFIG_PATH
cc -shared -fPIC -fvisibility=hidden -o "$work/pc-build/sample-timer.so" \
   "$src/tests/sdk-sample/sample-timer.c" \
   $(pkg-config --cflags --libs breadboard)

for dir in "$work/cmake-build" "$work/pc-build"; do
  out=$(run describe "$src/tests/sdk-sample/sample-board.yaml" \
            --plugin-dir "$dir" 2>&1) ||
    { echo "FAIL: describe with $dir:"; echo "$out"; exit 1; }
  for want in "sample-timer" "stimer" "0x0000000010010000"; do
    echo "$out" | grep -qF "$want" ||
      { echo "FAIL: describe output lacks '$want':"; echo "$out"; exit 1; }
  done
  out=$(run plugins --plugin-dir "$dir")
  echo "$out" | grep -qE "^sample-timer +1\.0\.0 " ||
    { echo "FAIL: plugins does not list sample-timer 1.0.0:"; echo "$out"; exit 1; }
done
# The installed breadboard finds its own (installed) plugin directory.
run plugins | grep -qF "Search path: $(cd "$prefix" && pwd)/lib/breadboard/plugins (install prefix)" ||
  { echo "FAIL: installed breadboard does not search its prefix:"; run plugins; exit 1; }
echo "OK: sample plugin built with CMake and pkg-config, loaded by a board, its device tests and guest pass (and can fail)"
