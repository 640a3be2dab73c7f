#!/usr/bin/env bash
# The device check: run by hand on an NVIDIA GPU machine, in one call of under 9 minutes (H100/H200).
#
# That machine needs only a CUDA PyTorch in python3 (no other Python package), a C++ compiler, and the bundle
# that tests/scripts/gpu_bundle.sh prepares on a machine with package registries (build/gpu-bundle: the Debian
# packages of spdlog/fmt/nlohmann-json/sentencepiece/zlib, cmake and ninja wheels, a copy of the fixtures).
#
#   1. builds the engine, the CLI and the benchmarks against python3's torch (Release, all cores; no CUDA
#      toolkit needed: cmake/WanTorchImport.cmake);
#   2. fp32 CUDA parity of every end-to-end case of the fixtures vs the official CPU references (max abs error,
#      fail above 5e-4), plus bf16 runs with their error printed; then the own CUDA kernels (built when nvcc is
#      found: NVCC, PATH, CUDA_HOME, /usr/local/cuda, PyPI's next to torch) against the LibTorch formulas they
#      replace, at 1.3B and 14B dims (bench_kernels: difference within tolerance, time, peak memory);
#   3. real-dims random-weight benchmarks: T2V-1.3B 832x480x81 for 8 steps resident / offload / block-streamed
#      (s/step, peak reserved VRAM with the CUDA context); 14B dims with a few layers, extrapolated to 40; umT5-XXL
#      encode on the GPU (a few layers, extrapolated to 24); VAE decode of 81 frames at 480P, untiled and tiled;
#   4. writes gpu_check.json and gpu_check.md (each figure beside its goal) to $OUT if set, else build/.
#
# Usage: bash tests/scripts/gpu_check.sh
# Environment: PYTHON (python3), WAN_GPU_DEVICE (cuda:0), WAN_GPU_BUNDLE (build/gpu-bundle), WAN_FIXTURES_DIR
#   (the bundle's fixtures, else ../shared/fixtures), WAN_GPU_BUILD_DIR (build/gpu), WAN_GPU_BUDGET_S (500: the
#   phases still to run are skipped, and said so, once this many seconds have passed). WAN_GPU_DRY_RUN=1 runs the
#   whole script on the CPU with tiny benchmark sizes, to check the script itself on a machine without a GPU.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PYTHON="${PYTHON:-python3}"
DEVICE="${WAN_GPU_DEVICE:-cuda:0}"
BUNDLE="${WAN_GPU_BUNDLE:-$ROOT/build/gpu-bundle}"
BUILD="${WAN_GPU_BUILD_DIR:-$ROOT/build/gpu}"
BUDGET="${WAN_GPU_BUDGET_S:-500}"
REPORT_DIR="${OUT:-$ROOT/build}"
if [ -n "${WAN_FIXTURES_DIR:-}" ]; then
    FIXTURES="$WAN_FIXTURES_DIR"
elif [ -d "$BUNDLE/fixtures" ]; then
    FIXTURES="$BUNDLE/fixtures"
else
    FIXTURES="$ROOT/../shared/fixtures"
fi
mkdir -p "$REPORT_DIR" "$BUILD"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/wan-gpu-check.XXXXXX")"
ROWS="$WORK/rows.jsonl"
: >"$ROWS"
T0=$SECONDS
JOBS="$(nproc)"
export PYTHONWARNINGS=ignore # torch warns that numpy is absent, which nothing here needs
DRY="${WAN_GPU_DRY_RUN:-0}"
GEN_SIZE=(--size '832*480' --frame_num 81 --sample_steps 8)
T5_ARGS=(--layers 4 --tokens 512)
VAE_ARGS=(--size 480x832 --frames 81 --tile 256 --overlap 64)
if [ "$DRY" = 1 ]; then
    DEVICE=cpu
    GEN_SIZE=(--size '64*64' --frame_num 5 --sample_steps 2 --layers 1)
    T5_ARGS=(--layers 1 --dim 64 --dim-attn 64 --heads 4 --ffn 128 --vocab 1000 --tokens 512)
    VAE_ARGS=(--size 64x64 --frames 5 --tile 32 --overlap 16 --dim 16)
fi

