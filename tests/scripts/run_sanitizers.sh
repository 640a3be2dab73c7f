#!/usr/bin/env bash
# Builds the torch-free checkpoint parsers and their tests (tests/core/test_io_raw.cpp, test_gguf.cpp) with AddressSanitizer and
# UndefinedBehaviorSanitizer in build/asan, then runs the test. Exit status: the test's.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${WAN_ASAN_BUILD_DIR:-$root/build/asan}"
compiler="${CXX:-}"
if [[ -z "$compiler" ]]; then
    compiler="$(command -v clang++ || command -v c++)"
fi
jobs="${WAN_JOBS:-2}"

cmake -S "$root/tests/fuzz" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_COMPILER="$compiler" -DWAN_SANITIZED_TESTS=ON -DWAN_BUILD_FUZZERS=OFF >/dev/null
ninja -C "$build" -j"$jobs" test_io_raw test_gguf

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:strict_string_checks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
export QT_QPA_PLATFORM=offscreen
"$build/test_io_raw"
"$build/test_gguf"
