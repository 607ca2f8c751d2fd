#!/bin/bash
# fetch-debian.sh [--path] - fetch Debian 13 (trixie)'s own riscv64 Linux
# kernel and busybox-static and make a busybox initramfs for them.
#
# apt runs with a private configuration (its own sources list, package
# lists, cache and architecture, all in a temporary directory that is
# removed on exit), so the system's apt and dpkg state is never touched:
# no `dpkg --add-architecture`, no root needed.  The only source is
# `deb [arch=riscv64] <this machine's Debian mirror> trixie main`.
# The exact linux-image-<version>-riscv64 package is what the
# linux-image-riscv64 metapackage depends on today.
#
# Output, in $cache/debian-<kernel package version>/:
#   Image          the kernel (the package's boot/vmlinux-*, which is a
#                  RISC-V Linux Image: checked)
#   initrd.gz      cpio newc + gzip: /bin/busybox, its applet links,
#                  busybox init as /init (an rcS that mounts proc, sys
#                  and dev, a shell on the console); `poweroff` powers off
#   VERSION        the kernel and busybox package versions
# and $cache/debian-<hash of this script> -> that directory.  Nothing is fetched when the
# products exist (delete them, or set BB_DEBIAN_REFRESH=1, to refetch).
# --path prints the directory without fetching.
set -eu -o pipefail
. "$(dirname "$0")/common.sh"

# Products are keyed by this script's hash too (it holds the recipe).
recipe=$(hash_of "$0")
link=$bb_cache/debian-$recipe
if [ "${1:-}" = --path ]; then echo "$link"; exit 0; fi
if [ -z "${BB_DEBIAN_REFRESH:-}" ] && [ -f "$link/Image" ] && [ -f "$link/initrd.gz" ]; then
  echo "$link"; exit 0
fi
need_cmd apt-get apt
need_cmd dpkg-deb dpkg
need_cmd cpio cpio
need_cmd gzip gzip
bb_lock debian

# The mirror the machine already uses (deb822 .sources or one-line .list).
mirror=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
         awk '/^URIs:/ && $2 ~ /debian\/?$/ {print $2; exit}')
[ -n "$mirror" ] || mirror=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
         awk '$1 == "deb" && $0 !~ /security/ {for (i = 2; i <= NF; i++) if ($i ~ /^(https?|file):/) {print $i; exit}}')
[ -n "$mirror" ] || die "no Debian mirror found in /etc/apt/sources.list*"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"   # apt downloads as the unprivileged _apt user
mkdir -p "$tmp/lists/partial" "$tmp/cache/archives/partial" "$tmp/parts" "$tmp/prefs"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
[ -f "$keyring" ] || die "$keyring missing: install debian-archive-keyring"
echo "deb [arch=riscv64 signed-by=$keyring] $mirror trixie main" > "$tmp/sources.list"
apt_opts=(-o Dir::Etc::SourceList="$tmp/sources.list"
          -o Dir::Etc::SourceParts="$tmp/parts"
          -o Dir::Etc::Preferences="$tmp/prefs/none"
          -o Dir::Etc::PreferencesParts="$tmp/prefs"
          -o Dir::State::Lists="$tmp/lists"
          -o Dir::Cache="$tmp/cache"
          -o APT::Architecture=riscv64 -o APT::Architectures::=riscv64
          -o Debug::NoLocking=1)
note "reading trixie's riscv64 package list from $mirror"
apt-get -qq "${apt_opts[@]}" update > "$tmp/update.log" 2>&1 ||
  { cat "$tmp/update.log" >&2; die "apt-get update of $mirror trixie (riscv64) failed"; }

# linux-image-riscv64 (the metapackage) -> linux-image-<abi>-riscv64.
kpkg=$(apt-cache "${apt_opts[@]}" depends linux-image-riscv64 2>/dev/null |
       awk '/Depends: linux-image-[0-9].*-riscv64$/ {print $2; exit}')
