#!/bin/bash
# describe-formats-test.sh BREADBOARD SRC_DIR BUILD_DIR BOARD [ARGS...] -
# check `describe --format dot` and `--format json` of one board against
# its text output (the oracle: its format is pinned by the golden tests):
#   dot   `dot -Tsvg` accepts it; every device of the object tree is a
#         node, every line of "IRQ wiring" an edge labelled with both line
#         numbers, every row of "Memory map" a row of the memory-map
#         table; the SVG shows every device id.
#   json  it parses (Perl's JSON::PP) and holds the same devices, IRQ
#         connections and memory map rows as the text.
# Skips (77) without Graphviz's `dot` (Debian package graphviz).
# BB_WRAPPER="CMD ARGS" runs breadboard through CMD (the self-test's
# selftest/drop-irq-edge.sh, which must make this test fail).
set -u
bb=$1 src=$2 build=$3
shift 3
command -v dot > /dev/null || { echo "no dot (graphviz): skipped"; exit 77; }
cd "$src" || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
args=("$@" --plugin-dir "$build/tests/plugins/testdevs")
fail=0
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }

${BB_WRAPPER:-} "$bb" describe "${args[@]}" > "$tmp/text" || { echo "FAIL: describe"; exit 1; }
${BB_WRAPPER:-} "$bb" describe --format dot "${args[@]}" > "$tmp/dot" || { echo "FAIL: --format dot"; exit 1; }
${BB_WRAPPER:-} "$bb" describe --format json "${args[@]}" > "$tmp/json" || { echo "FAIL: --format json"; exit 1; }

# section NAME: the indented lines of one section of the text output.
section() {
  sed -n "/^$1:\$/,/^\$/p" "$tmp/text" | sed '1d;/^$/d;s/^  //'
}

dot -Tsvg "$tmp/dot" > "$tmp/svg" 2> "$tmp/dot.err" || bad "dot -Tsvg rejects the graph: $(cat "$tmp/dot.err")"
grep -q '<svg' "$tmp/svg" || bad "no SVG from dot"

# Devices: the children of /machine in the tree that are not harts.
devices=$(section 'Object tree' | sed -n 's/^    \([a-z][a-z0-9_-]*\) (.*/\1/p' | grep -v '^hart[0-9]*$')
ndev=0
for d in $devices; do
  ndev=$((ndev + 1))
  grep -qF "    \"$d\" [" "$tmp/dot" || bad "device $d is not a node"
  grep -qF ">$d</text>" "$tmp/svg" || bad "device $d is not drawn"
done

nirq=0
while read -r src arrow dst; do
  [ "$src" = "(none)" ] && continue
  nirq=$((nirq + 1))
  s=${src%%.*} d=${dst%%.*}
  want="\"$s\" -> \"$d\" [color=\"#b03a2e\", fontcolor=\"#b03a2e\", label=\"${src#*.} -> ${dst#*.}\"];"
  grep -qF "$want" "$tmp/dot" || bad "no IRQ edge for $src -> $dst"
done < <(section 'IRQ wiring')

nmap=0
while read -r range label; do
  [ "$range" = "(empty)" ] && continue
  nmap=$((nmap + 1))
  # XML-escape as dot labels are ('\&': bash 5.2 expands a bare & in a
  # replacement to the match)
  xml=${label//&/\&amp;} xml=${xml//</\&lt;} xml=${xml//>/\&gt;}
  xml=${xml//\'/\&apos;} xml=${xml//\"/\&quot;}
  grep -qF "<td align=\"left\">$range</td><td align=\"left\">$xml</td>" "$tmp/dot" ||
    bad "memory map row $range $label missing"
done < <(section 'Memory map')

# The JSON, read back, must tell the same story.
perl -MJSON::PP -e '
  local $/; my $j = decode_json(<STDIN>);
  die "format-version\n" unless $j->{"format-version"} == 1;
  printf "%s\n", join(" ", map { $_->{id} } @{$j->{devices}});
  printf "%s.%s[%d] -> %s.%s[%d]\n", $_->{from}{device}, $_->{from}{group},
    $_->{from}{line}, $_->{to}{device}, $_->{to}{group}, $_->{to}{line}
    for @{$j->{irqs}};
  printf "%s %s\n", $_->{base}, $_->{size} for @{$j->{"memory-map"}};
' < "$tmp/json" > "$tmp/json.txt" || bad "JSON does not parse"
[ "$(head -1 "$tmp/json.txt")" = "$(echo $devices)" ] ||
  bad "JSON devices '$(head -1 "$tmp/json.txt")', text '$(echo $devices)'"
diff <(sed -n "2,$((nirq + 1))p" "$tmp/json.txt") <(section 'IRQ wiring' | grep -v '^(none)$') > /dev/null ||
  bad "JSON irqs differ from the text's IRQ wiring"
while read -r range label; do
  [ "$range" = "(empty)" ] && continue
  lo=${range%-*} hi=${range#*-}
  printf '0x%x 0x%x\n' "$lo" "$((hi - lo + 1))"
done < <(section 'Memory map') > "$tmp/map.txt"
diff <(tail -n "$nmap" "$tmp/json.txt") "$tmp/map.txt" > /dev/null ||
  bad "JSON memory-map differs from the text's memory map"

echo "$ndev devices, $nirq IRQ lines, $nmap memory map rows checked; $fail failures"
[ $fail = 0 ] && [ $ndev -gt 0 ]
