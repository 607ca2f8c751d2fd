#!/bin/bash
# corrupt-test.sh BREADBOARD GOOD_PLUGIN WORKDIR
# The plugin scan reads descriptors straight from ELF files, so a corrupt
# or hostile file must give a clean refusal, never a crash or a read out of
# bounds (run under valgrind or an ASan build to catch the latter).  Builds
# a directory of damaged copies of a good plugin - truncated at many
# lengths, bytes overwritten at random in its headers, symbol and
# relocation tables and data, and relocations aimed outside the file - and
# checks that `breadboard plugins` scans them all, reports every file, and
# gives the expected reason for the targeted cases.
# $VALGRIND (a command prefix) runs breadboard under it.
set -u
bb=$1 good=$2 work=$3
rm -rf "$work"
mkdir -p "$work/c"
fail=0

# Where the interesting parts are, from binutils' readelf.
desc=$(readelf --dyn-syms -W "$good" |
       awk '$8 == "bb_plugin_descriptor" {print $2}')
[ -n "$desc" ] || { echo "FAIL: no descriptor symbol in $good"; exit 1; }
regions= rela=
while read -r name type addr off size rest; do
  case $name in
    .dynsym|.dynstr|.rela.dyn|.data.rel.ro|.rodata|.dynamic)
      regions+="$name $((16#$off)) $((16#$size))"$'\n' ;;
  esac
  [ "$name" = .rela.dyn ] && rela=$((16#$off))
done < <(readelf -SW "$good" | sed -n 's/^ *\[ *[0-9]*\] //p')
[ -n "$rela" ] || { echo "FAIL: no .rela.dyn in $good"; exit 1; }

GOOD=$good WORK=$work/c DESC=$desc RELA=$rela REGIONS=$regions perl -e '
use strict; use warnings;
my $img = do { local $/; open my $f, "<:raw", $ENV{GOOD} or die; <$f> };
my $size = length $img;
my $n = 0;
sub out { my ($name, $data) = @_;
  open my $f, ">:raw", "$ENV{WORK}/$name.so" or die; print $f $data; }
# Truncations: the headers, then every few bytes through the file.
for my $len (0, 1, 4, 15, 16, 52, 63, 64, 65, 100, 200, 0x200) {
  out(sprintf("trunc-%05d", $len), substr($img, 0, $len)); }
for (my $len = 0x200; $len < $size; $len += 131) {
  out(sprintf("trunc-%05d", $len), substr($img, 0, $len)); }
# Random overwrites inside each region and anywhere (fixed seeds).
my @regions = ([ "ehdr", 0, 0x40 ], [ "phdr", 0x40, 0x200 ], [ "all", 0, $size ]);
for (split /\n/, $ENV{REGIONS}) { my @r = split / /; push @regions, [ @r ]; }
for my $r (@regions) {
  my ($name, $off, $len) = @$r;
  for my $k (0 .. 39) {
    srand(1000 * $k + length $name);
    my $m = $img;
    my $count = 1 + int(rand(8));
    for (1 .. $count) {
      my $at = $off + int(rand($len));
      next if $at >= $size;
      substr($m, $at, 1) = chr(int(rand(256)));
    }
    (my $tag = $name) =~ s/\W//g;
    out(sprintf("flip-%s-%02d", $tag, $k), $m);
  }
}
# Relocations of the descriptor fields aimed elsewhere (by addend).
my $desc = hex $ENV{DESC};
my %fields = (name => 16, types => 56);
for (my $i = 0; $ENV{RELA} + 24 * ($i + 1) <= $size; $i++) {
  my $e = $ENV{RELA} + 24 * $i;
  my ($off, $info, $add) = unpack "Q<Q<q<", substr($img, $e, 24);
  last if !$off && !$info;
  for my $f (keys %fields) {
    next unless $off == $desc + $fields{$f};
    my $m = $img;
    substr($m, $e + 16, 8) = pack "q<", 1 << 46;
    out("far-$f", $m);
    # The last byte of the file image: a string with no terminator.
    $m = $img;
    substr($m, $e + 16, 8) = pack "q<", -1;
    out("neg-$f", $m);
  }
}
' || { echo "FAIL: could not build the corrupt files"; exit 1; }

count=$(ls "$work/c" | wc -l)
out=$(env -u BREADBOARD_PLUGIN_PATH ${VALGRIND:-} "$bb" plugins \
      --plugin-dir "$work/c" 2>&1)
status=$?
if [ $status != 0 ]; then
  echo "FAIL: breadboard plugins exited with status $status"; fail=1
fi
if printf '%s\n' "$out" | grep -qE 'AddressSanitizer|runtime error|LeakSanitizer|==[0-9]+=='; then
  echo "FAIL: sanitizer or valgrind report"; fail=1
fi
# Every file is listed, usable or refused.
for f in "$work"/c/*.so; do
  grep -qF -- "$f" <<<"$out" || { echo "FAIL: $f not reported"; fail=1; }
done
expect() {
  grep -qxF -- "  $work/c/$1.so: $2" <<<"$out" ||
    { echo "FAIL: $1: expected '$2'"; fail=1; }
}
expect trunc-00000 "cannot load plugin: $work/c/trunc-00000.so: file too short"
expect trunc-00063 "cannot load plugin: $work/c/trunc-00063.so: file too short"
expect trunc-00064 "cannot load plugin: $work/c/trunc-00064.so: cannot read program headers"
expect far-name "malformed plugin descriptor: field 'name' points outside the file's segments"
expect far-types "malformed plugin descriptor: field 'types[]' lies outside the file's segments"
expect neg-name "malformed plugin descriptor: field 'name' points outside the file's segments"
if [ $fail != 0 ]; then
  printf '%s\n' "$out" | grep -vF "is already provided by"
else
  echo "OK: $count corrupt copies scanned and refused cleanly"
fi
exit $fail