log() { printf '[%4ds] %s\n' $((SECONDS - T0)) "$*"; }
# row SECTION NAME VALUE UNIT GOAL STATUS [NOTE]: one line of the report.
row() {
    "$PYTHON" - "$@" >>"$ROWS" <<'PY'
import json, sys
a = sys.argv[1:] + [""] * 7
print(json.dumps({"section": a[0], "name": a[1], "value": a[2], "unit": a[3], "goal": a[4], "status": a[5],
                  "note": a[6]}))
PY
}
time_left() { [ $((SECONDS - T0)) -lt "$BUDGET" ]; }
phase_time() { row phases "$1" "$2" s "" info; }

# --- 0. PyTorch and the GPU ------------------------------------------------------------------------------------
P0=$SECONDS
if ! TORCH_ROOT="$("$PYTHON" -c 'import os, torch; print(os.path.dirname(torch.__file__))' 2>/dev/null)"; then
    echo "gpu_check: $PYTHON cannot import torch (set PYTHON=/path/to/python)" >&2
    exit 1
fi
"$PYTHON" - <<'PY' | tee "$WORK/torch.txt"
import os, torch
print(f"torch {torch.__version__}, CUDA {torch.version.cuda}, cuDNN {torch.backends.cudnn.version()}")
if not torch.cuda.is_available() and os.environ.get("WAN_GPU_DRY_RUN") != "1":
    raise SystemExit("gpu_check: PyTorch sees no CUDA device")
for i in range(torch.cuda.device_count()):
    p = torch.cuda.get_device_properties(i)
    print(f"cuda:{i} {p.name}, {p.total_memory / 2**30:.1f} GiB, compute capability {p.major}.{p.minor}")
PY
[ "${PIPESTATUS[0]}" -eq 0 ] || exit 1
row machine torch "$(head -1 "$WORK/torch.txt")" "" "" info
row machine gpu "$(sed -n 2p "$WORK/torch.txt")" "" "" info

# --- 1. Tools and build dependencies ---------------------------------------------------------------------------
PREFIX="$BUILD/prefix"
mkdir -p "$PREFIX" "$BUILD/tools"
tool_ok() { command -v "$1" >/dev/null 2>&1; }
unzip_wheel() { # wheel dir
    "$PYTHON" -m zipfile -e "$1" "$2" && find "$2" -path '*/data/bin/*' -type f -exec chmod +x {} +
}
CMAKE=cmake
printf 'if(CMAKE_VERSION VERSION_LESS 3.24)\n  message(FATAL_ERROR old)\nendif()\n' >"$WORK/version.cmake"
if ! tool_ok cmake || ! cmake -P "$WORK/version.cmake" >/dev/null 2>&1; then
    wheel="$(ls "$BUNDLE"/wheels/cmake-*.whl 2>/dev/null | head -1)"
    [ -n "$wheel" ] || { echo "gpu_check: no cmake >= 3.24 and no cmake wheel in $BUNDLE/wheels" >&2; exit 1; }
    unzip_wheel "$wheel" "$BUILD/tools/cmake"
    CMAKE="$(find "$BUILD/tools/cmake" -path '*/data/bin/cmake' | head -1)"
fi
NINJA=ninja
if ! tool_ok ninja; then
    wheel="$(ls "$BUNDLE"/wheels/ninja-*.whl 2>/dev/null | head -1)"
    [ -n "$wheel" ] || { echo "gpu_check: no ninja and no ninja wheel in $BUNDLE/wheels" >&2; exit 1; }
    unzip_wheel "$wheel" "$BUILD/tools/ninja"
    NINJA="$(find "$BUILD/tools/ninja" -path '*/data/bin/ninja' | head -1)"
