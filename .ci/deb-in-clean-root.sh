#!/usr/bin/env bash
# CI: the Debian package as a user gets it. A fresh Debian 12 root
# (.ci/clean-root.sh) installs the package with apt-get, which must pull every
# runtime dependency by the package's Depends; then the installed driver runs
# on the example, and the installed plugin in the stock clang-tidy-19.
# usage: .ci/deb-in-clean-root.sh <csp-tidy_*.deb>
# Needs root and debootstrap.
set -euo pipefail

deb=$(realpath "$1")
src=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

start=$SECONDS
root=$("$src"/.ci/clean-root.sh new)
trap '"$src"/.ci/clean-root.sh remove "$root"' EXIT
echo "clean-root: root ready after $((SECONDS - start)) s"
cp "$deb" "$root/tmp/"
# The example with the runtime headers it includes, laid out as in the repo.
mkdir -p "$root/tmp/src/test/runtime"
cp -r "$src/examples" "$root/tmp/src/"
cp -r "$src/test/runtime/include" "$root/tmp/src/test/runtime/"

"$src"/.ci/clean-root.sh run "$root" -- /bin/bash -euo pipefail -c '
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends /tmp/'"$(basename "$deb")"' >/tmp/install.log 2>&1 ||
    { tail -20 /tmp/install.log >&2; exit 1; }
  echo "clean-root: installed $(dpkg-query -W -f="\${Package} \${Version}" csp-tidy), depends: $(dpkg-query -W -f="\${Depends}" csp-tidy)"
  csp-tidy --version
  status=0
  csp-tidy /tmp/src/examples/worker_pool.cpp >/tmp/driver.out 2>&1 || status=$?
  cat /tmp/driver.out
  [ "$status" -eq 1 ] || { echo "clean-root: csp-tidy exited $status, expected 1 (a finding)" >&2; exit 1; }
  grep -q "\[csp-waitgroup-add-in-task\]" /tmp/driver.out
  man_page=$(dpkg -L csp-tidy | grep "/man1/csp-tidy.1")
  [ -s "$man_page" ]
  # The plugin, in the clang-tidy the package recommends.
  apt-get install -y -qq --no-install-recommends clang-tidy-19 >/tmp/install-tidy.log 2>&1 ||
    { tail -20 /tmp/install-tidy.log >&2; exit 1; }
  clang-tidy-19 -load /usr/lib/csp-tidy/CspTidyModule.so -checks="-*,csp-*" \
    /tmp/src/examples/worker_pool.cpp >/tmp/plugin.out 2>&1 || true
  grep -q "\[csp-waitgroup-add-in-task\]" /tmp/plugin.out ||
    { cat /tmp/plugin.out >&2; echo "clean-root: the plugin found nothing" >&2; exit 1; }
  echo "clean-root: the installed driver and plugin both found the example'"'"'s bug"
'
echo "clean-root: done in $((SECONDS - start)) s"
