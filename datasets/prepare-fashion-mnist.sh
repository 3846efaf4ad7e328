#!/usr/bin/env bash
# Converts Fashion-MNIST (the IDX files of the dataset-fashion-mnist package) into the image
# folders strata trains on: OUT_DIR/train and OUT_DIR/test, one folder per class.
#
#   datasets/prepare-fashion-mnist.sh STRATA_BIN [OUT_DIR]
#
# OUT_DIR defaults to datasets/fashion-mnist next to this script. OUT_DIR/.complete is written
# last, so a finished conversion makes later calls silent and instant, and an interrupted one
# is simply redone (the import itself skips images already written).
# FASHION_MNIST_DIR overrides where the IDX files are read from.
set -euo pipefail

if [[ $# -lt 1 || $# -gt 2 || $1 == -h || $1 == --help ]]; then
    echo "usage: $0 STRATA_BIN [OUT_DIR]" >&2
    exit 2
fi
strata=$1
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=${2:-$here/fashion-mnist}
src=${FASHION_MNIST_DIR:-/usr/share/datasets/fashion-mnist}
classes=T-shirt_top,Trouser,Pullover,Dress,Coat,Sandal,Shirt,Sneaker,Bag,Ankle_boot

if [[ -f $out/.complete ]]; then
    exit 0
fi

for f in train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz; do
    if [[ ! -f $src/$f ]]; then
        echo "error: $src/$f is missing; install dataset-fashion-mnist" >&2
        exit 1
    fi
done
if [[ ! -x $strata || -d $strata ]]; then
    echo "error: $strata: not an executable (build strata first)" >&2
    exit 2
fi

# Counted from the folder rather than parsed from strata's output, so the marker states what
# is really on disk.
count_images() {
    find "$1" -type f -name '*.png' ! -name '.*' | wc -l | tr -d ' '
}

mkdir -p "$out"
report=""
for pair in train:train test:t10k; do
    split=${pair%%:*}
    prefix=${pair#*:}
    echo "preparing Fashion-MNIST $split images in $out/$split ..." >&2
    "$strata" import-idx "$src/$prefix-images-idx3-ubyte.gz" "$src/$prefix-labels-idx1-ubyte.gz" \
        --out "$out/$split" --classes "$classes"
    n=$(count_images "$out/$split")
    if [[ $n -eq 0 ]]; then
        echo "error: $out/$split: no images after import" >&2
        exit 1
    fi
    report+="$split $n"$'\n'
done

# Through a temporary and a rename, so the marker is never half written.
printf '%s' "$report" > "$out/.complete.tmp"
mv "$out/.complete.tmp" "$out/.complete"