fi
tool_ok c++ || tool_ok g++ || { echo "gpu_check: no C++ compiler (c++/g++) on this machine" >&2; exit 1; }
for deb in "$BUNDLE"/debs/*.deb; do
    [ -e "$deb" ] || { echo "gpu_check: no .deb files in $BUNDLE/debs (run tests/scripts/gpu_bundle.sh)" >&2; exit 1; }
    if tool_ok dpkg-deb; then
        dpkg-deb -x "$deb" "$PREFIX"
    else # ar archive with data.tar.*: python's tarfile reads it once ar has split it
        (cd "$WORK" && rm -rf ar && mkdir ar && cd ar && ar x "$deb" && tar -xf data.tar.* -C "$PREFIX")
    fi
done
ARCH_LIB="$(ls -d "$PREFIX"/usr/lib/*-linux-gnu 2>/dev/null | head -1)"
log "cmake $("$CMAKE" --version | head -1 | awk '{print $3}'), ninja $("$NINJA" --version), deps in $PREFIX"

# --- 2. Configure and build ------------------------------------------------------------------------------------
# The own CUDA kernels need nvcc: NVCC, nvcc on PATH, CUDA_HOME, /usr/local/cuda, or NVIDIA's PyPI compiler next
# to torch. Without one they are not built and their comparison is reported as not run.
NVCC="${NVCC:-}"
for c in "$(command -v nvcc 2>/dev/null)" "${CUDA_HOME:+$CUDA_HOME/bin/nvcc}" /usr/local/cuda/bin/nvcc \
    "$(ls "$(dirname "$TORCH_ROOT")"/nvidia/cu*/bin/nvcc 2>/dev/null | head -1)"; do
    [ -z "$NVCC" ] && [ -n "$c" ] && [ -x "$c" ] && NVCC="$c"
done
if [ -n "$NVCC" ]; then
    KERNEL_ARGS=(-DWAN_CUDA_KERNELS=ON -DCMAKE_CUDA_COMPILER="$NVCC")
    [ "$DRY" = 1 ] || KERNEL_ARGS+=(-DWAN_CUDA_ARCHITECTURES=native)
    row machine "own CUDA kernels" "built with $NVCC" "" "" info
else
    KERNEL_ARGS=(-DWAN_CUDA_KERNELS=OFF)
    row machine "own CUDA kernels" "not built" "" "" "not run" "no nvcc on this machine (set NVCC=)"
fi
# pkg-config stays off (the bundle's .pc files name /usr, not the prefix), but CMake's FindOpenSSL calls
# pkg_check_modules whatever it finds: this one finds nothing, so OpenSSL comes from the prefix by path. OpenSSL's
# configuration header sits in the multiarch include folder, searched after the system's.
printf 'macro(pkg_check_modules)\nendmacro()\n' >"$WORK/no-pkgconfig.cmake"
ARCH_INC="$PREFIX/usr/include/$(basename "$ARCH_LIB")"
"$CMAKE" -S "$ROOT" -B "$BUILD/tree" -G Ninja -DCMAKE_MAKE_PROGRAM="$NINJA" -DCMAKE_BUILD_TYPE=Release \
    "${KERNEL_ARGS[@]}" -DCMAKE_PROJECT_INCLUDE_BEFORE="$WORK/no-pkgconfig.cmake" -DOPENSSL_ROOT_DIR="$PREFIX/usr" \
    -DCMAKE_CXX_FLAGS="-idirafter $ARCH_INC" \
    -DWAN_BUILD_GUI=OFF -DWAN_BUILD_TESTS=OFF -DWAN_WITH_FFMPEG=OFF -DWAN_WITH_OPENCV=OFF -DWAN_WITH_CURL=OFF \
    -DWAN_USE_CCACHE=OFF -DWAN_TORCH_ROOT="$TORCH_ROOT" -DCMAKE_DISABLE_FIND_PACKAGE_PkgConfig=ON \
    -DCMAKE_PREFIX_PATH="$PREFIX/usr;$ARCH_LIB/cmake;$PREFIX/usr/share/cmake" \
    -DCMAKE_LIBRARY_PATH="$ARCH_LIB" -DCMAKE_INCLUDE_PATH="$PREFIX/usr/include" >"$WORK/configure.log" 2>&1 ||
    { tail -40 "$WORK/configure.log"; echo "gpu_check: configure failed" >&2; exit 1; }
"$CMAKE" --build "$BUILD/tree" -j "$JOBS" --target wan-generate bench_generate bench_vae bench_t5 bench_kernels \
    >"$WORK/build.log" 2>&1 || { tail -60 "$WORK/build.log"; echo "gpu_check: build failed" >&2; exit 1; }
export LD_LIBRARY_PATH="$ARCH_LIB${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
GEN="$BUILD/tree/app/wan-generate/wan-generate"
BENCH="$BUILD/tree/tests/bench"
"$GEN" --version | tee "$WORK/version.txt"
phase_time "set-up and build" $((SECONDS - P0))
log "built"

