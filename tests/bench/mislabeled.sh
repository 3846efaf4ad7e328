#!/usr/bin/env bash
# Issue 19's mislabeled-image benchmark (not a timed test). Copies the first 1,000 images of each
# class of datasets/fashion-mnist/train to a folder under /tmp, moves a seeded 3 % (300 files) to
# a wrong class folder, trains the reference CNN for 5 epochs and reports the precision and
# recall of the top-300 "probably mislabeled" list (strata examples --mislabeled) against plain
# loss ranking at the last epoch (-log p of the label). Then trains again with the record off
# (STRATA_NO_EXAMPLE_RECORD, used only here) for the epoch-time overhead and the size the record
# adds to the run file. Run it holding the build lock:
#   flock /tmp/strata-build.lock tests/bench/mislabeled.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
strata=${STRATA_BIN:-$root/build/app/strata}
src=$root/datasets/fashion-mnist/train
work=${WORK:-/tmp/strata-bench-mislabeled}
epochs=${EPOCHS:-5}
rm -rf "$work" && mkdir -p "$work/data"
for cls in "$src"/*/; do
    name=$(basename "$cls")
    mkdir -p "$work/data/$name"
    find "$cls" -maxdepth 1 -name '*.png' | LC_ALL=C sort | sed -n '1,1000p' | xargs -d '\n' cp -t "$work/data/$name"
done
python3 - "$work" <<'PY'
import os, random, sys
work = sys.argv[1]; data = os.path.join(work, "data")
classes = sorted(os.listdir(data))
files = sorted((c, f) for c in classes for f in os.listdir(os.path.join(data, c)))
rng = random.Random(19)
moved = []
for c, f in rng.sample(files, 300):
    target = rng.choice([k for k in classes if k != c])
    os.rename(os.path.join(data, c, f), os.path.join(data, target, f))
    moved.append(os.path.join(target, f))
open(os.path.join(work, "moved.txt"), "w").write("\n".join(moved) + "\n")
PY
design=$root/resources/templates/reference-cnn.strata.json
train() {  # RUN METRICS [env...]
    env "${@:3}" STRATA_NO_CACHE=1 "$strata" train "$design" --data "$work/data" --epochs "$epochs" --seed 1 \
        --run "$1" --metrics-json "$2" > /dev/null
}
train "$work/with.h5" "$work/with.json"
train "$work/without.h5" "$work/without.json" STRATA_NO_EXAMPLE_RECORD=1
"$strata" examples "$work/with.h5" --mislabeled 100000 --json "$work/all.json" > /dev/null
python3 - "$work" <<'PY'
import json, math, os, sys
work = sys.argv[1]
moved = set(open(os.path.join(work, "moved.txt")).read().split())
items = json.load(open(os.path.join(work, "all.json")))["items"]
def key(item):  # "Class/file.png" from the stored path
    p = item["path"].split("/")
    return p[-2] + "/" + p[-1]
def report(name, ranked):
    top = set(key(i) for i in ranked[:300])
    hits = len(top & moved)
    print(f"{name:28s} top-300 precision {hits / 300:.3f}  recall {hits / len(moved):.3f}")
report("probably mislabeled (list)", items)
report("last-epoch loss", sorted(items, key=lambda i: i["last_probability"]))  # highest -log p first
report("mean probability only", sorted(items, key=lambda i: i["mean_probability"]))
def epoch_seconds(f):
    return [e["seconds"] for e in json.load(open(os.path.join(work, f)))["epochs"]]
w, wo = epoch_seconds("with.json"), epoch_seconds("without.json")
print("epoch seconds with record   ", " ".join(f"{s:.2f}" for s in w))
print("epoch seconds without record", " ".join(f"{s:.2f}" for s in wo))
print(f"overhead {100 * (sum(w) / sum(wo) - 1):+.1f} % (total), {100 * (min(w) / min(wo) - 1):+.1f} % (fastest epoch)")
a, b = os.path.getsize(os.path.join(work, "with.h5")), os.path.getsize(os.path.join(work, "without.h5"))
print(f"run file {a} bytes with record, {b} without: +{(a - b) / 1024:.0f} KiB")
PY
