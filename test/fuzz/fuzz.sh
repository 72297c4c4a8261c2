#!/usr/bin/env bash
# libFuzzer on every csp check, from the lit inputs, for a bounded number of
# inputs (`3000`) or a bounded time (`3600s`).
# Usage: test/fuzz/fuzz.sh <build-dir configured with CSP_FUZZ=ON> [runs|<seconds>s]
# New inputs go to <build-dir>/fuzz/corpus (kept between runs), a crashing
# or hanging input to <build-dir>/fuzz/artifacts/; rerun it with
# <build-dir>/bin/csp_fuzz <file>. A count bounds the work however loaded
# the machine is; the seed is fixed, but the inputs a run makes still vary
# a little between runs (the coverage that steers it depends on hash-table
# order), so a finding is rerun from its artifact, not by rerunning the step.
set -euo pipefail
src=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${1:?usage: fuzz.sh <build-dir> [runs|<seconds>s]}
bound=${2:-3000}
case $bound in
  *s) limit=-max_total_time=${bound%s} ;;
  *) limit=-runs=$bound ;;
esac
mkdir -p "$build/fuzz/corpus" "$build/fuzz/artifacts"
# LLVM frees little at exit on purpose, as in the lit suite's sanitized runs.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}
exec "$build/bin/csp_fuzz" "$limit" -timeout=30 -seed=1 \
  -close_fd_mask=3 -print_final_stats=1 -artifact_prefix="$build/fuzz/artifacts/" \
  "$build/fuzz/corpus" "$src/test/checks" "$src/test/fixtures" "$src/test/driver/Inputs"
