#!/usr/bin/env bash
# GPU check for a machine with an NVIDIA GPU, the CUDA toolkit and a PyTorch (pip) install:
#   1. configures the engine + CLI only against PyTorch's LibTorch and builds wan-generate and bench_generate;
#   2. runs the fixture generations on the GPU and compares the final latents with the reference;
#   3. times a T2V-1.3B generation (random weights, real dims) at 832x480x81, 50 steps: s/step and peak GPU
#      memory, without and with --offload_model.
#
# Usage: tests/scripts/gpu_check.sh            (from anywhere; ~10 min on one H100, most of it the two 50-step runs)
# Environment: PYTHON (default python3), WAN_FIXTURES_DIR (default <repo>/../shared/fixtures),
#   WAN_GPU_BUILD_DIR (default <repo>/build/gpu), WAN_GPU_DEVICE (default cuda), WAN_BENCH_STEPS (default 50),
#   WAN_BENCH_SIZE (default 832*480), WAN_BENCH_FRAMES (default 81), WAN_BENCH_BATCHED=1 (also time the
#   batch-2 CFG call), WAN_CMAKE_ARGS (extra configure flags).
# Build dependencies besides PyTorch (Debian/Ubuntu): cmake ninja-build pkg-config libspdlog-dev
#   nlohmann-json3-dev libsentencepiece-dev libavcodec-dev libavformat-dev libavutil-dev libswscale-dev
#   libopencv-dev (or add -DWAN_WITH_FFMPEG=OFF / -DWAN_WITH_OPENCV=OFF to WAN_CMAKE_ARGS).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PYTHON="${PYTHON:-python3}"
BUILD="${WAN_GPU_BUILD_DIR:-$ROOT/build/gpu}"
FIXTURES="${WAN_FIXTURES_DIR:-$ROOT/../shared/fixtures}"
DEVICE="${WAN_GPU_DEVICE:-cuda}"
STEPS="${WAN_BENCH_STEPS:-50}"
SIZE="${WAN_BENCH_SIZE:-832*480}"
FRAMES="${WAN_BENCH_FRAMES:-81}"
OUT="$(mktemp -d "${TMPDIR:-/tmp}/wan-gpu-check.XXXXXX")"
FAILURES=0

say() { printf '\n== %s\n' "$*"; }
fail() { printf 'FAIL: %s\n' "$*"; FAILURES=$((FAILURES + 1)); }
die() { printf 'gpu_check: %s\n' "$*" >&2; exit 1; }

# --- 1. PyTorch, CUDA and the build -------------------------------------------------------------------------
say "PyTorch"
"$PYTHON" -c 'import torch' 2>/dev/null || die "$PYTHON cannot import torch (set PYTHON=/path/to/python)"
TORCH_PREFIX="$("$PYTHON" -c 'import torch; print(torch.utils.cmake_prefix_path)')"
"$PYTHON" - <<'PY' || die "PyTorch sees no CUDA device"
import torch
print(f"torch {torch.__version__}, CUDA {torch.version.cuda}, cxx11 ABI {torch._C._GLIBCXX_USE_CXX11_ABI}")
assert torch.cuda.is_available()
for i in range(torch.cuda.device_count()):
    p = torch.cuda.get_device_properties(i)
    print(f"cuda:{i} {p.name}, {p.total_memory / 2**30:.1f} GiB")
PY
if [ "$("$PYTHON" -c 'import torch; print(int(torch._C._GLIBCXX_USE_CXX11_ABI))')" != 1 ]; then
    die "this PyTorch build uses the pre-C++11 ABI (wheels older than 2.7): it cannot link with the system's spdlog, fmt and OpenCV. Install torch >= 2.7 or a cxx11-ABI LibTorch."
fi
# LibTorch's CMake config looks for the CUDA toolkit of a CUDA build (nvcc + headers).
if ! command -v nvcc >/dev/null 2>&1 && [ -z "${CUDACXX:-}" ] && [ ! -x "${CUDA_HOME:-/usr/local/cuda}/bin/nvcc" ]; then
    die "no CUDA toolkit found (nvcc): install the toolkit matching torch.version.cuda or set CUDA_HOME"
fi
if [ -z "${CUDACXX:-}" ] && ! command -v nvcc >/dev/null 2>&1; then
    CUDACXX="${CUDA_HOME:-/usr/local/cuda}/bin/nvcc"
    PATH="$(dirname "$CUDACXX"):$PATH"
    export CUDACXX PATH
fi

say "Configure and build ($BUILD)"
GENERATOR=()
command -v ninja >/dev/null 2>&1 && GENERATOR=(-G Ninja)
# shellcheck disable=SC2086
cmake -S "$ROOT" -B "$BUILD" ${GENERATOR[@]+"${GENERATOR[@]}"} -DCMAKE_BUILD_TYPE=Release -DWAN_BUILD_GUI=OFF \
    -DWAN_BUILD_TESTS=OFF -DCMAKE_PREFIX_PATH="$TORCH_PREFIX" ${WAN_CMAKE_ARGS:-}
grep -q 'WAN_WITH_CUDA=1' "$BUILD/build.ninja" 2>/dev/null || grep -rqs 'WAN_WITH_CUDA=1' "$BUILD/core/src/pipeline" ||
    printf 'note: the engine was configured without CUDA memory queries (LibTorch exposes no c10_cuda target)\n'
cmake --build "$BUILD" --target wan-generate bench_generate -j "$(nproc)"
GEN="$BUILD/app/wan-generate/wan-generate"
BENCH="$BUILD/tests/bench/bench_generate"
[ -x "$GEN" ] || die "wan-generate was not built"

