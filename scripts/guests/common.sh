# common.sh - sourced by the scripts/guests/* guest builders: where the
# cache lives, a lock so concurrent builders (parallel ctest, several
# worktrees sharing $HOME) do not trample each other, and error helpers.
#
# The cache is outside the source tree:
#   ${BREADBOARD_LINUX_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/breadboard/linux}
# Every product sits in a directory named after a hash of what it was
# made from, so a changed input builds a new product and an unchanged one
# is reused; deleting the cache directory is always safe.

bb_cache=${BREADBOARD_LINUX_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/breadboard/linux}
bb_src=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

die() { echo "${0##*/}: error: $*" >&2; exit 1; }
note() { echo "${0##*/}: $*" >&2; }

# need_cmd CMD PACKAGE: fail with the Debian package that provides CMD.
need_cmd() {
  command -v "$1" > /dev/null ||
    die "'$1' not found: install Debian package $2 (scripts/deps.sh does)"
}

# bb_lock NAME: hold an exclusive lock on the cache for the rest of the
# script (released when it exits).
bb_lock() {
  mkdir -p "$bb_cache" || die "cannot create the cache directory $bb_cache"
  exec 9> "$bb_cache/.$1.lock"
  flock 9 || die "cannot lock $bb_cache/.$1.lock"
}

# hash_of FILE...: a short hash of the files' contents (and names).
hash_of() {
  local f
  for f in "$@"; do echo "== ${f##*/}"; cat "$f"; done | sha256sum | cut -c1-16
}
