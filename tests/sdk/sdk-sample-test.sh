#!/bin/bash
# sdk-sample-test.sh SOURCE_DIR BUILD_DIR WORK_DIR
# The out-of-tree path end to end: install the build into a scratch prefix,
# build tests/sdk-sample as a separate CMake project with
# find_package(Breadboard), build it again by hand with pkg-config, and
# have the installed `breadboard` load each build through a board file.
# The sample's own device tests (tests/sdk-sample/tests: a script test and
# a C test registered with the installed breadboard_add_device_test())
# must pass under ctest in its build - and fail in a copy whose expected
# values were changed, so they can fail.
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
[ -f "$work/cmake-build/sample-blinker.so" ] ||
  { echo "FAIL: sample plugin not built"; exit 1; }
readelf -dW "$work/cmake-build/sample-blinker.so" |
  grep -qF "Shared library: [libbreadboard.so.$major]" ||
  { echo "FAIL: sample plugin does not link libbreadboard.so.$major"; exit 1; }

# 1b. Its device tests, with the installed harness.
sample_ctest() { # BUILD_DIR: run the sample's tests, output in ctest.log
  env -u BREADBOARD_PLUGIN_PATH ctest --test-dir "$1" --output-on-failure \
    > "$1/ctest.log" 2>&1
}
sample_ctest "$work/cmake-build" ||
  { echo "FAIL: the sample's device tests:"; cat "$work/cmake-build/ctest.log"; exit 1; }
grep -q "100% tests passed, 0 tests failed out of 2" "$work/cmake-build/ctest.log" ||
  { echo "FAIL: expected 2 sample device tests:"; cat "$work/cmake-build/ctest.log"; exit 1; }
# ...which fail when what they expect is wrong.
cp -r "$src/tests/sdk-sample" "$work/broken-src"
sed -i 's/^irq 0 0/irq 0 1/' "$work/broken-src/tests/blinker.script"
sed -i 's/period-ms: 250}/period-ms: 251}/' "$work/broken-src/tests/blinker-test.c"
cmake -S "$work/broken-src" -B "$work/broken-build" -G Ninja \
      -DCMAKE_PREFIX_PATH="$prefix" > "$work/broken-configure.log" 2>&1 &&
  cmake --build "$work/broken-build" > "$work/broken-build.log" 2>&1 ||
  { echo "FAIL: building the broken sample copy:"; cat "$work"/broken-*.log; exit 1; }
if sample_ctest "$work/broken-build"; then
  echo "FAIL: the broken sample's device tests passed:"
  cat "$work/broken-build/ctest.log"; exit 1
fi
for t in sample-blinker-script sample-blinker-c; do
  grep -qE "^[[:space:]]*[0-9]+ - $t \(Failed\)" "$work/broken-build/ctest.log" ||
    { echo "FAIL: $t did not fail in the broken copy:"; cat "$work/broken-build/ctest.log"; exit 1; }
done
grep -q "blinker.script:3: irq 0 1: expected 0x1 got 0x0" "$work/broken-build/ctest.log" ||
  { echo "FAIL: the script failure is not reported:"; cat "$work/broken-build/ctest.log"; exit 1; }

# 2. pkg-config
mkdir -p "$work/pc-build"
PKG_CONFIG_PATH=$prefix/lib/pkgconfig
export PKG_CONFIG_PATH
cc -shared -fPIC -fvisibility=hidden -o "$work/pc-build/sample-blinker.so" \
   "$src/tests/sdk-sample/sample-blinker.c" \
   $(pkg-config --cflags --libs breadboard)

run() {
  env -u BREADBOARD_PLUGIN_PATH "$prefix/bin/breadboard" "$@"
}
for dir in "$work/cmake-build" "$work/pc-build"; do
  out=$(run describe "$src/tests/sdk-sample/sample-board.yaml" \
            --plugin-dir "$dir" 2>&1) ||
    { echo "FAIL: describe with $dir:"; echo "$out"; exit 1; }
  for want in "sample-blinker" "blinker0" "0x0000000010000000"; do
    echo "$out" | grep -qF "$want" ||
      { echo "FAIL: describe output lacks '$want':"; echo "$out"; exit 1; }
  done
  out=$(run plugins --plugin-dir "$dir")
  echo "$out" | grep -qE "^sample-blinker +0\.3\.0 " ||
    { echo "FAIL: plugins does not list sample-blinker 0.3.0:"; echo "$out"; exit 1; }
done
# The installed breadboard finds its own (installed) plugin directory.
run plugins | grep -qF "Search path: $(cd "$prefix" && pwd)/lib/breadboard/plugins (install prefix)" ||
  { echo "FAIL: installed breadboard does not search its prefix:"; run plugins; exit 1; }
echo "OK: sample plugin built with CMake and pkg-config, loaded by a board, its device tests pass (and can fail)"
