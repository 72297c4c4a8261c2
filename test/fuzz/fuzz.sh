#!/usr/bin/env bash
# libFuzzer on every csp check, from the lit inputs, for a bounded time.
# Usage: test/fuzz/fuzz.sh <build-dir configured with CSP_FUZZ=ON> [seconds]
# New inputs go to <build-dir>/fuzz/corpus (kept between runs), a crashing
# or hanging input to <build-dir>/fuzz/artifacts/; rerun it with
# <build-dir>/bin/csp_fuzz <file>. The seed is fixed, so a run on the same
# corpus makes the same inputs in the same order.
set -euo pipefail
src=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${1:?usage: fuzz.sh <build-dir> [seconds]}
seconds=${2:-90}
mkdir -p "$build/fuzz/corpus" "$build/fuzz/artifacts"
# LLVM frees little at exit on purpose, as in the lit suite's sanitized runs.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}
exec "$build/bin/csp_fuzz" -max_total_time="$seconds" -timeout=30 -seed=1 \
  -close_fd_mask=3 -print_final_stats=1 -artifact_prefix="$build/fuzz/artifacts/" \
  "$build/fuzz/corpus" "$src/test/checks" "$src/test/fixtures" "$src/test/driver/Inputs"
