#!/bin/bash
# build-kernel.sh [--path] - build the project's Linux guest: Debian's
# linux-source-6.1 configured with tests/linux/breadboard.config (merged
# onto tinyconfig) for riscv64 with gcc-riscv64-linux-gnu, its initramfs
# built in, holding our C /init (tests/linux/init/init.c, static against
# glibc from libc6-dev-riscv64-cross).
#
# Output: $cache/project-<hash>/Image (+ .config, init, build.log), where
# <hash> covers the config fragment, the init sources and the kernel
# source package version, so the build runs once per change and the
# result is reused from then on (idempotent).  The object directory is
# kept per config ($cache/build/linux-<hash>), so a changed /init only
# relinks.  --path prints the Image path without building.
set -eu -o pipefail
. "$(dirname "$0")/common.sh"

frag=$bb_src/tests/linux/breadboard.config
init_dir=$bb_src/tests/linux/init
tarball=/usr/src/linux-source-6.1.tar.xz
kver=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null || true)

cfg_hash=$(echo "$kver" | cat - "$frag" | sha256sum | cut -c1-16)
all_hash=$(hash_of "$frag" "$init_dir"/*.[ch] \
                   "$bb_src/scripts/guests/build-kernel.sh" <(echo "$kver"))
out=$bb_cache/project-$all_hash
if [ "${1:-}" = --path ]; then echo "$out/Image"; exit 0; fi
if [ -f "$out/Image" ]; then echo "$out/Image"; exit 0; fi

[ -n "$kver" ] && [ -f "$tarball" ] ||
  die "$tarball missing: install Debian package linux-source-6.1 (scripts/deps.sh)"
need_cmd riscv64-linux-gnu-gcc gcc-riscv64-linux-gnu
need_cmd flex flex
need_cmd bison bison
need_cmd bc bc
[ -f /usr/riscv64-linux-gnu/lib/libc.a ] ||
  die "static glibc for riscv64 missing: install libc6-dev-riscv64-cross"
bb_lock kernel
[ -f "$out/Image" ] && { echo "$out/Image"; exit 0; }

# The source tree, unpacked once per package version.
src=$bb_cache/src/linux-source-$kver
if [ ! -f "$src/.bb-extracted" ]; then
  note "unpacking $tarball into $bb_cache/src (once)"
  rm -rf "$src" "$src.tmp"
  mkdir -p "$src.tmp"
  tar -xf "$tarball" -C "$src.tmp" || die "cannot unpack $tarball"
  mv "$src.tmp/linux-source-6.1" "$src"
  rmdir "$src.tmp"
  touch "$src/.bb-extracted"
fi

obj=$bb_cache/build/linux-$cfg_hash
mkdir -p "$obj" "$out.tmp"
log=$out.tmp/build.log
: > "$log"
kmake() {
  nice -n 10 make -C "$src" O="$obj" ARCH=riscv \
    CROSS_COMPILE=riscv64-linux-gnu- "$@" >> "$log" 2>&1 ||
    { tail -n 30 "$log" >&2; die "make $* failed (log: $log)"; }
}

# /init, and the gen_init_cpio list the kernel's usr/ build packs into the
# built-in initramfs (a /dev/console node so init has its stdio from the
# first instruction, before it mounts devtmpfs).
note "building /init"
riscv64-linux-gnu-gcc -static -O2 -Wall -Wextra -Werror -ffp-contract=off \
  -o "$out.tmp/init" "$init_dir"/*.c >> "$log" 2>&1 ||
  { cat "$log" >&2; die "building $init_dir failed"; }
cat > "$out.tmp/initramfs.list" <<LIST
dir /dev 0755 0 0
nod /dev/console 0600 0 0 c 5 1
dir /proc 0755 0 0
dir /sys 0755 0 0
file /init $out/init 0755 0 0
LIST

if [ ! -f "$obj/.bb-configured" ]; then
  note "configuring Linux $kver (tinyconfig + $frag)"
  kmake tinyconfig
  (cd "$obj" && "$src/scripts/kconfig/merge_config.sh" -m -O "$obj" \
      "$obj/.config" "$frag") >> "$log" 2>&1 || die "merge_config failed"
  kmake olddefconfig
  # Every option the fragment asks for must have survived olddefconfig
  # (a missing dependency silently drops it).
  missing=$(grep '^CONFIG_' "$frag" | while read -r line; do
    grep -qxF "$line" "$obj/.config" || echo "  $line"
  done)
  [ -z "$missing" ] || die "options not set after olddefconfig:
$missing"
  touch "$obj/.bb-configured"
fi
# The initramfs source is the one thing that differs between products of
# the same configuration.
"$src/scripts/config" --file "$obj/.config" \
  --set-str INITRAMFS_SOURCE "$out/initramfs.list"
kmake olddefconfig
grep -qxF "CONFIG_INITRAMFS_SOURCE=\"$out/initramfs.list\"" "$obj/.config" ||
  die "CONFIG_INITRAMFS_SOURCE did not take"

# The list names $out/init: move the products in place before building.
rm -rf "$out"
mv "$out.tmp" "$out"
log=$out/build.log
note "building the kernel (nice -n 10 make -j2; a few minutes, once)"
kmake -j2 Image
cp "$obj/arch/riscv/boot/Image" "$obj/.config" "$obj/System.map" "$out/"
# Sanity: a RISC-V Linux Image header ("RSC\x05" magic at byte 56).
[ "$(dd if="$out/Image" bs=1 skip=56 count=4 2>/dev/null | od -An -c | tr -d ' ')" = 'RSC005' ] ||
  die "$out/Image has no RISC-V Image header"
echo "$out/Image"
