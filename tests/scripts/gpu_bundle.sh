#!/usr/bin/env bash
# Prepares, on a machine with Debian's and PyPI's package registries, what tests/scripts/gpu_check.sh needs on a
# GPU machine that cannot download anything: the Debian packages of the engine's build dependencies (unpacked
# there with dpkg-deb -x into a private prefix), self-contained cmake and ninja wheels (used when the machine has
# none), and a copy of the reference fixtures. Everything goes to build/gpu-bundle (ignored by git), which is
# handed to the GPU machine with the working tree (for the device tool: carry ["build/gpu-bundle"]).
#
# Usage: bash tests/scripts/gpu_bundle.sh       (a few seconds; ~60 MB; FIXTURES=dir to take others)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bundle="$root/build/gpu-bundle"
fixtures="${WAN_FIXTURES_DIR:-$root/../shared/fixtures}"

# Build dependencies of the engine, CLI and benchmarks as gpu_check.sh configures them (no Qt, no FFmpeg,
# no OpenCV, no libcurl: the check writes latents and timings, never an MP4, and reads PNGs with zlib; OpenSSL's
# libcrypto for the model downloader's checksums, which the engine library always has).
packages=(libspdlog-dev libspdlog1.10 libfmt-dev libfmt9 nlohmann-json3-dev libsentencepiece-dev libsentencepiece0
    zlib1g-dev libssl-dev libssl3)

rm -rf "$bundle"
mkdir -p "$bundle/debs" "$bundle/wheels"
(cd "$bundle/debs" && apt-get download "${packages[@]}" 2>&1 | grep -v "^W: Download is performed unsandboxed" || true)
for p in "${packages[@]}"; do
    ls "$bundle/debs/${p}_"*.deb >/dev/null 2>&1 || { echo "gpu_bundle: could not download $p" >&2; exit 1; }
done

python3 -m pip download --disable-pip-version-check -q --no-deps --only-binary=:all: \
    --platform manylinux2014_x86_64 --python-version 3.11 -d "$bundle/wheels" cmake ninja

if [ -d "$fixtures" ]; then
    mkdir -p "$bundle/fixtures"
    cp -r "$fixtures"/wan-tiny-* "$bundle/fixtures/"
else
    echo "gpu_bundle: no fixtures at $fixtures (set WAN_FIXTURES_DIR): the check will skip parity" >&2
fi
du -sh "$bundle" "$bundle"/*
size_kb="$(du -sk "$bundle" | cut -f1)"
if [ "$size_kb" -gt $((64 * 1024)) ]; then
    echo "gpu_bundle: the bundle is larger than the 64 MiB the device tool carries" >&2
    exit 1
fi
