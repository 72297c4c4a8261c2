#!/usr/bin/env bash
# Installs what csp-tidy needs from Debian 12 and builds it into build/.
# Idempotent: packages already present are not reinstalled, the build is
# incremental. Usage: scripts/setup.sh [build-dir]
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$root/build}

packages=(
  clang-19 clang-tidy-19 libclang-19-dev llvm-19-dev llvm-19-tools
  libclang-rt-19-dev  # ThreadSanitizer for the runtime's tests and fixtures
  cmake ninja-build python3 googletest libgtest-dev libboost-fiber-dev
  libboost1.74-doc libssl-dev  # the Boost.Fiber/Thread and Asio examples the boost-examples test analyses
  clang-tidy          # Debian's default clang-tidy (14): the plugin must refuse it
  git pre-commit      # diff-only mode and the pre-commit framework's hooks
  python3-jsonschema  # validates the SARIF reports against the official schema
  bash-completion     # the installed completion is tried in bash
  dpkg-dev            # CPack's dpkg-shlibdeps, for the Debian package's Depends
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "setup: need root or sudo to install packages" >&2; exit 2; }
    sudo=sudo
  fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

cmake -S "$root" -B "$build" -G Ninja \
  -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_C_COMPILER=clang-19 -DCMAKE_CXX_COMPILER=clang++-19 >/dev/null
cmake --build "$build"
echo "setup: built $build/bin/csp-tidy and $build/lib/CspTidyModule.so"
