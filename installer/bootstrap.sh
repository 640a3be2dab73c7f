#!/usr/bin/env bash
# Sets up a Debian 12 machine, builds Wan Studio and runs it (`run`) or its test suite (`test`).
#   bash installer/bootstrap.sh run     # install packages, build, open Wan Studio
#   bash installer/bootstrap.sh test    # install packages, build, run every test
# Environment: BUILD_DIR (default build), JOBS (default: number of cores), WAN_SKIP_APT=1 to skip apt,
# WAN_TORCH_VENV (default ${XDG_CACHE_HOME:-$HOME/.cache}/wan-studio/torch-<pinned version>): where the pinned
# torch wheel (LibTorch with CUDA) and NVIDIA's matching CUDA compiler/headers are installed and kept.
set -euo pipefail

mode="${1:-run}"
shift || true
src="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${BUILD_DIR:-$src/build}"
jobs="${JOBS:-$(nproc)}"

packages=(
    build-essential cmake ninja-build pkg-config ccache clang libclang-rt-14-dev clang-format
    python3 python3-venv libsentencepiece-dev
    qt6-base-dev qt6-multimedia-dev qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools libgl1-mesa-dev libqt6svg6 qt6-image-formats-plugins
    libavcodec-dev libavformat-dev libavutil-dev libswscale-dev ffmpeg
    libopencv-dev libcurl4-openssl-dev libssl-dev ca-certificates libspdlog-dev nlohmann-json3-dev qtkeychain-qt6-dev
    xvfb xauth xdotool # gui_xvfb: the real app on a virtual display, driven through its window
    dbus-daemon # test_taskbarprogress: the launcher-entry signal over a private session bus
)

install_packages() {
    if [ "${WAN_SKIP_APT:-0}" = 1 ]; then return; fi
    local missing=()
    for p in "${packages[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return
    echo "Installing ${#missing[@]} Debian packages: ${missing[*]}"
    local sudo=()
    [ "$(id -u)" -ne 0 ] && sudo=(sudo)
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# The pinned LibTorch: PyPI's torch wheel (CUDA build) in a virtual environment outside the source tree, reused by
# every later clone. NVIDIA's PyPI packages provide the CUDA compiler and headers that LibTorch's CMake config
# needs, so the machine needs no CUDA toolkit (and none is needed to run on the CPU).
torch_requirements="$src/installer/torch-requirements.txt"
torch_version="$(sed -n 's/^torch==//p' "$torch_requirements")"
torch_venv="${WAN_TORCH_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/wan-studio/torch-$torch_version}"
export WAN_TORCH_VENV="$torch_venv"

install_torch() {
    local stamp="$torch_venv/.wan-requirements"
    if [ -f "$stamp" ] && cmp -s "$stamp" "$torch_requirements"; then
        return
    fi
    echo "Installing LibTorch $torch_version (PyPI torch wheel, CUDA build) into $torch_venv"
    mkdir -p "$(dirname "$torch_venv")"
    [ -x "$torch_venv/bin/python" ] || /usr/bin/python3 -m venv "$torch_venv"
    local attempt
    for attempt in 1 2 3; do
        if "$torch_venv/bin/python" -m pip install --disable-pip-version-check --progress-bar off -q \
            -r "$torch_requirements"; then
            break
        fi
        if [ "$attempt" = 3 ]; then
            echo "Could not install the torch wheel from PyPI (see above). Check the network or proxy and run" \
                "this command again: finished downloads are kept in pip's cache." >&2
            exit 4
        fi
        echo "pip failed (attempt $attempt of 3); retrying in $((attempt * 10)) s" >&2
        sleep $((attempt * 10))
    done
    # NVIDIA's wheels ship versioned sonames only (libcudart.so.13); CMake's CUDA search wants libcudart.so.
    local lib base
    for lib in "$torch_venv"/lib/python3*/site-packages/nvidia/*/lib/lib*.so.*; do
        [ -e "$lib" ] || continue
        base="$(basename "$lib")"
        base="${base%%.so.*}.so"
        [ -e "$(dirname "$lib")/$base" ] || ln -s "$(basename "$lib")" "$(dirname "$lib")/$base"
    done
    cp "$torch_requirements" "$stamp"
}

# Python packages only the tests use (installer/test-requirements.txt: llama.cpp's gguf package, the oracle of the
# GGUF dequantiser tests), into the same virtual environment; never needed to run Wan Studio. ctest's
# gguf_oracle_files fixture installs them as well when they are missing.
install_test_python() {
    local requirements="$src/installer/test-requirements.txt"
    "$torch_venv/bin/python" -m pip install --disable-pip-version-check --progress-bar off -q --no-deps \
        -r "$requirements" && cp "$requirements" "$torch_venv/.wan-test-requirements" ||
        echo "Could not install the test-only Python packages; the GGUF oracle test will try again." >&2
}

configure_and_build() {
    # ccache: relative paths make hits across clones; the sloppiness lets it cache sources using the torch PCH.
    export CCACHE_BASEDIR="$src"
    export CCACHE_SLOPPINESS="pch_defines,time_macros,include_file_mtime,include_file_ctime"
    export CCACHE_MAXSIZE="${CCACHE_MAXSIZE:-8G}"
    cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release "$@"
    cmake --build "$build" -j "$jobs"
}

case "$mode" in
run)
    install_packages
    install_torch
    configure_and_build
    if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ -z "${QT_QPA_PLATFORM:-}" ]; then
        echo
        echo "No display found, so Wan Studio (the desktop app) cannot open here."
        echo "Generate from the command line instead, for example:"
        echo "  $build/app/wan-generate/wan-generate --task t2v-1.3B --size 832*480 \\"
        echo "      --ckpt_dir /path/to/Wan2.1-T2V-1.3B --prompt \"A cat surfing at sunset\" --save_file cat.mp4"
        echo "  $build/app/wan-generate/wan-generate --inspect --ckpt_dir /path/to/Wan2.1-T2V-1.3B"
        echo "Or run the app on a virtual display: xvfb-run $build/app/wan-studio/wan-studio"
        exit 3
    fi
    exec "$build/app/wan-studio/wan-studio" "$@"
    ;;
test)
    install_packages
    install_torch
    install_test_python
    # The tests' build must compile the own CUDA kernels (a missing CUDA compiler fails here, not silently).
    configure_and_build -DWAN_CUDA_KERNELS=ON
    export QT_QPA_PLATFORM=offscreen
    status=0
    ctest --test-dir "$build" --output-on-failure -j "$jobs" || status=1
    # Sanitizer build of the torch-free checkpoint parsers, then bounded fuzzing of the same parsers.
    WAN_ASAN_BUILD_DIR="$build-asan" WAN_JOBS="$jobs" bash "$src/tests/scripts/run_sanitizers.sh" || status=1
    WAN_FUZZ_BUILD_DIR="$build-fuzz" WAN_JOBS="$jobs" bash "$src/tests/scripts/run_fuzzers.sh" "${FUZZ_SECONDS:-20}" \
        || status=1
    exit $status
    ;;
*)
    echo "usage: $0 run|test" >&2
    exit 2
    ;;
esac
