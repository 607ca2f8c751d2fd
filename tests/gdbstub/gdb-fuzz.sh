#!/bin/bash
# gdb-fuzz.sh SRC_DIR WORK_DIR [RUNS]
# Builds the libFuzzer harness tests/fuzz/gdb-fuzz.c with clang
# (-fsanitize=fuzzer,address,undefined) against the stub's packet parser
# and runs it for RUNS inputs (default 200000) from a seed corpus of real
# GDB 13 packets; any crash, sanitizer report or broken invariant fails.
# Skips (77) when clang or its libFuzzer runtime is missing.
set -u
src=$1 work=$2 runs=${3:-200000}
command -v clang > /dev/null || { echo "SKIP: no clang"; exit 77; }
rm -rf "$work"; mkdir -p "$work/corpus"
if ! clang -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
     -g -O1 -I"$src/host" "$src/tests/fuzz/gdb-fuzz.c" \
     "$src/host/gdbstub/gdb-packet.c" $(pkg-config --cflags --libs glib-2.0) \
     -o "$work/gdb-fuzz" 2> "$work/build.log"; then
  if grep -q "libclang_rt.fuzzer\|cannot find" "$work/build.log"; then
    echo "SKIP: no libFuzzer runtime (libclang-rt-dev)"; exit 77
  fi
  cat "$work/build.log"; exit 1
fi
i=0
for pkt in 'qSupported:multiprocess+;swbreak+;hwbreak+;xmlRegisters=i386' \
           'vMustReplyEmpty' 'Hgp0.0' 'qXfer:features:read:target.xml:0,ffb' \
           'm80000000,4' 'M80001000,4:01020304' 'X80001000,2:}]}\' \
           'Z0,80000de0,2' 'vCont;s:p1.1;c:p1.-1' 'qRcmd,68656c70' 'D;1' \
           'G0*"' ; do
  sum=$(printf '%s' "$pkt" | od -An -tu1 -v | tr -s ' ' '\n' |
        awk 'NF {s += $1} END {printf "%02x", s % 256}')
  printf '+$%s#%s' "$pkt" "$sum" > "$work/corpus/seed$i"
  i=$((i + 1))
done
printf '\x03-+$bad#zz$' > "$work/corpus/seed$i"
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  "$work/gdb-fuzz" -runs="$runs" -max_len=9000 -seed=1 "$work/corpus" \
  > "$work/fuzz.log" 2>&1
status=$?
tail -3 "$work/fuzz.log"
[ $status = 0 ] || { cat "$work/fuzz.log" | tail -40; exit 1; }
echo "ok: $runs inputs"
