#!/bin/bash
# deps.sh - install the Debian 12 packages Breadboard needs to build and
# test, if any are missing.  Safe to run repeatedly; does nothing when all
# are present.  Uses sudo when not run as root.
set -eu
packages=(
  build-essential cmake ninja-build pkg-config perl binutils
  libglib2.0-dev libyaml-dev libfdt-dev libcmocka-dev libjson-glib-dev
  libelf-dev device-tree-compiler valgrind libcapstone-dev
  libzstd-dev zlib1g-dev  # snapshots: RAM pages (zstd), record CRC-32 (zlib)
  clang libclang-rt-dev
  gcc-riscv64-unknown-elf binutils-riscv64-unknown-elf
  picolibc-riscv64-unknown-elf
  python3  # tests/monitor: the QMP tests are a standard-library script
  opensbi u-boot-qemu
  qemu-system-misc
  graphviz
  gdb-multiarch
  gcc-riscv64-linux-gnu libc6-dev-riscv64-cross linux-source-6.1
  flex bison bc xz-utils cpio python3 gnuplot-nox
)
# libelf-dev: the plugin scan reads descriptors from the ELF files.
# clang, libclang-rt-dev (its sanitizer runtimes): the AddressSanitizer +
# UBSan build of scripts/test (build-asan).
# opensbi, u-boot-qemu: the firmware the riscv-virt board boots by default.
# qemu-system-misc: the oracle of the differential tests and the peer in
# bench/ -- never used by breadboard itself.
# graphviz: `dot`, which the tests run on `describe --format dot` output.
# gdb-multiarch: the debugger the gdbstub tests drive (tests/gdbstub).
# gcc-riscv64-linux-gnu, libc6-dev-riscv64-cross, linux-source-6.1, flex,
# bison, bc, xz-utils: the project-built Linux guest and its static /init
# (scripts/guests/build-kernel.sh); cpio: the busybox initramfs of
# Debian's kernel (scripts/guests/fetch-debian.sh); python3: the Linux
# console tests; gnuplot-nox: the chart of bench/run-all.
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$p")
done
[ ${#missing[@]} = 0 ] && exit 0
echo "deps: installing ${missing[*]}"
sudo=""
[ "$(id -u)" = 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
