# doc-blocks.sh - sourced by the tests that check a documentation page
# compiles as written (plugins-walkthrough-test.sh for docs/plugins.md,
# pci-walkthrough-test.sh for docs/writing-a-pci-device.md).  Every fenced
# block of such a page is marked in its info string: file=PATH (the
# blocks of one file, joined by one empty line, make the file), run (shell
# commands), fragment (a C example compiled on its own) or text (output,
# skipped); anything else is an error.

# extract PAGE DIR: files into DIR/project, run blocks into DIR/run-N.sh,
# fragments into DIR/fragment-N.c.  Fails on an unmarked block.
extract() {
  mkdir -p "$2/project"
  awk -v out="$2" '
    function fail(msg) { print FILENAME ":" NR ": " msg > "/dev/stderr"; bad = 1; exit 1 }
    !inblock && /^```/ {
      info = substr($0, 4); n = split(info, w, /[ \t]+/)
      kind = ""; file = ""
      for (i = 2; i <= n; i++) {
        if (w[i] ~ /^file=/) { kind = "file"; file = substr(w[i], 6) }
        else if (w[i] == "run" || w[i] == "fragment") kind = w[i]
        else fail("unknown marking \"" w[i] "\"")
      }
      if (kind == "" && w[1] == "text" && n == 1) kind = "text"
      if (kind == "") fail("code block without a marking: ```" info)
      if (kind == "file") {
        target = out "/project/" file
        if (target in seen) printf "\n" >> target
        else { system("mkdir -p \"$(dirname \"" target "\")\""); printf "" > target }
        seen[target] = 1
      } else if (kind == "run") {
        target = out "/run-" (++nrun) ".sh"
      } else if (kind == "fragment") {
        if (w[1] != "c") fail("a fragment must be C")
        target = out "/fragment-" (++nfrag) ".c"
        print "#include <breadboard/breadboard.h>" > target
      } else {
        target = "/dev/null"
      }
      inblock = 1; next
    }
    inblock && /^```$/ { inblock = 0; if (target != "/dev/null") close(target); next }
    inblock { if (target != "/dev/null") print >> target; next }
    END { if (!bad && inblock) fail("unterminated code block") }
  ' "$1"
}
