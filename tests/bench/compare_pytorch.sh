#!/usr/bin/env bash
# Strata vs. the PyTorch script a user would write (issue 8): one command, one table.
#
#   tests/bench/compare_pytorch.sh DESIGN DATA [EPOCHS=1] [THREADS=2]
#   tests/bench/compare_pytorch.sh --scaling DESIGN DATA [THREADS=2]   (see tests/bench/scaling.sh)
#
# Same design, data, batch size (64), epochs and threads on both sides:
#   end to end   strata train from the image folder with a cold decode cache (wall clock of the
#                whole command: decoding, training, run-file writes) against pytorch_baseline.py
#                (ImageFolder + DataLoader, num_workers = THREADS; its epochs' images/s)
#   compute only strata's epochs on its decoded-data cache against pytorch_baseline.py
#                --compute-only (the set decoded once into memory), in fp32 and in bf16
#                (autocast on both sides; "not supported" where the CPU has no bf16)
# and, to separate Strata's kernel choice from the rest, the script again with --kernels onednn
# (Linear and MaxPool2d on the oneDNN kernels Strata uses; SAME_KERNELS=0 skips it),
# and prints images/s, the ratios, the ceiling (Python compute-only / Python end to end: what a
# perfect input pipeline could gain over the script), the data-loading speed-up of the cache
# (PNG decode time / cache read time), train (and test) accuracies, and the CPU's bf16 flags.
#
# Environment:
#   LIMIT_PER_CLASS=K  train on the first K images (sorted by name) of each class, as symlinks
#                      in a temp folder used by both sides (default 2000; 0 = the whole folder)
#   TEST=DIR           also evaluate both on this folder (test accuracy)
#   STRATA=PATH        the strata binary (default build/app/strata)
#   PYTHON=PATH        python with torch + torchvision (default /usr/bin/python3)
#   NORM=dataset|fixed normalization of the Python side (default dataset, as Strata)
#   SKIP_BF16=1        skip the bf16 runs
#   REPEAT=N           run every case N times, interleaved, and keep each case's best run
#                      (default 2): on a shared machine the least disturbed run is the truest
# Not part of ctest: timings want a quiet machine (the load average is printed).
set -euo pipefail

if [ "${1:-}" = "--scaling" ]; then
    shift
    exec "$(dirname "$0")/scaling.sh" "$@"
fi
if [ $# -lt 2 ]; then
    sed -n '2,28p' "$0" | sed 's/^# \{0,1\}//'
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
TESTDIR=${TEST:-}

[ -x "$STRATA" ] || { echo "error: $STRATA not built" >&2; exit 1; }
[ -f "$DESIGN" ] || { echo "error: $DESIGN: no such design" >&2; exit 2; }
[ -d "$DATA" ] || { echo "error: $DATA: no such folder" >&2; exit 2; }
[ -z "$TESTDIR" ] || [ -d "$TESTDIR" ] || { echo "error: $TESTDIR: no such folder" >&2; exit 2; }
"$PYTHON" -c 'import torch, torchvision' 2>/dev/null || {
    echo "error: $PYTHON lacks torch/torchvision (apt-get install python3-torch python3-torchvision)" >&2
    exit 1
}

TMP=$(mktemp -d "${TMPDIR:-/tmp}/strata-bench.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
source "$(dirname "$0")/subset.sh"
TRAIN=$(make_subset "$DATA" "$K" "$TMP/data")
NIMG=$(find -L "$TRAIN" -mindepth 2 -maxdepth 2 -type f ! -name '.*' | wc -l)

FLAGS=$(grep -m1 '^flags' /proc/cpuinfo || true)
AMX=no; AVX512BF16=no
case " $FLAGS " in *" amx_bf16 "*) AMX=yes ;; esac
case " $FLAGS " in *" avx512_bf16 "*) AVX512BF16=yes ;; esac
BF16=no
{ [ $AMX = yes ] || [ $AVX512BF16 = yes ]; } && BF16=yes
[ "${SKIP_BF16:-0}" = 1 ] && BF16=skipped

