#!/usr/bin/env bash
# Runs the benchmarks (not part of ctest) against build/ and prints their figures.
set -euo pipefail
build=${1:-$(cd "$(dirname "$0")/../.." && pwd)/build}
export QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen}
for bench in "$build"/tests/bench_*; do
  [ -x "$bench" ] || continue
  "$bench"
done
