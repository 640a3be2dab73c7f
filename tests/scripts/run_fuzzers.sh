#!/usr/bin/env bash
# Builds the libFuzzer harnesses of the checkpoint parsers (tests/fuzz) with clang in build/fuzz and runs each for
# N seconds (default 30), starting from the committed seed corpus. New inputs go to build/fuzz/corpus/<harness>;
# crashes to build/fuzz/artifacts. Usage: tests/scripts/run_fuzzers.sh [seconds] [harness...]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${WAN_FUZZ_BUILD_DIR:-$root/build/fuzz}"
seconds="${1:-30}"
shift || true
harnesses=("$@")
if [[ ${#harnesses[@]} -eq 0 ]]; then
    harnesses=(safetensors zip pickle pth gguf exif)
fi
jobs="${WAN_JOBS:-2}"
# A parser must never need much memory for an input of at most 64 KiB: an input whose parse grows past this
# (such as corpus/pth/nested_memoised_key before names were bounded: gigabytes) is reported as a crash.
rss_mb="${WAN_FUZZ_RSS_LIMIT_MB:-1024}"

cmake -S "$root/tests/fuzz" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_COMPILER=clang++ -DWAN_BUILD_FUZZERS=ON -DWAN_SANITIZED_TESTS=OFF >/dev/null
targets=()
for h in "${harnesses[@]}"; do targets+=("fuzz_$h"); done
ninja -C "$build" -j"$jobs" "${targets[@]}"

mkdir -p "$build/artifacts"
status=0
for h in "${harnesses[@]}"; do
    corpus="$build/corpus/$h"
    mkdir -p "$corpus"
    echo "== fuzz_$h for ${seconds}s"
    if ! "$build/fuzz_$h" "$corpus" "$root/tests/fuzz/corpus/$h" -max_total_time="$seconds" -max_len=65536 \
        -rss_limit_mb="$rss_mb" -malloc_limit_mb="$rss_mb" -timeout=10 -print_final_stats=1 -artifact_prefix="$build/artifacts/${h}-" 2>"$build/fuzz_$h.log"; then
        echo "fuzz_$h FAILED: see $build/fuzz_$h.log and $build/artifacts" >&2
        tail -n 40 "$build/fuzz_$h.log" >&2
        status=1
    else
        grep -E "^stat::number_of_executed_units|^Done" "$build/fuzz_$h.log" || true
    fi
done
exit $status