# --- 3. Fixture parity on the GPU ------------------------------------------------------------------------------
P1=$SECONDS
# Prints the wan-generate arguments of one e2e case (a reference/e2e_*.json), or exits 3 for a task the CLI of
# this build does not know.
case_args() { # json fixture_dir work_dir
    "$PYTHON" - "$@" <<'PY'
import json, os, sys
spec_path, fixture, work = sys.argv[1:4]
ref = os.path.join(fixture, "reference")
s = json.load(open(spec_path))
task = s["task"]
args = ["--ckpt_dir", fixture, "--prompt", s["prompt"], "--base_seed", str(s["seed"]),
        "--sample_solver", {"dpm++": "dpm++", "unipc": "unipc"}.get(s["sample_solver"], s["sample_solver"]),
        "--sample_steps", str(s["sampling_steps"]), "--sample_shift", str(s["shift"]),
        "--sample_guide_scale", str(s["guide_scale"])]
if s.get("n_prompt_argument"):
    args += ["--negative_prompt", s["n_prompt_argument"]]

def area_size(area):
    for w in range(16, area // 16 + 1):
        if area % w == 0 and area // w >= 16:
            return f"{w}*{area // w}"
    raise SystemExit(3)

def frames_dir(name, files):
    d = os.path.join(work, name)
    os.makedirs(d, exist_ok=True)
    for i, f in enumerate(files):
        link = os.path.join(d, f"{i:04d}.png")
        if not os.path.exists(link):
            os.symlink(os.path.join(ref, f), link)
    return d

if task == "t2v":
    w, h = s["size"]
    args += ["--task", "t2v-1.3B", "--size", f"{w}*{h}", "--frame_num", str(s["frame_num"])]
elif task == "t2i":
    w, h = s["size"]
    args += ["--task", "t2i-14B", "--size", f"{w}*{h}", "--frame_num", "1"]
elif task == "i2v":
    args += ["--task", "i2v-14B", "--image", os.path.join(ref, s["image"]), "--size", area_size(s["max_area"]),
             "--frame_num", str(s["frame_num"])]
elif task == "flf2v":
    args += ["--task", "flf2v-14B", "--first_frame", os.path.join(ref, s["first_frame"]),
             "--last_frame", os.path.join(ref, s["last_frame"]), "--size", area_size(s["max_area"]),
             "--frame_num", str(s["frame_num"])]
elif task == "vace":
    args += ["--task", "vace-1.3B", "--src_video", frames_dir(s["name"] + "_src", s["src_frames"]),
             "--src_mask", frames_dir(s["name"] + "_mask", s["mask_frames"]),
             "--context_scale", str(s["context_scale"])]
    if s.get("ref_images"):
        args += ["--src_ref_images", ",".join(os.path.join(ref, f) for f in s["ref_images"])]
else:
    raise SystemExit(3)
print("\n".join(args))
PY
}
# Max abs error of our saved latents vs the reference x0 (torch only; safetensors parsed by hand).
compare() { # ours.safetensors reference.safetensors
    "$PYTHON" - "$@" <<'PY'
import json, struct, sys, torch
def load(path, key):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        base = 8 + n
        v = header[key]
        a, b = v["data_offsets"]
        f.seek(base + a)
        data = bytearray(f.read(b - a))
    assert v["dtype"] == "F32", v["dtype"]
    return torch.frombuffer(data, dtype=torch.float32).reshape(v["shape"]).double()
ours, ref = load(sys.argv[1], "latents"), load(sys.argv[2], "x0")
# VACE: the reference keeps the reference-image latent frames in front; saved latents may leave them out.
refs = json.load(open(sys.argv[2][: -len(".safetensors")] + ".json")).get("num_ref_latent_frames", 0)
if refs and ours.dim() == ref.dim() and ours.shape[1] + refs == ref.shape[1]:
    ref = ref[:, refs:]
if ours.shape != ref.shape:
    print(f"shape {tuple(ours.shape)} != {tuple(ref.shape)}")
    raise SystemExit(1)
print(f"{(ours - ref).abs().max().item():.3g}")
PY
}
PARITY_FAIL=0
if [ -d "$FIXTURES" ]; then
    for spec in "$FIXTURES"/*/reference/e2e_*.json; do
        fixture="$(dirname "$(dirname "$spec")")"
        name="$(basename "$spec" .json)"
        if ! mapfile -t args < <(case_args "$spec" "$fixture" "$WORK") || [ ${#args[@]} -eq 0 ]; then
            row parity "$name fp32" "" "" "<= 5e-4" "not run" "task not known to this script"
            continue
        fi
        for precision in fp32 bf16; do
            if [ "$precision" = bf16 ] && ! time_left; then continue; fi
            out="$WORK/$name.$precision.safetensors"
            if ! timeout 120 "$GEN" "${args[@]}" --device "$DEVICE" --precision "$precision" --noise cpu --quiet \
                --save_latents "$out" >"$WORK/$name.$precision.log" 2>&1; then
                row parity "$name $precision" "" "" "<= 5e-4" "FAIL" "$(tail -1 "$WORK/$name.$precision.log")"
                [ "$precision" = fp32 ] && PARITY_FAIL=1
                continue
            fi
            err="$(compare "$out" "${spec%.json}.safetensors" 2>"$WORK/compare.err" || tail -1 "$WORK/compare.err")"
            if [ "$precision" = fp32 ]; then
                status="$("$PYTHON" -c "import sys; print('ok' if float(sys.argv[1]) <= 5e-4 else 'FAIL')" "$err" 2>/dev/null || echo FAIL)"
                [ "$status" = ok ] || PARITY_FAIL=1
                row parity "$name fp32" "$err" "max abs" "<= 5e-4" "$status"
            else
                row parity "$name bf16" "$err" "max abs" "reported" info
            fi
            log "$name $precision: $err"
        done
    done
else
    row parity fixtures "" "" "" "FAIL" "no fixtures at $FIXTURES"
    PARITY_FAIL=1
fi
# Item 5 of the GPU issue: no host synchronisation inside the step loop (the engine counts them per step
# with WAN_COUNT_SYNCS=1, the preview's read-back included, checkpoints not). One t2v case in bf16, without and
# with TeaCache; the CLI shows no preview, so the bench_generate row below counts one read back every step.
sync_spec="$(ls "$FIXTURES"/*/reference/e2e_*.json 2>/dev/null | head -1)"
if [ -n "$sync_spec" ] && [ "$DEVICE" != cpu ] && time_left &&
    mapfile -t args < <(case_args "$sync_spec" "$(dirname "$(dirname "$sync_spec")")" "$WORK"); then
    if WAN_COUNT_SYNCS=1 timeout 120 "$GEN" "${args[@]}" --device "$DEVICE" --precision bf16 --log_level info \
        --save_latents "$WORK/syncs.safetensors" >"$WORK/syncs.log" 2>&1; then
        n="$(grep -Eo "host synchronisations per step: at most [0-9]+" "$WORK/syncs.log" | awk '{print $NF}')"
        row speed "host synchronisations per denoising step" "${n:-?}" "" "0" \
            "$([ "${n:-1}" = 0 ] && echo ok || echo over)" "$(basename "$sync_spec" .json), bf16"
    else
        row speed "host synchronisations per denoising step" "" "" "0" "FAIL" "$(tail -1 "$WORK/syncs.log")"
    fi
    # TeaCache decides per call from distances between time embeddings, precomputed before the loop.
    if WAN_COUNT_SYNCS=1 timeout 120 "$GEN" "${args[@]}" --device "$DEVICE" --precision bf16 --log_level info \
        --cache teacache --cache_threshold 0.5 --save_latents "$WORK/syncs_tea.safetensors" \
        >"$WORK/syncs_tea.log" 2>&1; then
        n="$(grep -Eo "host synchronisations per step: at most [0-9]+" "$WORK/syncs_tea.log" | awk '{print $NF}')"
        row speed "host synchronisations per step, TeaCache" "${n:-?}" "" "0" \
            "$([ "${n:-1}" = 0 ] && echo ok || echo over)" "$(basename "$sync_spec" .json), bf16"
    else
        row speed "host synchronisations per step, TeaCache" "" "" "0" "FAIL" "$(tail -1 "$WORK/syncs_tea.log")"
    fi
