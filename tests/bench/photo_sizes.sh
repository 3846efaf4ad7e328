#!/usr/bin/env bash
# Training speed from 28x28 gray to 160x160 colour photos (issue 21), in one table: each case
# trained for one epoch by each strata binary given, in fp32 and in bf16, printing images/s,
# GFLOP/s, peak memory and the bf16/fp32 ratio; and the PyTorch script a user would write
# (tests/bench/pytorch_baseline.py) on the 96x96 photo CNN, plain and with glibc's malloc tuned
# as Strata tunes it, in the same table.
#
#   tests/bench/photo_sizes.sh [STRATA_BIN...]        default: build/app/strata
#   IMAGES=60000 SIZES="96" THREADS=2 tests/bench/photo_sizes.sh build/app/strata /old/strata
#
# Cases (rows), one epoch each, `strata train DESIGN --data DIR --epochs 1 --threads THREADS
# --batch-size BATCH [--precision bf16]` with the decode cache off (STRATA_NO_CACHE=1):
#   reference-cnn 28   resources/templates/reference-cnn on Fashion-MNIST (FASHION), the first
#                      PER_CLASS images (by name) of each class (tests/bench/subset.sh)
#   photo-cnn SIZE     resources/templates/photo-cnn and photo-resnet with the Input resized to
#   photo-resnet SIZE  SIZE x SIZE RGB (photo_images.py --resize), for each of SIZES, on IMAGES
#                      synthetic photos (photo_images.py; 10 classes; written once per size and
#                      count into PHOTO_DIR)
#   pytorch            pytorch_baseline.py on photo-cnn at 96 (when 96 is in SIZES), same data,
#   pytorch+malloc     batch size, epochs and threads (DataLoader with num_workers = THREADS,
#                      no --compute-only), plain and with MALLOC_MMAP_THRESHOLD_=33554432
#                      MALLOC_TRIM_THRESHOLD_=1073741824, the thresholds Strata's main() sets
#                      (core/train/MallocTuning.h: kMmapThreshold 32 MiB, kTrimThreshold 1 GiB;
#                      Strata also turns off mmap and uses one arena, which these two variables
#                      leave as they are)
#
# Columns: images/s of the epoch (Strata's "epoch 1: ... N img/s" line; the script's RESULT
# images_per_second), GFLOP/s = images/s x training FLOPs per image (MFLOP/img: 3 x the forward
# FLOPs, 2 x the multiply-accumulates of Conv2d and Linear computed from the design by
# photo_images.py --flops), peak MB (maxrss from /usr/bin/time: the whole process, decoding
# included; for the script, its largest single process, not the sum with its DataLoader
# workers), and bf16 img/s over fp32 img/s. Strata's epoch time excludes decoding (it decodes
# before the first epoch); the script's includes its DataLoader's decoding, as a user's would.
# A run that fails prints "fail" and its output goes to PHOTO_DIR/logs/.
#
# Environment (defaults in parentheses):
#   IMAGES (12000)           synthetic photos per size, IMAGES/10 per class
#   SIZES ("96 160")         photo sizes; "" runs the 28x28 case alone
#   THREADS (2)              --threads of every run (and the script's DataLoader workers)
#   BATCH (64)               batch size of every run
#   FASHION (datasets/fashion-mnist/train)  "" skips the reference-cnn case
#   PER_CLASS (1200)         Fashion-MNIST images per class; 0 = all 60,000
#   DESIGNS ("photo-cnn photo-resnet")      templates trained at each of SIZES
#   PRECISIONS ("fp32 bf16") Strata's precisions; the ratio needs both
#   PYTORCH (1)              0 skips the script; it is also skipped, with a note, when PYTHON
#                            cannot import torch and torchvision
#   PYTORCH_PRECISIONS (fp32)  "fp32 bf16" also runs the script under bf16 autocast
#   PYTHON (/usr/bin/python3)
#   PHOTO_DIR (/tmp/strata-photo-bench)     generated folders, designs, run files and logs
# Not part of ctest: timings want a quiet machine (the load average is printed).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$here/subset.sh"

