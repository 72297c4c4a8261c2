#!/usr/bin/env bash
# Fresh Debian 12 roots, as a CI image (debian:12) starts a job: a debootstrap
# minbase made once per machine and copied for each root.
# usage: .ci/clean-root.sh new              make a fresh root, print its path
#        .ci/clean-root.sh run <dir> [NAME=value...] -- <command> [args...]
#        .ci/clean-root.sh remove <dir>
# Roots are made in /dev/shm when it has room: unpacking LLVM there and
# removing it takes seconds, on a busy disk minutes.
# `run` runs the command chrooted in the root with only the given variables
# (PATH and HOME as in the debian:12 image unless given), in a mount namespace
# of its own with /proc mounted there: nothing stays mounted when it ends,
# whatever way it ends, so `remove` never follows a mount out of the root.
# Needs root, debootstrap and unshare. CSP_TIDY_ROOT_CACHE: where the base
# root and the packages downloaded for it are kept (default
# /var/cache/csp-tidy-ci), outside the repository. The packages apt
# downloads in a root are kept there by `remove` and offered to the next
# root, so a second root installs without downloading again.
set -euo pipefail

cache=${CSP_TIDY_ROOT_CACHE:-/var/cache/csp-tidy-ci}
base=$cache/bookworm-minbase

die() {
  echo "clean-root: error: $*" >&2
  exit 2
}

# Roots are made and removed by concurrent test runs: the base and the
# package cache change under this lock only.
lock() {
  mkdir -p "$cache"
  exec 9>"$cache/lock"
  flock 9
}

make_base() {
  [ -x "$base/usr/bin/apt-get" ] && return
  echo "clean-root: debootstrap bookworm into $base" >&2
  rm -rf "$base.new"
  mkdir -p "$cache/debs"
  debootstrap --variant=minbase --cache-dir="$cache/debs" bookworm "$base.new" \
    >"$cache/debootstrap.log" 2>&1 || { tail -20 "$cache/debootstrap.log" >&2; exit 1; }
  mv "$base.new" "$base"
}

# Hard links where the cache and the root share a file system; apt never
# writes into a downloaded package, so the root cannot change the cache.
link_debs() {
  local from=$1 to=$2 f
  mkdir -p "$to"
  for f in "$from"/*.deb; do
    [ -e "$f" ] || continue
    [ -e "$to/${f##*/}" ] || ln "$f" "$to/" 2>/dev/null || cp "$f" "$to/"
  done
}

cmd=${1:-}
case $cmd in
  new)
    [ "$(id -u)" -eq 0 ] || die "needs root"
    command -v debootstrap >/dev/null || die "needs debootstrap"
    command -v unshare >/dev/null || die "needs unshare"
    parent=/var/tmp
    if [ -d /dev/shm ] && [ "$(df -Pk /dev/shm | awk 'NR == 2 { print $4 }')" -gt $((4 << 20)) ]; then
      parent=/dev/shm
    fi
    dir=$(mktemp -d "$parent/csp-tidy-root.XXXXXX")
    trap 'rm -rf --one-file-system "$dir"' EXIT
    lock
    make_base
    cp -a "$base/." "$dir/"
    link_debs "$cache/archives" "$dir/var/cache/apt/archives"
    exec 9>&-
    trap - EXIT
    cp /etc/resolv.conf "$dir/etc/resolv.conf"
    # As in the debian:12 image: dpkg does not sync every file it unpacks.
    echo force-unsafe-io >"$dir/etc/dpkg/dpkg.cfg.d/unsafe-io"
    echo "$dir"
    exit 0
    ;;
esac
dir=${2:-}
if [ -z "$dir" ]; then
  die "usage: clean-root.sh new | clean-root.sh run|remove <dir> ..."
fi
shift 2
case $cmd in
  run)
    [ -x "$dir/usr/bin/apt-get" ] || die "$dir is not a root made by clean-root.sh new"
    vars=(PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root)
    while (($#)) && [ "$1" != -- ]; do
      vars+=("$1")
      shift
    done
    (($#)) || die "run: no -- before the command"
    shift
    (($#)) || die "run: no command"
    exec unshare --mount --propagation private -- bash -c \
      'mount -t proc proc "$0/proc" && exec chroot "$0" /usr/bin/env -i "$@"' \
      "$dir" "${vars[@]}" "$@"
    ;;
  remove)
    [ -e "$dir" ] || exit 0
    # A mount left by anything but `run` would take rm outside the root.
    ! grep -q " $(realpath "$dir")/" /proc/self/mounts || die "something is mounted under $dir"
    lock
    link_debs "$dir/var/cache/apt/archives" "$cache/archives"
    rm -rf --one-file-system "$dir"
    ;;
  *) die "unknown command $cmd (new, run or remove)" ;;
esac