fi
# The same with a preview every step: bench_generate reads each one back as the engine does (side stream, an
# event polled, no wait), counts the step's host synchronisations with the preview's, and fails when the last
# preview read back differs from the tensor it was given.
if time_left; then
    if timeout 180 "$BENCH/bench_generate" --random-weights --device "$DEVICE" --precision bf16 --no-decode \
        "${GEN_SIZE[@]}" --layers 2 --sample_steps 4 --preview_every 1 --count_syncs \
        --json "$WORK/preview.json" >"$WORK/preview.log" 2>&1; then
        n="$("$PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1])).get("max_syncs_per_step", "n/a"))' \
            "$WORK/preview.json")"
        row speed "host synchronisations per step, preview every step" "$n" "" "0" \
            "$([ "$n" = 0 ] && echo ok || { [ "$n" = n/a ] && echo info; } || echo over)" \
            "$(grep -Eo "previews: [0-9]+ read back, the last one equal to its source" "$WORK/preview.log")"
    else
        row speed "host synchronisations per step, preview every step" "" "" "0" "FAIL" \
            "$(tail -1 "$WORK/preview.log")"
    fi
fi
phase_time "fixture parity" $((SECONDS - P1))

# --- 3b. SDPA's kernel choice, and the own CUDA kernels against LibTorch (1.3B and 14B dims, 32,760 tokens) ----
P3=$SECONDS
KERNEL_FAIL=0
if time_left; then
    KTOKENS=32760
    [ "$DRY" = 1 ] && KTOKENS=640
    timeout 120 "$BENCH/bench_kernels" --device "$DEVICE" --tokens "$KTOKENS" --rows "$ROWS" \
        >"$WORK/kernels.log" 2>&1
    krc=$?
    cat "$WORK/kernels.log"
    # 3: built without the kernels (only SDPA was checked), which is a failure only when nvcc was there.
    if [ "$krc" -ne 0 ] && { [ "$krc" -ne 3 ] || [ -n "$NVCC" ]; }; then
        KERNEL_FAIL=1
        row kernels "bench_kernels" "exit $krc" "" "0" "FAIL" "$(tail -1 "$WORK/kernels.log")"
    fi
