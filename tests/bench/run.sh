#!/usr/bin/env bash
# Runs the benchmarks (not part of ctest) against build/ and prints their figures.
set -euo pipefail
build=${1:-$(cd "$(dirname "$0")/../.." && pwd)/build}
export QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen}
"$build/tests/bench_canvas_edit"
"$build/tests/bench_run_verify"
data=$(cd "$(dirname "$0")/../.." && pwd)/datasets/fashion-mnist/train
if [ -d "$data" ]; then
  "$build/tests/bench_studio_training" "$data" 1
else
  echo "bench_studio_training skipped: run installer/bootstrap.sh run once to prepare $data"
fi