# Compares the "latents" tensor of a file we wrote with a reference key (max abs error <= tolerance).
compare_latents() { # got.safetensors ref.safetensors key tolerance label
    "$PYTHON" - "$@" <<'PY'
import json, struct, sys
import numpy as np

def load(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    kinds = {"F32": np.float32, "I64": np.int64, "U8": np.uint8}
    out = {}
    for key, v in header.items():
        if key == "__metadata__":
            continue
        a, b = v["data_offsets"]
        out[key] = np.frombuffer(data[a:b], dtype=kinds[v["dtype"]]).reshape(v["shape"])
    return out

got_path, ref_path, key, tol, label = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]), sys.argv[5]
got = load(got_path)["latents"].astype(np.float64)
want = load(ref_path)[key].astype(np.float64)
if got.shape != want.shape:
    print(f"{label}: shape {got.shape} != reference {want.shape}")
    sys.exit(1)
err = float(np.abs(got - want).max())
print(f"{label}: latents max abs error {err:.3g} (tolerance {tol:g}) -> {'ok' if err <= tol else 'TOO LARGE'}")
sys.exit(0 if err <= tol else 1)
PY
}

# --- 2. Fixture generations on the GPU -----------------------------------------------------------------------
say "Fixture generations on $DEVICE"
if [ -d "$FIXTURES/wan-tiny-t2v" ]; then
    T2V="$FIXTURES/wan-tiny-t2v"
    PROMPT_T2V='Two anthropomorphic cats in comfy boxing gear and bright gloves fight intensely on a spotlighted stage.'
    for solver in unipc dpmpp; do
        flag="$solver"; [ "$solver" = dpmpp ] && flag="dpm++"
        # fp32 without TF32 is the parity configuration: noise is drawn on the CPU as in the reference.
        "$GEN" --ckpt_dir "$T2V" --task t2v-1.3B --size '48*32' --frame_num 9 --sample_steps 4 \
            --sample_shift 5.0 --sample_guide_scale 5.0 --sample_solver "$flag" --base_seed 42 \
            --prompt "$PROMPT_T2V" --device "$DEVICE" --precision fp32 --quiet \
            --save_file "$OUT/t2v_$solver.mp4" --save_latents "$OUT/t2v_$solver.safetensors" ||
            fail "wan-generate t2v $solver on $DEVICE"
        compare_latents "$OUT/t2v_$solver.safetensors" "$T2V/reference/e2e_t2v_$solver.safetensors" x0 5e-4 \
            "t2v $solver fp32 $DEVICE" || fail "t2v $solver fp32 latents"
    done
    # bf16 (the default on CUDA): reported, not held to the fp32 tolerance.
    "$GEN" --ckpt_dir "$T2V" --task t2v-1.3B --size '48*32' --frame_num 9 --sample_steps 4 --base_seed 42 \
        --prompt "$PROMPT_T2V" --device "$DEVICE" --precision bf16 --quiet \
        --save_file "$OUT/t2v_bf16.mp4" --save_latents "$OUT/t2v_bf16.safetensors" || fail "wan-generate t2v bf16"
    compare_latents "$OUT/t2v_bf16.safetensors" "$T2V/reference/e2e_t2v_unipc.safetensors" x0 1e9 \
        "t2v unipc bf16 $DEVICE (informational)" || true
else
    fail "fixtures not found at $FIXTURES (set WAN_FIXTURES_DIR)"
fi
if [ -d "$FIXTURES/wan-tiny-i2v" ]; then
    I2V="$FIXTURES/wan-tiny-i2v"
    PROMPT_I2V="$("$PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1]))["prompt"])' "$I2V/reference/e2e_i2v_unipc.json")"
    "$GEN" --ckpt_dir "$I2V" --task i2v-14B --image "$I2V/reference/i2v_input.png" --size '64*48' --frame_num 9 \
        --sample_steps 4 --sample_shift 3.0 --sample_solver unipc --base_seed 7 --prompt "$PROMPT_I2V" \
        --device "$DEVICE" --precision fp32 --quiet \
        --save_file "$OUT/i2v.mp4" --save_latents "$OUT/i2v.safetensors" || fail "wan-generate i2v on $DEVICE"
    compare_latents "$OUT/i2v.safetensors" "$I2V/reference/e2e_i2v_unipc.safetensors" x0 5e-4 \
        "i2v unipc fp32 $DEVICE" || fail "i2v fp32 latents"
fi

# --- 3. T2V-1.3B speed and memory on random weights ---------------------------------------------------------
say "T2V-1.3B random weights, $SIZE x $FRAMES frames, $STEPS steps, bf16, without offload"
"$BENCH" --random-weights --device "$DEVICE" --precision bf16 --size "$SIZE" --frame_num "$FRAMES" \
    --sample_steps "$STEPS" --offload_model False || fail "bench_generate without offload"
say "T2V-1.3B random weights, $SIZE x $FRAMES frames, $STEPS steps, bf16, with --offload_model True"
"$BENCH" --random-weights --device "$DEVICE" --precision bf16 --size "$SIZE" --frame_num "$FRAMES" \
    --sample_steps "$STEPS" --offload_model True || fail "bench_generate with offload"

if [ "${WAN_BENCH_BATCHED:-0}" = 1 ]; then
    say "T2V-1.3B random weights, $SIZE x $FRAMES frames, $STEPS steps, bf16, batch-2 CFG"
    "$BENCH" --random-weights --device "$DEVICE" --precision bf16 --size "$SIZE" --frame_num "$FRAMES" \
        --sample_steps "$STEPS" --batched_cfg --no-decode || fail "bench_generate with batched CFG"
fi

say "Summary"
rm -rf "$OUT"
if [ "$FAILURES" -ne 0 ]; then
    printf '%d check(s) failed\n' "$FAILURES"
    exit 1
fi
printf 'all GPU checks passed\n'