bins=("$@")
[ ${#bins[@]} -gt 0 ] || bins=("$root/build/app/strata")
images=${IMAGES:-12000}
sizes=${SIZES-96 160}
threads=${THREADS:-2}
batch=${BATCH:-64}
fashion=${FASHION-$root/datasets/fashion-mnist/train}
per_class=${PER_CLASS:-1200}
designs=${DESIGNS:-photo-cnn photo-resnet}
precisions=${PRECISIONS:-fp32 bf16}
pytorch=${PYTORCH:-1}
pt_precisions=${PYTORCH_PRECISIONS:-fp32}
python=${PYTHON:-/usr/bin/python3}
dir=${PHOTO_DIR:-/tmp/strata-photo-bench}
malloc_env=(MALLOC_MMAP_THRESHOLD_=$((32 << 20)) MALLOC_TRIM_THRESHOLD_=$((1 << 30)))
mkdir -p "$dir/logs"
failed=0

for bin in "${bins[@]}"; do
    [ -x "$bin" ] || { echo "error: $bin: not an executable" >&2; exit 2; }
done
if [ "$pytorch" = 1 ] && ! "$python" -c 'import torch, torchvision' 2>/dev/null; then
    echo "note: $python cannot import torch and torchvision (apt-get install python3-torch" \
         "python3-torchvision); the PyTorch rows are skipped" >&2
    pytorch=0
fi

# The runner's name in the table: "strata" for a single binary, else strata#1, strata#2, ...
runner() {
    if [ ${#bins[@]} -eq 1 ]; then echo strata; else echo "strata#$(($1 + 1))"; fi
}

# One Strata epoch: prints "IMG_PER_S PEAK_KB", or "fail" (output kept in the log).
strata_epoch() {  # BIN DESIGN DATA PRECISION LOG
    local out rate rss
    if ! out=$(STRATA_NO_CACHE=1 /usr/bin/time -f "maxrss %M" "$1" train "$2" --data "$3" --epochs 1 \
               --threads "$threads" --batch-size "$batch" --precision "$4" --run "$dir/run.h5" 2>&1); then
        printf '%s\n' "$out" >"$5"
        echo fail
        return
    fi
    printf '%s\n' "$out" >"$5"
    rate=$(sed -n 's/^epoch 1:.* \([0-9]*\) img\/s$/\1/p' <<<"$out")
    rss=$(sed -n 's/^maxrss \([0-9]*\)$/\1/p' <<<"$out")
    if [ -z "$rate" ] || [ -z "$rss" ]; then echo fail; else echo "$rate $rss"; fi
}

# One epoch of the PyTorch script: same output as strata_epoch. ENV... are extra variables.
pytorch_epoch() {  # DESIGN DATA PRECISION LOG [ENV...]
    local design=$1 data=$2 precision=$3 log=$4 out rate rss
    shift 4
    if ! out=$(env "$@" /usr/bin/time -f "maxrss %M" "$python" "$here/pytorch_baseline.py" "$design" \
               --data "$data" --epochs 1 --batch-size "$batch" --threads "$threads" --precision "$precision" 2>&1); then
        printf '%s\n' "$out" >"$log"
        echo fail
        return
    fi
    printf '%s\n' "$out" >"$log"
    rate=$(sed -n 's/^RESULT //p' <<<"$out" | "$python" -c 'import json, sys; print("%.1f" % json.load(sys.stdin)["images_per_second"])' 2>/dev/null || true)
    rss=$(sed -n 's/^maxrss \([0-9]*\)$/\1/p' <<<"$out")
    if [ -z "$rate" ] || [ -z "$rss" ]; then echo fail; else echo "$rate $rss"; fi
}

# Prints one table row; each RESULT is "IMG_PER_S PEAK_KB", "fail" or "" (not run).
row() {  # CASE RUNNER FLOPS RESULT_FP32 RESULT_BF16
    awk -v c="$1" -v r="$2" -v f="$3" -v a="$4" -v b="$5" '
        function cells(x,   p) {
            if (x == "") return sprintf("%9s %8s %8s", "-", "-", "-")
            if (x == "fail") return sprintf("%9s %8s %8s", "fail", "-", "-")
            split(x, p, " ")
            return sprintf("%9.0f %8.1f %8d", p[1], p[1] * f / 1e9, p[2] / 1024)
        }
        BEGIN {
            split(a, pa, " "); split(b, pb, " ")
            ratio = (a != "" && a != "fail" && b != "" && b != "fail" && pa[1] > 0) ? sprintf("%.2fx", pb[1] / pa[1]) : "-"
            printf "%-18s %-14s %9.1f  %s  %s  %9s\n", c, r, f / 1e6, cells(a), cells(b), ratio
        }'
}

# Trains one case with every binary (and its precisions), printing a row per binary.
strata_case() {  # CASE DESIGN DATA FLOPS
    local i p res fp32 bf16
    for i in "${!bins[@]}"; do
        fp32="" bf16=""
        for p in $precisions; do
            res=$(strata_epoch "${bins[$i]}" "$2" "$3" "$p" "$dir/logs/${1// /-}-$(runner "$i")-$p.log")
            [ "$res" = fail ] && failed=1
            case $p in fp32) fp32=$res ;; bf16) bf16=$res ;; esac
        done
        row "$1" "$(runner "$i")" "$4" "$fp32" "$bf16"
    done
}

pytorch_case() {  # CASE DESIGN DATA FLOPS
    local name p res fp32 bf16 extra
    for name in pytorch pytorch+malloc; do
        fp32="" bf16="" extra=()
        [ "$name" = pytorch+malloc ] && extra=("${malloc_env[@]}")
        for p in $pt_precisions; do
            res=$(pytorch_epoch "$2" "$3" "$p" "$dir/logs/${1// /-}-$name-$p.log" ${extra[@]+"${extra[@]}"})
            [ "$res" = fail ] && failed=1
            case $p in fp32) fp32=$res ;; bf16) bf16=$res ;; esac
        done
        row "$1" "$name" "$4" "$fp32" "$bf16"
    done
}

