#!/bin/bash
# build.sh - configure (once) and build into ./build.
set -eu
cd "$(dirname "$0")/.."
[ -f build/build.ninja ] || cmake -S . -B build -G Ninja
cmake --build build
