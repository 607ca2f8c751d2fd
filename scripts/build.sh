#!/bin/bash
# build.sh [asan] - configure (once) and build into ./build; with "asan",
# the AddressSanitizer + UndefinedBehaviorSanitizer tree ./build-asan
# (clang, -DBB_SANITIZE=ON) that scripts/test runs the unit, device, board,
# loader and guest tests in.  The sanitizer tree does not treat warnings as
# errors: clang warns about things gcc does not, and the gcc tree is the
# one that enforces -Werror.
set -eu
cd "$(dirname "$0")/.."
case "${1:-}" in
  "")
    [ -f build/build.ninja ] || cmake -S . -B build -G Ninja
    cmake --build build ;;
  asan)
    [ -f build-asan/build.ninja ] ||
      CC=clang cmake -S . -B build-asan -G Ninja -DBB_SANITIZE=ON \
                     -DBB_WERROR=OFF
    cmake --build build-asan ;;
  *)
    echo "usage: scripts/build.sh [asan]" >&2; exit 2 ;;
esac
