#!/usr/bin/env bash
# Training speed on colour photos: a two-convolution CNN (tests/bench/photo_images.py) on
# synthetic RGB images at 96x96 and 160x160, one epoch, with each strata binary given (e.g. this
# build against an older one), printing images/s, GFLOP/s and peak memory side by side.
#
#   tests/bench/photo_sizes.sh [STRATA_BIN...]        default: build/app/strata
#   IMAGES=60000 SIZES="96" THREADS=2 tests/bench/photo_sizes.sh build/app/strata /old/strata
#
# The folders are generated once into ${PHOTO_DIR:-/tmp/strata-photo-bench}; the decode cache is
# off, so every binary decodes the same files.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bins=("$@")
[ ${#bins[@]} -gt 0 ] || bins=("$here/../../build/app/strata")
images=${IMAGES:-12000}
threads=${THREADS:-2}
dir=${PHOTO_DIR:-/tmp/strata-photo-bench}
mkdir -p "$dir"

printf '%-5s %-40s %10s %9s %10s\n' size binary images/s GFLOP/s "peak MB"
for size in ${SIZES:-96 160}; do
    data="$dir/rgb$size-$images"
    if [ ! -f "$data/.complete" ]; then
        /usr/bin/python3 "$here/photo_images.py" "$data" "$size" $((images / 10))
        touch "$data/.complete"
    fi
    flops=$(/usr/bin/python3 "$here/photo_images.py" --design "$size" "$dir/photo-$size.strata.json")
    for bin in "${bins[@]}"; do
        out=$(STRATA_NO_CACHE=1 /usr/bin/time -f "maxrss %M" "$bin" train "$dir/photo-$size.strata.json" \
              --data "$data" --epochs 1 --threads "$threads" --run "$dir/run.h5" 2>&1)
        rate=$(sed -n 's/^epoch 1:.* \([0-9]*\) img\/s$/\1/p' <<<"$out")
        rss=$(sed -n 's/^maxrss \([0-9]*\)$/\1/p' <<<"$out")
        [ -n "$rate" ] || { echo "error: $bin printed no epoch line:" >&2; echo "$out" >&2; exit 1; }
        awk -v s="$size" -v b="$bin" -v r="$rate" -v f="$flops" -v m="$rss" \
            'BEGIN { printf "%-5s %-40s %10d %9.1f %10d\n", s, b, r, r * f / 1e9, m / 1024 }'
    done
done
