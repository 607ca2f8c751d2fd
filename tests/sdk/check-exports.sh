#!/bin/bash
# check-exports.sh LIBRARY INCLUDE_DIR
# The host library must export exactly the functions (and `BB_API extern`
# variables) the SDK headers mark with BB_API: an export the headers do not declare is a leak of host
# internals, a declared function that is not exported breaks plugins.
set -eu
lib=$1 inc=$2
exported=$(nm -D --defined-only "$lib" | awk '$2 ~ /^[TDBRVW]$/ {print $3}' |
           sed 's/@.*//' | sort -u)
declared=$(cat "$inc"/breadboard/*.h |
  perl -0777 -pe 's{/\*.*?\*/}{}gs; s{^\s*#\s*define[^\n]*(\\\n[^\n]*)*}{}gm' |
  perl -0777 -ne 'while (/\bBB_API\b([^;{]*?)([(;])/gs) { my ($d, $e) = ($1, $2);
                    next if $e eq ";" && $d !~ /^\s*extern\b/;
                    $d =~ /(\w+)\s*$/ and print "$1\n" }' | sort -u)
if [ -z "$declared" ] || [ -z "$exported" ]; then
  echo "FAIL: found no declared ($inc) or no exported ($lib) symbols"; exit 1
fi
extra=$(comm -23 <(echo "$exported") <(echo "$declared"))
missing=$(comm -13 <(echo "$exported") <(echo "$declared"))
status=0
if [ -n "$extra" ]; then
  echo "FAIL: exported but not in the SDK headers:"; echo "$extra" | sed 's/^/  /'
  status=1
fi
if [ -n "$missing" ]; then
  echo "FAIL: declared BB_API but not exported:"; echo "$missing" | sed 's/^/  /'
  status=1
fi
[ $status = 0 ] && echo "OK: $(echo "$declared" | wc -l) SDK functions exported, nothing else"
exit $status