else
    row kernels "SDPA kernels and own kernels" "" "" "" "not run" "time budget used up"
fi
phase_time "own kernels" $((SECONDS - P3))

# --- 4. Real-dims benchmarks on random weights -----------------------------------------------------------------
P2=$SECONDS
bench() { # label goal_bytes extra args...
    local label="$1" goal="$2"
    shift 2
    if ! time_left; then
        row bench "$label" "" "" "$goal" "not run" "time budget used up"
        return
    fi
    local json="$WORK/bench_$(echo "$label" | tr -c 'a-zA-Z0-9' _).json"
    if timeout 240 "$BENCH/bench_generate" --random-weights --device "$DEVICE" --precision bf16 --json "$json" "$@" \
        "${GEN_SIZE[@]}" >"$json.log" 2>&1; then
        "$PYTHON" - "$json" "$label" "$goal" >>"$ROWS" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); label, goal = sys.argv[2], sys.argv[3]
scale = 40 / r["layers"] if r["model"] == "14B" and r["layers"] < 40 else 1
gib = r["peak_total_bytes"] / 2**30
rows = [
    {"section": "bench", "name": f"{label}: s/step", "value": f"{r['s_per_step'] * scale:.3f}", "unit": "s",
     "goal": "", "status": "info",
     "note": f"measured {r['s_per_step']:.3f} s with {r['layers']} layers" + (f", x{scale:g}" if scale != 1 else "")},
]
status = "info"
if goal:
    status = "ok" if gib <= float(goal) else "over goal"
rows.append({"section": "bench", "name": f"{label}: peak reserved VRAM incl. context", "value": f"{gib:.2f}",
             "unit": "GiB", "goal": f"<= {goal} GiB" if goal else "", "status": status,
             "note": f"{r['layers']} layers measured" if scale != 1 else ""})
if "vae_decode_s" in r:
    rows.append({"section": "bench", "name": f"{label}: VAE decode 81 frames", "value": f"{r['vae_decode_s']:.2f}",
                 "unit": "s", "goal": "", "status": "info",
                 "note": f"peak reserved {r['vae_peak_reserved_bytes'] / 2**30:.2f} GiB"})
for x in rows:
    print(json.dumps(x))
