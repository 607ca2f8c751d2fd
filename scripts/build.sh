#!/bin/bash
# build.sh [asan] - configure (once) and build into ./build; with "asan",
# the AddressSanitizer + UndefinedBehaviorSanitizer tree ./build-asan
# (clang, -DBB_SANITIZE=ON, -DBB_FUZZ=ON) that scripts/test runs the unit,
# device, board, loader, guest and fuzz tests in.  The sanitizer tree does
# not treat warnings as errors: clang warns about things gcc does not, and
# the gcc tree is the one that enforces -Werror.
set -eu
cd "$(dirname "$0")/.."
case "${1:-}" in
  "")
    [ -f build/build.ninja ] || cmake -S . -B build -G Ninja
    cmake --build build ;;
  asan)
    # BB_FUZZ: the libFuzzer harnesses (docs/fuzzing.md); also turned on
    # in a tree configured before they existed.
    if [ ! -f build-asan/build.ninja ]; then
      CC=clang cmake -S . -B build-asan -G Ninja -DBB_SANITIZE=ON \
                     -DBB_WERROR=OFF -DBB_FUZZ=ON
    elif ! grep -q "^BB_FUZZ:BOOL=ON" build-asan/CMakeCache.txt; then
      cmake -B build-asan -DBB_FUZZ=ON > /dev/null
    fi
    cmake --build build-asan ;;
  *)
    echo "usage: scripts/build.sh [asan]" >&2; exit 2 ;;
esac
