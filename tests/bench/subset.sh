# Sourced by the benchmark scripts. make_subset DATA K OUT: prints a folder holding the first K
# images (sorted by name) of each class of DATA as symlinks under OUT, or DATA itself for K = 0.
make_subset() {
    local data=$1 k=$2 out=$3
    if [ "$k" -le 0 ]; then
        echo "$data"
        return
    fi
    local data_abs cls name
    data_abs=$(cd "$data" && pwd)
    for cls in "$data_abs"/*/; do
        cls=${cls%/}
        name=$(basename "$cls")
        case $name in .*) continue ;; esac
        mkdir -p "$out/$name"
        find "$cls" -maxdepth 1 -type f ! -name '.*' \
            \( -iname '*.png' -o -iname '*.jpg' -o -iname '*.jpeg' -o -iname '*.bmp' -o -iname '*.tif' -o -iname '*.tiff' \) \
            | LC_ALL=C sort | sed -n "1,${k}p" | xargs -r -d '\n' ln -s -t "$out/$name"
    done
    echo "$out"
}