PY
        log "$label done"
    else
        row bench "$label" "" "" "$goal" "FAIL" "$(tail -1 "$json.log")"
    fi
}
bench "T2V-1.3B resident" 4 --offload_model False
bench "T2V-1.3B offload" 4 --offload_model True --no-decode
bench "T2V-1.3B block-streamed" 2.5 --stream --no-decode
bench "T2V-14B resident (4 layers, x10)" "" --model 14B --layers 4 --no-decode
bench "T2V-14B block-streamed (4 layers)" 8 --model 14B --layers 4 --stream --no-decode

if time_left; then
    # umT5-XXL dims with 4 of its 24 layers (the random checkpoint is written to disk first).
    if timeout 180 "$BENCH/bench_t5" --device "$DEVICE" "${T5_ARGS[@]}" --file "$WORK/t5.safetensors" \
        >"$WORK/t5.log" 2>&1; then
        "$PYTHON" - "$WORK/t5.log" >>"$ROWS" <<'PY'
import json, re, sys
text = open(sys.argv[1]).read()
t = float(re.search(r"encode\s+512 tokens:\s+([0-9.]+) s", text).group(1))
m = re.search(r"peak GPU memory: ([0-9.]+) GB", text)
print(json.dumps({"section": "bench", "name": "umT5-XXL encode, 512 tokens (x6 from 4 layers)",
                  "value": f"{t * 6:.3f}", "unit": "s", "goal": "", "status": "info",
                  "note": f"4 layers {t:.3f} s" + (f", peak {m.group(1)} GB reserved" if m else "")}))
PY
    else
        row bench "umT5-XXL encode" "" "" "" "FAIL" "$(tail -1 "$WORK/t5.log")"
    fi
fi
# The VAE's decode at 480P: bf16 (the GPU default) untiled and tiled, and fp32 untiled (the parity math), with
# time and peak reserved VRAM (goal for the tiled decode: 2 GB).
for run in "untiled bf16" "tiled bf16" "untiled fp32"; do
    read -r mode dtype <<<"$run"
    name="VAE decode 81x480x832 $mode $dtype"
    time_left || { row bench "$name" "" "" "" "not run" "time budget used up"; continue; }
    if timeout 150 "$BENCH/bench_vae" --device "$DEVICE" --op decode --mode "$mode" --dtype "$dtype" \
        "${VAE_ARGS[@]}" >"$WORK/vae_${mode}_$dtype.log" 2>&1; then
        secs="$(grep -Eo "^$mode +[0-9.]+ s" "$WORK/vae_${mode}_$dtype.log" | awk '{print $2}')"
        peak="$(grep -Eo "peak reserved device memory: [0-9]+" "$WORK/vae_${mode}_$dtype.log" | awk '{print $5}')"
        goal="" status=info
        if [ "$mode" = tiled ] && [ -n "$peak" ]; then
            goal="<= 2 GB"
            status="$("$PYTHON" -c "print('ok' if $peak * 2**20 <= 2e9 else 'over')")"
        fi
        row bench "$name" "$secs" s "$goal" "$status" "peak ${peak:-?} MiB reserved"
    else
        row bench "$name" "" "" "" "FAIL" "$(tail -1 "$WORK/vae_${mode}_$dtype.log")"
    fi
done
phase_time "benchmarks" $((SECONDS - P2))
phase_time "total" $((SECONDS - T0))

# --- 5. Report -------------------------------------------------------------------------------------------------
"$PYTHON" - "$ROWS" "$REPORT_DIR" <<'PY'
import json, os, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
out = sys.argv[2]
json.dump({"rows": rows}, open(os.path.join(out, "gpu_check.json"), "w"), indent=2)
lines = ["| section | check | value | unit | goal | status | note |", "|---|---|---|---|---|---|---|"]
for r in rows:
    lines.append("| " + " | ".join(str(r.get(k, "")) for k in
                                  ("section", "name", "value", "unit", "goal", "status", "note")) + " |")
open(os.path.join(out, "gpu_check.md"), "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
PY
rm -rf "$WORK"
if [ "$PARITY_FAIL" -ne 0 ]; then
    echo "gpu_check: fp32 parity failed" >&2
    exit 1
fi
if [ "$KERNEL_FAIL" -ne 0 ]; then
    echo "gpu_check: bench_kernels failed (an own kernel off tolerance or not run, or SDPA's math fallback)" >&2
    exit 1
fi
exit 0
