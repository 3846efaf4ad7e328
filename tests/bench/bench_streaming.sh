#!/usr/bin/env bash
# Folders larger than memory (issue 20): one epoch of the photo CNN (resources/templates/photo-cnn,
# 96x96 RGB) on IMAGES synthetic photos (photo_images.py) with --data-memory MEMORY, which
# streams them from the decode cache, and the same epoch on the first SUBSET images (SUBSET/10
# per class, by name, as symlinks) in memory and streamed.
#
#   tests/bench/bench_streaming.sh [STRATA_BIN]          default: build/app/strata
#   IMAGES=40000 MEMORY=256M tests/bench/bench_streaming.sh
#
# Prints, per run: images/s of the epoch (Strata's "epoch 1: ... N img/s" line: training only,
# the decoding before it not counted), the first pass's decode time (decoding the folder and
# writing its cache, from the "N images decoded in S s" line), and the peak resident memory
# (maxrss from /usr/bin/time: the whole process, decoding included, mapped file pages counted).
# Then the folder's size on disk, the cache's, and streamed images/s over in-memory images/s on
# the subset, with the cache file's pages in the page cache (warm) and evicted first (cold,
# posix_fadvise DONTNEED: read from the disk).
#
# Environment (defaults in parentheses):
#   IMAGES (150000)   photos in the big folder, IMAGES/10 per class, written once to BENCH_DIR
#   SUBSET (30000)    images of the in-memory comparison
#   MEMORY (1G)       --data-memory of the big folder's run
#   SUBSET_MEMORY (256M)  --data-memory of the streamed subset runs (the subset decodes to
#                     SUBSET x 27 KiB: 791 MiB for 30,000)
#   THREADS (2), BATCH (64)
#   REPEAT (2)        subset runs per mode, interleaved; the fastest of each is shown
#   BENCH_DIR (/tmp/stream-bench)  photos, subset links, decode cache (XDG_CACHE_HOME), logs
#   PYTHON (/usr/bin/python3)
#   PARTS ("big subset")  "big" alone runs the big folder (slow, its speed matters least: it
#                     can run outside a quiet window), "subset" alone the comparison
# The big part starts with an empty decode cache, so its run includes the first pass.
# Not part of ctest: timings want a quiet machine.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$here/subset.sh"

bin=${1:-$root/build/app/strata}
images=${IMAGES:-150000}
subset=${SUBSET:-30000}
memory=${MEMORY:-1G}
subset_memory=${SUBSET_MEMORY:-256M}
threads=${THREADS:-2}
batch=${BATCH:-64}
repeat=${REPEAT:-2}
dir=${BENCH_DIR:-/tmp/stream-bench}
python=${PYTHON:-/usr/bin/python3}
design=$root/resources/templates/photo-cnn.strata.json
photos=$dir/photos-$images
mkdir -p "$dir/logs"
[ -x "$bin" ] || { echo "error: $bin: not an executable" >&2; exit 2; }

if [ ! -f "$photos/.complete" ]; then
    echo "writing $images photos to $photos ..." >&2
    rm -rf "$photos"
    nice -n 10 "$python" "$here/photo_images.py" "$photos" 96 $((images / 10))
    touch "$photos/.complete"
fi
sub=$dir/subset-$subset
[ -d "$sub" ] || sub=$(make_subset "$photos" $((subset / 10)) "$sub")
parts=${PARTS:-big subset}
export XDG_CACHE_HOME=$dir/cache
case " $parts " in *" big "*) rm -rf "$XDG_CACHE_HOME" ;; esac
export STRATA_CACHE_SIZE=64G  # keep both cache files whatever their size

# One epoch: prints "IMG_PER_S PEAK_KB DECODE_S", or "fail" (output kept in the log).
epoch() {  # DATA MEMORY LOG
    local out rate rss decode
    if ! out=$(/usr/bin/time -f "maxrss %M" "$bin" train "$design" --data "$1" --epochs 1 --threads "$threads" \
               --batch-size "$batch" --data-memory "$2" --run "$dir/run.h5" 2>&1); then
        printf '%s\n' "$out" >"$3"
        echo fail
        return
    fi
    printf '%s\n' "$out" >"$3"
    rate=$(sed -n 's/^epoch 1:.* \([0-9]*\) img\/s$/\1/p' <<<"$out")
    rss=$(sed -n 's/^maxrss \([0-9]*\)$/\1/p' <<<"$out")
    decode=$(sed -n 's/.* images \(decoded\|read from the decode cache\) in \([0-9.]*\) s.*/\2/p' <<<"$out" | head -1)
    if [ -z "$rate" ] || [ -z "$rss" ]; then echo fail; else echo "$rate $rss ${decode:--}"; fi
}

evict() {  # drops the decode cache's pages from the page cache
    "$python" - "$XDG_CACHE_HOME" <<'PY'
import os, sys
for root, _, files in os.walk(sys.argv[1]):
    for f in files:
        fd = os.open(os.path.join(root, f), os.O_RDONLY)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        os.close(fd)
PY
}

row() {  # NAME RESULT
    if [ "$2" = fail ]; then printf '%-40s %9s\n' "$1" fail; return; fi
    set -- "$1" $2
    printf '%-40s %9s %10s %9.0f\n' "$1" "$2" "$4" "$(($3 / 1024))"
}

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); $threads threads, batch $batch"
printf '%-40s %9s %10s %9s\n' run "img/s" "decode s" "peak MB"
if [[ " $parts " == *" big "* ]]; then
    big=$(epoch "$photos" "$memory" "$dir/logs/big.log")
    row "$images photos, --data-memory $memory (1st pass)" "$big"
    echo "photos on disk: $(du -sh --apparent-size "$photos" | cut -f1) ($(du -sh "$photos" | cut -f1) allocated)"
fi
# The fastest of RESULT lines (the machine is shared: the least disturbed run).
fastest() { sort -n -r | head -1; }
if [[ " $parts " == *" subset "* ]]; then
    mem="" warm="" cold=""
    for ((i = 0; i < repeat; i++)); do  # interleaved, so a busy spell hits every mode alike
        mem+=$(epoch "$sub" 64G "$dir/logs/subset-memory.log")$'\n'
        warm+=$(epoch "$sub" "$subset_memory" "$dir/logs/subset-warm.log")$'\n'
        evict
        cold+=$(epoch "$sub" "$subset_memory" "$dir/logs/subset-cold.log")$'\n'
    done
    mem=$(fastest <<<"$mem") warm=$(fastest <<<"$warm") cold=$(fastest <<<"$cold")
    row "first $subset, in memory" "$mem"
    row "first $subset, --data-memory $subset_memory warm" "$warm"
    row "first $subset, --data-memory $subset_memory cold" "$cold"
    ratio() { awk -v a="$1" -v b="$2" 'BEGIN { split(a, x, " "); split(b, y, " "); if (x[1] > 0 && y[1] > 0) printf "%.2f", y[1] / x[1]; else printf "-" }'; }
    echo "streamed / in memory, first $subset: warm $(ratio "$mem" "$warm"), cold $(ratio "$mem" "$cold")"
fi
echo "decode cache:   $(du -sh "$XDG_CACHE_HOME" | cut -f1)"