echo "design $DESIGN; data $DATA ($NIMG images$( [ "$K" -gt 0 ] && echo ", first $K per class")); epochs $EPOCHS; batch $BATCH; threads $THREADS"
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) cores; amx_bf16 $AMX, avx512_bf16 $AVX512BF16"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"

now() { date +%s.%N; }
TESTARG=()
[ -n "$TESTDIR" ] && TESTARG=(--test "$TESTDIR")

# strata train PRECISION NAME: writes $TMP/NAME.json (metrics), NAME.err (stderr), NAME.wall.
strata_run() {
    local precision=$1 name=$2
    local t0 t1
    t0=$(now)
    XDG_CACHE_HOME=$TMP/cache "$STRATA" train "$DESIGN" --data "$TRAIN" "${TESTARG[@]}" --epochs "$EPOCHS" \
        --batch-size "$BATCH" --threads "$THREADS" --precision "$precision" --run "$TMP/$name.h5" \
        --metrics-json "$TMP/$name.json" 2> "$TMP/$name.err" > "$TMP/$name.out" \
        || { cat "$TMP/$name.err" >&2; exit 1; }
    t1=$(now)
    echo "$t0 $t1" | awk '{print $2 - $1}' > "$TMP/$name.wall"
    tr '\r' '\n' < "$TMP/$name.err" | grep -E 'images (decoded|read)|^epoch [0-9]+:|precision' | sed 's/^/  /'
}

# pytorch_baseline.py NAME ARGS...: writes $TMP/NAME.json.
python_run() {
    local name=$1
    shift
    "$PYTHON" "$ROOT/tests/bench/pytorch_baseline.py" "$DESIGN" --data "$TRAIN" "${TESTARG[@]}" --epochs "$EPOCHS" \
        --batch-size "$BATCH" --threads "$THREADS" --norm "$NORM" --json "$TMP/$name.json" "$@" \
        | grep -v '^RESULT ' | sed 's/^/  /'
}

REPEAT=${REPEAT:-2}
for r in $(seq 1 "$REPEAT"); do
    echo "=== round $r of $REPEAT (load $(cut -d' ' -f1-3 /proc/loadavg))"
    echo "--- strata train, cold decode cache (end to end)"
    rm -rf "$TMP/cache"
    strata_run fp32 "strata_e2e.$r"
    echo "--- strata train, decode cache warm (compute only, fp32)"
    strata_run fp32 "strata_fp32.$r"
    if [ $BF16 = yes ]; then
        echo "--- strata train --precision bf16, cache warm (compute only, bf16)"
        strata_run bf16 "strata_bf16.$r"
    fi
    echo "--- pytorch_baseline.py (ImageFolder + DataLoader, end to end)"
    python_run "py_e2e.$r"
    echo "--- pytorch_baseline.py --compute-only (fp32)"
    python_run "py_fp32.$r" --compute-only
    if [ "${SAME_KERNELS:-1}" = 1 ]; then
        echo "--- pytorch_baseline.py --kernels onednn (end to end, Strata's kernels)"
        python_run "py_e2e_onednn.$r" --kernels onednn
        echo "--- pytorch_baseline.py --compute-only --kernels onednn"
        python_run "py_fp32_onednn.$r" --compute-only --kernels onednn
    fi
    if [ $BF16 = yes ]; then
        echo "--- pytorch_baseline.py --compute-only --precision bf16"
        python_run "py_bf16.$r" --compute-only --precision bf16
    fi
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"

"$PYTHON" - "$TMP" "$NIMG" "$EPOCHS" "$BF16" "$REPEAT" <<'PYEOF'
import json, os, re, sys
tmp, nimg, epochs, bf16, repeat = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
n = nimg * epochs
def strata_ips(m):  # images/s over the training epochs (the loop only)
    e = m["epochs"]
    return sum(x["images_per_second"] * x["seconds"] for x in e) / sum(x["seconds"] for x in e)
def wall(name):
    return float(open(os.path.join(tmp, name + ".wall")).read())
def speed(name):  # what ranks the rounds of a case
    m = json.load(open(os.path.join(tmp, name + ".json")))
    if name.startswith("strata_e2e"):
        return n / wall(name)
    return strata_ips(m) if name.startswith("strata") else m["images_per_second"]