[ -n "$kpkg" ] || die "cannot resolve linux-image-riscv64 in trixie"
kversion=$(apt-cache "${apt_opts[@]}" show "$kpkg" | awk '/^Version:/ {print $2; exit}')
bversion=$(apt-cache "${apt_opts[@]}" show busybox-static | awk '/^Version:/ {print $2; exit}')
[ -n "$kversion" ] && [ -n "$bversion" ] || die "cannot find versions of $kpkg / busybox-static"

out=$bb_cache/debian-$kversion-busybox-${bversion#*:}-$recipe
if [ ! -f "$out/Image" ] || [ ! -f "$out/initrd.gz" ]; then
  note "downloading $kpkg $kversion and busybox-static $bversion"
  (cd "$tmp" && apt-get -qq "${apt_opts[@]}" download "$kpkg" busybox-static) ||
    die "apt-get download of $kpkg busybox-static failed"
  rm -rf "$out.tmp"
  mkdir -p "$out.tmp"
  dpkg-deb -x "$tmp"/linux-image-*_riscv64.deb "$tmp/k"
  dpkg-deb -x "$tmp"/busybox-static_*_riscv64.deb "$tmp/b"
  vmlinux=$(ls "$tmp"/k/boot/vmlinux-* | head -n 1)
  [ -f "$vmlinux" ] || die "$kpkg has no boot/vmlinux-*"
  # A RISC-V Image carries "RSC\x05" at byte 56; an ELF vmlinux would not boot.
  [ "$(dd if="$vmlinux" bs=1 skip=56 count=4 2>/dev/null | od -An -c | tr -d ' ')" = RSC005 ] ||
    die "$vmlinux is not a RISC-V Linux Image"
  cp "$vmlinux" "$out.tmp/Image"

  # The initramfs tree.
  r=$tmp/root
  mkdir -p "$r"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,root,etc}
  bbin=
  for f in "$tmp"/b/usr/bin/busybox "$tmp"/b/bin/busybox; do
    [ -f "$f" ] && bbin=$f
  done
  [ -n "$bbin" ] || die "busybox-static has no bin/busybox"
  cp "$bbin" "$r/bin/busybox"
  # Applet links: busybox is a riscv64 binary that is not run here (its
  # --list is out of reach), so the list is fixed: a shell, init and the
  # tools the docs and tests use; `busybox APPLET` reaches the others.
  applets="sh ash cat ls mount umount uname poweroff reboot halt echo dmesg
           ps top free df mkdir rm cp mv ln grep sed head tail sleep date
           hwclock cut wc vi less more sync env true false uptime hostname
           lspci devmem find xargs sort which stty tty clear setsid cttyhack init"
  for a in $applets; do ln -s busybox "$r/bin/$a"; done
  # /init is busybox's init (PID 1), so `poweroff` (which signals PID 1)
  # works as on a real system; rcS mounts the pseudo file systems and
  # prints a marker line; the shell is respawned on the console's real
  # tty (cttyhack), with job control.
  ln -s bin/busybox "$r/init"
  mkdir -p "$r/etc/init.d"
  cat > "$r/etc/inittab" <<'TAB'
::sysinit:/etc/init.d/rcS
::respawn:/bin/cttyhack /bin/sh -l
::shutdown:/bin/umount -a -r
TAB
  cat > "$r/etc/init.d/rcS" <<'RCS'
#!/bin/sh
mount -t devtmpfs devtmpfs /dev
mount -t proc proc /proc
mount -t sysfs sysfs /sys
echo "BUSYBOX-INIT: $(uname -r) on $(grep -c ^processor /proc/cpuinfo) harts"
RCS
  chmod 755 "$r/etc/init.d/rcS"
  printf 'PS1="~ # "\nexport PS1\n' > "$r/etc/profile"
  (cd "$r" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) | gzip -9 -n > "$out.tmp/initrd.gz"
  printf 'kernel %s %s\nbusybox-static %s\n' "$kpkg" "$kversion" "$bversion" > "$out.tmp/VERSION"
  rm -rf "$out"
  mv "$out.tmp" "$out"
fi
ln -sfn "${out##*/}" "$link"
echo "$link"
