#!/bin/bash
# abi-negative.sh CC INCLUDE_DIR WORK_DIR
# The ABI layout check must be able to fail, and fail precisely.  Each case
# copies the SDK headers, changes one thing in the copy, and runs
# abi-check.sh against a baseline made from the unchanged copy: inserting,
# reordering or resizing a member, growing a struct plugins embed, adding
# to a struct without padding or renumbering an enum must fail naming the
# struct and member; appending a member into reserved padding must pass.
# (A baseline of its own keeps this test independent of the committed one.)
set -u
cc=$1 inc=$2 work=$3
check=$(dirname "$0")/abi-check.sh
rm -rf "$work"
mkdir -p "$work"
cp -r "$inc" "$work/pristine"
"$check" "$cc" "$work/pristine" "$work/baseline.txt" "$work/pristine-build" \
  --update > /dev/null || { echo "FAIL: cannot make the baseline"; exit 1; }
fail=0
# the ABI version the headers declare (the OK line names it)
abi=$(sed -n 's/^#define BB_ABI_MAJOR \([0-9]*\).*/\1/p' "$inc/breadboard/abi.h").$(
      sed -n 's/^#define BB_ABI_MINOR \([0-9]*\).*/\1/p' "$inc/breadboard/abi.h")

# case NAME HEADER PERL-SUBSTITUTION WANT-EXIT WANT-LINE...
case_() {
  local name=$1 header=$2 subst=$3 want=$4
  shift 4
  local dir=$work/$name
  cp -r "$work/pristine" "$dir"
  if ! perl -0 -i -pe "$subst or die 'no match'" "$dir/breadboard/$header" \
       2>/dev/null; then
    echo "FAIL: $name: the change no longer applies to $header"; fail=1
    return
  fi
  local out status
  out=$("$check" "$cc" "$dir" "$work/baseline.txt" "$dir-build" 2>&1)
  status=$?
  local ok=1
  [ "$status" = "$want" ] || { echo "FAIL: $name: exit $status, expected $want"; ok=0; }
  for line in "$@"; do
    grep -qxF -- "$line" <<<"$out" ||
      { echo "FAIL: $name: missing line: $line"; ok=0; }
  done
  if [ $ok = 1 ]; then
    echo "ok: $name"
  else
    fail=1; echo "--- output:"; printf '%s\n' "$out"
  fi
}

regen="  cmake --build build --target abi-baseline"

case_ insert-member plugin.h \
  's/(\n(\s*)BbPluginInitFunc init;)/\n$2void *extra;$1/' 1 \
  "FAIL: struct BbPluginDescriptor: member 'extra' inserted at offset 48, outside the reserved padding: new members must be taken from the end, out of 'reserved'" \
  "FAIL: struct BbPluginDescriptor: member 'init' moved from offset 48 to 56" \
  "FAIL: struct BbPluginDescriptor: size changed from 128 to 136 (plugins embed or fill it: grow it only into its reserved padding)" \
  "$regen"

case_ append-into-reserved plugin.h \
  's/(\n(\s*))void \*reserved\[8\];(\n\} BbPluginDescriptor;)/$1void *extra;$1void *reserved[7];$3/' 0 \
  "note: struct BbPluginDescriptor: member 'extra' appended into the reserved padding" \
  "OK: layout compatible with the baseline (ABI $abi)"

case_ reorder plugin.h \
  's/(const char \*name;)(\s*)(const char \*version;)/$3$2$1/' 1 \
  "FAIL: struct BbPluginDescriptor: member 'name' moved from offset 16 to 24" \
  "FAIL: struct BbPluginDescriptor: member 'version' moved from offset 24 to 16"

case_ member-size memory.h \
  's/unsigned min_access_size;/uint64_t min_access_size;/' 1 \
  "FAIL: struct BbMemoryAccessRules: member 'min_access_size' changed size from 4 to 8" \
  "FAIL: struct BbMemoryAccessRules: size changed from 12 to 16 (plugins embed or fill it: grow it only into its reserved padding)" \
  "FAIL: struct BbMemoryOps: member 'valid' moved from offset 36 to 40"

case_ grow-embedded device.h \
  's/(struct BbDevice \{.*?void \*reserved\[4\];)/$1\n    void *extra;/s' 1 \
  "FAIL: struct BbDevice: member 'extra' inserted at offset 112, outside the reserved padding: new members must be taken from the end, out of 'reserved'" \
  "FAIL: struct BbDevice: size changed from 112 to 120 (plugins embed or fill it: grow it only into its reserved padding)" \
  "FAIL: struct BbMachine: member 'parent_obj' changed size from 112 to 120"

case_ no-padding object.h \
  's/(struct BbInterfaceInfo \{\s*const char \*type;)/$1\n    const char *extra;/' 1 \
  "FAIL: struct BbInterfaceInfo: member 'extra' added (offset 8) to a struct without reserved padding"

case_ enum-renumbered tcg.h \
  's/(BB_TCG_TYPE_VOID = 0,)/$1\n    BB_TCG_TYPE_I16,/' 1 \
  "FAIL: enum BbTcgType: value 'BB_TCG_TYPE_I32' changed from 1 to 2"

exit $fail
