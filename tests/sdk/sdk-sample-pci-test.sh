#!/bin/bash
# sdk-sample-pci-test.sh SOURCE_DIR BUILD_DIR WORK_DIR
# The out-of-tree PCI path end to end: install the build into a scratch
# prefix, build tests/sdk-sample-pci (the pci-counter device) as a
# separate CMake project with find_package(Breadboard), and again by hand
# with pkg-config.  Its device tests (a script on the installed
# mmio-tester and a C test of devtest.h, both on a board with the
# installed ECAM host bridge, reaching the device through configuration
# space and its BAR only) must pass - and fail in a copy whose expected
# values were changed.  The installed `breadboard` must list the plugin
# and put another one on the test board's PCI bus with --device.
set -eu
src=$1 build=$2 work=$3
rm -rf "$work"; mkdir -p "$work"
prefix=$work/prefix
cmake --install "$build" --prefix "$prefix" > "$work/install.log"
for f in include/breadboard/pci.h lib/breadboard/plugins/gpex.so lib/breadboard/plugins/mmiotest.so; do
  [ -e "$prefix/$f" ] || { echo "FAIL: install lacks $f"; exit 1; }
done

sample_ctest() { # BUILD_DIR: run the sample's tests, output in ctest.log
  env -u BREADBOARD_PLUGIN_PATH ctest --test-dir "$1" --output-on-failure \
    > "$1/ctest.log" 2>&1
}
build_sample() { # SRC BUILD
  cmake -S "$1" -B "$2" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" \
        > "$2.configure.log" 2>&1 &&
    cmake --build "$2" > "$2.build.log" 2>&1 ||
    { echo "FAIL: building $1:"; cat "$2".*.log; exit 1; }
}

# 1. CMake package; the tests pass.
build_sample "$src/tests/sdk-sample-pci" "$work/cmake-build"
[ -f "$work/cmake-build/pci-counter.so" ] ||
  { echo "FAIL: pci-counter.so not built"; exit 1; }
sample_ctest "$work/cmake-build" ||
  { echo "FAIL: the sample's tests:"; cat "$work/cmake-build/ctest.log"; exit 1; }
grep -q "100% tests passed, 0 tests failed out of 2" "$work/cmake-build/ctest.log" ||
  { echo "FAIL: expected 2 sample tests:"; cat "$work/cmake-build/ctest.log"; exit 1; }

# 2. ...and fail when what they expect is wrong.
cp -r "$src/tests/sdk-sample-pci" "$work/broken-src"
sed -i 's/^read 0x4000_0000 4 0x5043_4e31 /read 0x4000_0000 4 0x5043_4e32 /' \
    "$work/broken-src/tests/counter.script"
sed -i 's/assert_int_equal(rd(&f, RAM + 0x108, 8), 0x0c0b0a09);/assert_int_equal(rd(\&f, RAM + 0x108, 8), 0x100f0e0d0c0b0a09);/' \
    "$work/broken-src/tests/counter-test.c"
for f in tests/counter.script tests/counter-test.c; do
  cmp -s "$src/tests/sdk-sample-pci/$f" "$work/broken-src/$f" &&
    { echo "FAIL: could not break $f"; exit 1; }
done
build_sample "$work/broken-src" "$work/broken-build"
if sample_ctest "$work/broken-build"; then
  echo "FAIL: the broken sample's tests passed:"
  cat "$work/broken-build/ctest.log"; exit 1
fi
for t in pci-counter-script pci-counter-c; do
  grep -qE "^[[:space:]]*[0-9]+ - $t \(Failed\)" "$work/broken-build/ctest.log" ||
    { echo "FAIL: $t did not fail in the broken copy:"; cat "$work/broken-build/ctest.log"; exit 1; }
done
grep -q "dma_copies_as_bus_master" "$work/broken-build/ctest.log" ||
  { echo "FAIL: the C test's failure is not reported:"; cat "$work/broken-build/ctest.log"; exit 1; }

# 3. pkg-config
mkdir -p "$work/pc-build"
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
cc -shared -fPIC -fvisibility=hidden -Wall -Werror \
   -o "$work/pc-build/pci-counter.so" \
   "$src/tests/sdk-sample-pci/pci-counter.c" \
   $(pkg-config --cflags --libs breadboard)

run() {
  env -u BREADBOARD_PLUGIN_PATH "$prefix/bin/breadboard" "$@"
}
for dir in "$work/cmake-build" "$work/pc-build"; do
  out=$(run plugins --plugin-dir "$dir")
  echo "$out" | grep -qE "^pci-counter +1\.0\.0 " ||
    { echo "FAIL: plugins does not list pci-counter 1.0.0:"; echo "$out"; exit 1; }
  # A second one on the test board's bus with --device, in slot 2.
  out=$(run describe "$src/tests/sdk-sample-pci/tests/counter.yaml" \
            --plugin-dir "$dir" \
            --set devices.tester.script="$src/tests/sdk-sample-pci/tests/counter.script" \
            --device pci-counter,id=counter2,bus=pcie0,slot=2,tick-ns=100 2>&1) ||
    { echo "FAIL: describe with --device:"; echo "$out"; exit 1; }
  echo "$out" | grep -qF "counter2 (pci-counter) tick-ns=100" ||
    { echo "FAIL: describe does not show the device:"; echo "$out"; exit 1; }
done
echo "OK: pci-counter built with CMake and pkg-config against the installed SDK; its device tests pass (and can fail)"
