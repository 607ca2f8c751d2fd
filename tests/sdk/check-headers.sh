#!/bin/bash
# check-headers.sh CC INCLUDE_DIR [CFLAGS...]
# Every SDK header compiles on its own (it includes what it uses), twice
# in one unit (include guards), with warnings as errors; and a plugin
# that includes only <breadboard/breadboard.h> can print a 64-bit value
# with PRIx64 (breadboard.h brings <inttypes.h>).
set -eu
cc=$1 inc=$2
shift 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
flags=(-std=c11 -Wall -Wextra -Werror -fsyntax-only -I"$inc" "$@")
fail=0 n=0
for h in "$inc"/breadboard/*.h; do
    name=$(basename "$h")
    printf '#include <breadboard/%s>\n#include <breadboard/%s>\n' \
        "$name" "$name" > "$tmp/one.c"
    if ! "$cc" "${flags[@]}" "$tmp/one.c" 2> "$tmp/err"; then
        echo "FAIL: <breadboard/$name> does not compile on its own:"
        sed 's/^/  /' "$tmp/err"
        fail=1
    fi
    n=$((n + 1))
done
cat > "$tmp/prix.c" <<'C'
#include <breadboard/breadboard.h>
const char *fmt(void);
const char *fmt(void) { return "%" PRIx64; }
C
if ! "$cc" "${flags[@]}" "$tmp/prix.c" 2> "$tmp/err"; then
    echo "FAIL: <breadboard/breadboard.h> alone does not give PRIx64:"
    sed 's/^/  /' "$tmp/err"
    fail=1
fi
[ $fail = 0 ] && echo "OK: $n SDK headers compile on their own; breadboard.h gives PRIx64"
exit $fail
