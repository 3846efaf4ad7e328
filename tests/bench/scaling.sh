#!/usr/bin/env bash
# How Strata's epoch time grows with the data and with the network (issue 8).
#
#   tests/bench/scaling.sh DESIGN DATA [THREADS=2]
#
# 1. Data: one epoch of DESIGN on the first 1000, 3000 and 6000 images per class of DATA (10k,
#    30k, 60k images for Fashion-MNIST); the epoch's time excludes decoding.
# 2. Width: one epoch on WIDTH_PER_CLASS images per class (default 1000) with DESIGN's Conv2d
#    out_channels and hidden Linear out_features scaled by 0.5, 1 and 2 (designs generated).
# Prints seconds per epoch and images/s; for data, seconds per 1000 images relative to the
# smallest set (flat = linear in the data); for width, parameters and epoch time relative to
# x0.5 (convolution cost grows with width squared, the hidden Linear's with width).
# Environment: STRATA=PATH (default build/app/strata), SIZES="1000 3000 6000",
# WIDTHS="0.5 1 2", WIDTH_PER_CLASS=1000, PYTHON=PATH (for the design generator).
set -euo pipefail
if [ $# -lt 2 ]; then
    sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
fi
DESIGN=$1
DATA=$2
THREADS=${3:-2}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
STRATA=${STRATA:-$ROOT/build/app/strata}
PYTHON=${PYTHON:-/usr/bin/python3}
SIZES=${SIZES:-1000 3000 6000}
WIDTHS=${WIDTHS:-0.5 1 2}
WPC=${WIDTH_PER_CLASS:-1000}
[ -x "$STRATA" ] || { echo "error: $STRATA not built" >&2; exit 1; }
TMP=$(mktemp -d "${TMPDIR:-/tmp}/strata-scaling.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
source "$(dirname "$0")/subset.sh"

# epoch DESIGN FOLDER: prints "images seconds images_per_second" of one epoch. The epoch's
# time excludes decoding (done before the first epoch), so no warm cache is needed.
epoch() {
    local design=$1 folder=$2
    XDG_CACHE_HOME=$TMP/cache "$STRATA" train "$design" --data "$folder" --epochs 1 --threads "$THREADS" \
        --run "$TMP/run.h5" --metrics-json "$TMP/m.json" 2> "$TMP/err" > /dev/null || { cat "$TMP/err" >&2; exit 1; }
    "$PYTHON" -c 'import json,sys; e=json.load(open(sys.argv[1]))["epochs"][0]; n=round(e["images_per_second"]*e["seconds"]); print(n, e["seconds"], e["images_per_second"])' "$TMP/m.json"
}

echo "design $DESIGN; data $DATA; threads $THREADS; load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "=== epoch time vs data size"
printf '%-10s %10s %10s %12s %14s\n' images seconds img/s "s/1k img" relative
base=""
for k in $SIZES; do
    folder=$(make_subset "$DATA" "$k" "$TMP/data-$k")
    read -r n s ips < <(epoch "$DESIGN" "$folder")
    per=$(awk -v s="$s" -v n="$n" 'BEGIN{printf "%.4f", s/n*1000}')
    [ -z "$base" ] && base=$per
    printf '%-10s %10.2f %10.1f %12s %13.2fx\n' "$n" "$s" "$ips" "$per" "$(awk -v a="$per" -v b="$base" 'BEGIN{print a/b}')"
done

echo "=== epoch time vs width (Conv2d channels and hidden Linear features scaled)"
folder=$(make_subset "$DATA" "$WPC" "$TMP/data-w")
printf '%-8s %12s %10s %10s %10s %10s\n' width parameters seconds img/s "params x" "time x"
base_s=""; base_p=""
for w in $WIDTHS; do
    "$PYTHON" - "$DESIGN" "$w" "$TMP/w$w.strata.json" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1])); f = float(sys.argv[2])
for n in d["nodes"]:
    p = n.get("params", {})
    if n["type"] == "Conv2d":
        p["out_channels"] = max(1, round(p["out_channels"] * f))
    if n["type"] == "Linear" and p.get("out_features") != "classes":
        p["out_features"] = max(1, round(p["out_features"] * f))
d["name"] = d.get("name", "design") + "-x" + sys.argv[2]
json.dump(d, open(sys.argv[3], "w"), indent=1)
PYEOF
    params=$("$STRATA" check "$TMP/w$w.strata.json" | awk '/total/ {for (i = 1; i <= NF; ++i) if ($i ~ /^[0-9,]+$/) p = $i} END {gsub(",", "", p); print p}')
    read -r n s ips < <(epoch "$TMP/w$w.strata.json" "$folder")
    [ -z "$base_s" ] && { base_s=$s; base_p=$params; }
    printf '%-8s %12s %10.2f %10.1f %9.2fx %9.2fx\n' "x$w" "$params" "$s" "$ips" \
        "$(awk -v a="$params" -v b="$base_p" 'BEGIN{print a/b}')" "$(awk -v a="$s" -v b="$base_s" 'BEGIN{print a/b}')"
done
