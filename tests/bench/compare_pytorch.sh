#!/usr/bin/env bash
# Strata vs. the PyTorch script a user would write (issue 8, end to end, fp32).
#
#   tests/bench/compare_pytorch.sh DESIGN DATA [EPOCHS=1] [THREADS=2]
#
# Trains DESIGN on the image folder DATA with `strata train` and with
# tests/bench/pytorch_baseline.py (ImageFolder + DataLoader, num_workers = THREADS), same
# design, data, batch size (64), epochs and threads, and prints images/s of each, the ratio
# strata/pytorch and both final train accuracies.
#
# Environment:
#   LIMIT_PER_CLASS=K  train on the first K images (sorted by name) of each class, as symlinks
#                      in a temp folder used by both sides (default 2000; 0 = the whole folder)
#   STRATA=PATH        the strata binary (default build/app/strata)
#   PYTHON=PATH        python with torch + torchvision (default /usr/bin/python3)
#   NORM=dataset|fixed normalization of the Python side (default dataset: mean/std of the
#                      training set computed as Strata does, timed apart from the epochs)
#
# Strata runs with XDG_CACHE_HOME in the temp folder, so it starts from a cold decode cache,
# like the Python script. Not part of ctest: timings want a quiet machine.
set -euo pipefail

if [ $# -lt 2 ]; then
    sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
fi
DESIGN=$1
DATA=$2
EPOCHS=${3:-1}
THREADS=${4:-2}
BATCH=64
K=${LIMIT_PER_CLASS:-2000}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
STRATA=${STRATA:-$ROOT/build/app/strata}
PYTHON=${PYTHON:-/usr/bin/python3}
NORM=${NORM:-dataset}

[ -x "$STRATA" ] || { echo "error: $STRATA not built" >&2; exit 1; }
[ -f "$DESIGN" ] || { echo "error: $DESIGN: no such design" >&2; exit 2; }
[ -d "$DATA" ] || { echo "error: $DATA: no such folder" >&2; exit 2; }
"$PYTHON" -c 'import torch, torchvision' 2>/dev/null || {
    echo "error: $PYTHON lacks torch/torchvision (apt-get install python3-torch python3-torchvision)" >&2
    exit 1
}

TMP=$(mktemp -d "${TMPDIR:-/tmp}/strata-bench.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

# Subset: the first K images of each class (same files for both sides).
TRAIN=$DATA
if [ "$K" -gt 0 ]; then
    TRAIN=$TMP/data
    DATA_ABS=$(cd "$DATA" && pwd)
    for cls in "$DATA_ABS"/*/; do
        cls=${cls%/}
        name=$(basename "$cls")
        case $name in .*) continue ;; esac
        mkdir -p "$TRAIN/$name"
        find "$cls" -maxdepth 1 -type f ! -name '.*' \
            \( -iname '*.png' -o -iname '*.jpg' -o -iname '*.jpeg' -o -iname '*.bmp' -o -iname '*.tif' -o -iname '*.tiff' \) \
            | LC_ALL=C sort | sed -n "1,${K}p" | xargs -r -d '\n' ln -s -t "$TRAIN/$name"
    done
fi
NIMG=$(find -L "$TRAIN" -mindepth 2 -maxdepth 2 -type f ! -name '.*' | wc -l)
echo "design $DESIGN; data $DATA ($NIMG images$( [ "$K" -gt 0 ] && echo ", first $K per class")); epochs $EPOCHS; batch $BATCH; threads $THREADS"
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) cores"

now() { date +%s.%N; }

echo "--- strata train"
t0=$(now)
XDG_CACHE_HOME=$TMP/cache "$STRATA" train "$DESIGN" --data "$TRAIN" --epochs "$EPOCHS" --batch-size "$BATCH" \
    --threads "$THREADS" --run "$TMP/run.h5" --metrics-json "$TMP/strata.json" 2> "$TMP/strata.err" \
    || { cat "$TMP/strata.err" >&2; exit 1; }
t1=$(now)
tail -n 3 "$TMP/strata.err" | tr '\r' '\n' | tail -n 3
echo "--- pytorch_baseline.py"
"$PYTHON" "$ROOT/tests/bench/pytorch_baseline.py" "$DESIGN" --data "$TRAIN" --epochs "$EPOCHS" \
    --batch-size "$BATCH" --threads "$THREADS" --norm "$NORM" --json "$TMP/pytorch.json" | grep -v '^RESULT '
t2=$(now)

"$PYTHON" - "$TMP/strata.json" "$TMP/pytorch.json" "$t0" "$t1" "$t2" "$EPOCHS" <<'EOF'
import json, sys
s = json.load(open(sys.argv[1])); p = json.load(open(sys.argv[2]))
t0, t1, t2 = map(float, sys.argv[3:6]); epochs = int(sys.argv[6])
se = s["epochs"]
s_ips = sum(e["images_per_second"] * e["seconds"] for e in se) / sum(e["seconds"] for e in se)
p_ips = p["images_per_second"]
n = p["epochs"][0]["images"]
s_wall, p_wall = t1 - t0, t2 - t1
print("=== results (fp32, end to end from the image folder)")
print("%-34s %12s %12s %8s" % ("", "strata", "pytorch", "ratio"))
print("%-34s %12.1f %12.1f %7.2fx" % ("training images/s (epochs)", s_ips, p_ips, s_ips / p_ips))
print("%-34s %12.1f %12.1f %7.2fx" % ("whole run images/s (wall clock)", n * epochs / s_wall, n * epochs / p_wall,
                                      p_wall / s_wall))
print("%-34s %12.2f %12.2f" % ("wall seconds", s_wall, p_wall))
print("%-34s %12.4f %12.4f" % ("final train accuracy", se[-1]["train_accuracy"], p["train_accuracy"]))
print("ratio strata/pytorch (training images/s): %.2f" % (s_ips / p_ips))
EOF
