#!/usr/bin/env bash
# The CPU benchmarks with the settings whose figures the project reports (run on an otherwise idle machine):
#   bench_t5       umT5-XXL dims (5.68 B parameters, an 11.4 GB bf16 file written first), 60/512/60 tokens
#   bench_dit      T2V-1.3B dims, batch 2 (CFG), 416x240x9, fp32
#   bench_vae      Wan2.1 VAE real dims, decode of a 240x416, 17-frame latent, untiled
#   bench_generate T2V-1.3B dims with 2 layers, 256x256x5, 2 steps, then the VAE decode
# Usage: bash tests/scripts/cpu_benchmarks.sh [BUILD_DIR] (default build); THREADS (default: all cores).
# Takes about 10 minutes on 2 cores; needs ~12 GB of free disk in $TMPDIR for bench_t5.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bench="${1:-$root/build}/tests/bench"
threads="${THREADS:-$(nproc)}"
run() {
    printf '\n$ %s\n' "$*"
    time "$@"
}
run "$bench/bench_t5" --threads "$threads" --tokens 60,512,60
run "$bench/bench_dit" --threads "$threads"
run "$bench/bench_vae" --mode untiled --threads "$threads"
run "$bench/bench_generate" --random-weights --device cpu --precision fp32 --size '256*256' --frame_num 5 \
    --sample_steps 2 --layers 2
