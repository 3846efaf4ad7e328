#!/usr/bin/env bash
# Strata's two entry points on Debian 12:
#   installer/bootstrap.sh run [DESIGN] [studio options]   set up, prepare the default data, open the studio
#   installer/bootstrap.sh test                            set up, build, run every test (ctest)
# Both install only the Debian packages that are missing, build into build/ and are quiet
# when there is nothing to do.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build="$root/build"
mode=${1:-}
[ $# -gt 0 ] && shift

packages=(
  build-essential cmake ninja-build pkg-config
  qt6-base-dev qt6-tools-dev libgl-dev libqcustomplot-dev
  libtorch-dev libgloo-dev libonnx-dev libprotobuf-dev libopencv-dev libhdf5-dev nlohmann-json3-dev zlib1g-dev libssl-dev
  dataset-fashion-mnist
  xvfb xauth python3-h5py python3-numpy python3-onnx desktop-file-utils
)

install_missing() {
  local missing=() p
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "error: missing packages (${missing[*]}) and not root; rerun as root" >&2; exit 1; }
    sudo=(sudo)
  fi
  echo "installing ${#missing[@]} Debian packages: ${missing[*]}"
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# ONNX Runtime for the export tests (OpenCV 4.6 cannot run the token layers' graphs): the npm
# package carries its Linux x64 library. --ignore-scripts skips its install script, which would
# fetch optional GPU parts from outside the npm registry. Without it the tests that need it skip.
ort_package=onnxruntime-node@1.30.0
install_onnxruntime() {
  local dir="$build/onnxruntime-node"
  grep -qs '"version": "1.30.0"' "$dir/node_modules/onnxruntime-node/package.json" && return 0
  echo "installing $ort_package into build/onnxruntime-node (npm)"
  npm install --prefix "$dir" --ignore-scripts --no-audit --no-fund --silent "$ort_package" >/dev/null ||
    echo "warning: npm could not install $ort_package; the ONNX Runtime export checks will skip" >&2
}

build_all() {
  if [ ! -f "$build/build.ninja" ]; then
    echo "configuring build/ (Release, Ninja)"
    cmake -G Ninja -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
  fi
  ninja -C "$build" --quiet
}

case "$mode" in
  run)
    install_missing
    build_all
    "$root/datasets/prepare-fashion-mnist.sh" "$build/app/strata"
    args=(--data "$root/datasets/fashion-mnist/train" "$@")
    if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
      case " $* " in
        *" --screenshot "*) exec xvfb-run -a -s "-screen 0 1920x1200x24" "$build/app/strata" "${args[@]}" ;;
      esac
      echo "error: no display (DISPLAY is unset): run this from a desktop session, or add --screenshot FILE.png" >&2
      exit 1
    fi
    exec "$build/app/strata" "${args[@]}"
    ;;
  test)
    command -v npm >/dev/null || packages+=(nodejs npm)
    install_missing
    build_all
    install_onnxruntime
    cd "$build"
    exec ctest --output-on-failure --timeout 900 "$@"
    ;;
  *)
    echo "usage: $0 run [DESIGN] [studio options] | $0 test [ctest options]" >&2
    exit 2
    ;;
esac