# Synthetic photos at SIZE, written once: prints the folder.
photos() {  # SIZE
    local data="$dir/rgb$1-$images"
    if [ ! -f "$data/.complete" ]; then
        rm -rf "$data"
        "$python" "$here/photo_images.py" "$data" "$1" $((images / 10)) >&2
        touch "$data/.complete"
    fi
    echo "$data"
}

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
flags=$(grep -o -w -E 'avx512_bf16|amx_bf16' /proc/cpuinfo | sort -u | paste -s -d' ')
echo "$cpu, $(nproc) cores, bf16 flags: ${flags:-none}; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "1 epoch, $threads threads, batch $batch; photos: $images per size (${sizes:-none});" \
     "Fashion-MNIST: $([ -n "$fashion" ] && echo "$per_class per class (0 = all)" || echo skipped)"
for i in "${!bins[@]}"; do [ ${#bins[@]} -eq 1 ] || echo "$(runner "$i") = ${bins[$i]}"; done
echo
printf '%-18s %-14s %9s  %-27s  %-27s\n' "" "" "" "---------- fp32 -----------" "---------- bf16 -----------"
printf '%-18s %-14s %9s  %9s %8s %8s  %9s %8s %8s  %9s\n' case runner MFLOP/img img/s GFLOP/s "peak MB" \
    img/s GFLOP/s "peak MB" bf16/fp32

if [ -n "$fashion" ]; then
    if [ -d "$fashion" ]; then
        rm -rf "$dir/fashion-subset"
        data=$(make_subset "$fashion" "$per_class" "$dir/fashion-subset")
        design="$root/resources/templates/reference-cnn.strata.json"
        strata_case "reference-cnn 28" "$design" "$data" "$("$python" "$here/photo_images.py" --flops "$design")"
    else
        echo "note: $fashion: no such folder (installer/bootstrap.sh prepares it); the 28x28 case is skipped" >&2
    fi
fi
for size in $sizes; do
    data=$(photos "$size")
    for name in $designs; do
        design="$dir/$name-$size.strata.json"
        flops=$("$python" "$here/photo_images.py" --resize "$root/resources/templates/$name.strata.json" "$size" "$design")
        strata_case "$name $size" "$design" "$data" "$flops"
        if [ "$pytorch" = 1 ] && [ "$name" = photo-cnn ] && [ "$size" = 96 ]; then
            pytorch_case "$name $size" "$design" "$data" "$flops"
        fi
    done
done
rm -f "$dir/run.h5"
[ "$failed" = 0 ] || { echo "some runs failed; their output is in $dir/logs/" >&2; exit 1; }