def best(case):  # the round with the highest speed
    names = [case + ".%d" % r for r in range(1, repeat + 1) if os.path.exists(os.path.join(tmp, case + ".%d.json" % r))]
    if not names:
        return None, None
    name = max(names, key=speed)
    return json.load(open(os.path.join(tmp, name + ".json"))), name
def load_seconds(case, word):  # the fastest load over the rounds
    ts = []
    for r in range(1, repeat + 1):
        p = os.path.join(tmp, case + ".%d.err" % r)
        if os.path.exists(p):
            m = re.search(r"(\d+) images %s in ([0-9.]+) s" % word, open(p).read())
            if m:
                ts.append(float(m.group(2)))
    return min(ts) if ts else None

(se, se_name), (s32, _), (s16, _) = best("strata_e2e"), best("strata_fp32"), best("strata_bf16")
(pe, _), (p32, _), (p16, _) = best("py_e2e"), best("py_fp32"), best("py_bf16")
(pek, _), (p32k, _) = best("py_e2e_onednn"), best("py_fp32_onednn")
s_e2e = n / wall(se_name)
p_e2e = pe["images_per_second"]
rows = [("end to end fp32 (img/s)", s_e2e, p_e2e),
        ("compute only fp32 (img/s)", strata_ips(s32), p32["images_per_second"])]
if pek and p32k:
    rows += [("e2e fp32, pytorch on oneDNN kernels", s_e2e, pek["images_per_second"]),
             ("compute fp32, pytorch on oneDNN kernels", strata_ips(s32), p32k["images_per_second"])]
if bf16 == "yes":
    rows.append(("compute only bf16 (img/s)", strata_ips(s16), p16["images_per_second"]))
print("=== results: %d images x %d epochs; best of %d rounds per case" % (nimg, epochs, repeat))
print("%-40s %12s %12s %8s" % ("", "strata", "pytorch", "ratio"))
for label, a, b in rows:
    print("%-40s %12.1f %12.1f %7.2fx" % (label, a, b, a / b))
if bf16 != "yes":
    print("%-40s %12s %12s" % ("compute only bf16", "not supported" if bf16 == "no" else "skipped", ""))
else:
    print("%-40s %11.2fx %11.2fx" % ("bf16 speed-up over fp32 compute", strata_ips(s16) / strata_ips(s32),
                                     p16["images_per_second"] / p32["images_per_second"]))
    print("%-40s %11.2fx" % ("strata bf16 / pytorch fp32 e2e", strata_ips(s16) / p_e2e))
print("%-40s %11.2fx   (python compute-only / python end to end)" % ("ceiling", p32["images_per_second"] / p_e2e))
print("%-40s %12.1f   (its epochs alone, decoding excluded)" % ("strata cold run, epoch loop", strata_ips(se)))
dec, hit = load_seconds("strata_e2e", "decoded"), load_seconds("strata_fp32", "read from the decode cache")
if dec and hit:
    print("%-40s %9.3f s %9.3f s %7.1fx   (PNG decode / cache read)" % ("data loading: decode vs cache", dec, hit, dec / hit))
print("%-40s %12.4f %12.4f" % ("final train accuracy fp32", se["epochs"][-1]["train_accuracy"], pe["train_accuracy"]))
if bf16 == "yes":
    print("%-40s %12.4f %12.4f" % ("final train accuracy bf16", s16["epochs"][-1]["train_accuracy"], p16["train_accuracy"]))
if "test" in se and "test" in pe:
    print("%-40s %12.4f %12.4f" % ("test accuracy fp32", se["test"]["accuracy"], pe["test"]["accuracy"]))
    if bf16 == "yes" and "test" in s16:
        print("%-40s %12.4f %12.4f" % ("test accuracy bf16", s16["test"]["accuracy"], p16["test"]["accuracy"]))
print("ratio strata/pytorch end to end: %.2f (target >= 1.2); compute only: %.2f (target >= 1.0)"
      % (s_e2e / p_e2e, strata_ips(s32) / p32["images_per_second"]))
if pek and p32k:
    print("on the same oneDNN kernels: end to end %.2f, compute only %.2f"
          % (s_e2e / pek["images_per_second"], strata_ips(s32) / p32k["images_per_second"]))
PYEOF
