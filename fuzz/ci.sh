#!/usr/bin/env bash
# The sanitizer stage of `make test` (CI): in its own build folder, builds the
# libraries with AddressSanitizer (leak detection on) + UndefinedBehaviorSanitizer
# using clang, then runs under them
#   - the unit tests of the modules that parse untrusted input or hold the store
#     (IMPOSTOR_SANITIZE_LABELS below), and
#   - every fuzz harness: its regression inputs, its seed corpus and a few seconds
#     of fuzzing (fuzz/CMakeLists.txt, IMPOSTOR_FUZZ_SECONDS),
# so a memory error, undefined behaviour or a leak fails the submission.
#
#   fuzz/ci.sh [BUILD_DIR] [JOBS]      (default build-asan, nproc)
#
# Optimised at -O1 with line tables only: it builds about twice as fast as
# RelWithDebInfo and still gives symbolised stacks.
set -euo pipefail
SRC="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="${1:-build-asan}"
JOBS="${2:-$(nproc)}"
LABELS="${IMPOSTOR_SANITIZE_LABELS:-common|ingest|enrich|detect|resolve|store|score|photo|serve|fuzz}"
CXX_BIN="$(command -v clang++-14 || command -v clang++ || true)"
CC_BIN="$(command -v clang-14 || command -v clang || true)"
if [ -z "$CXX_BIN" ]; then
  echo "fuzz/ci.sh: clang is not installed; run scripts/bootstrap.sh (it installs clang-14 and libclang-rt-14-dev)" >&2
  exit 1
fi

start=$(date +%s)
if [ ! -f "$BUILD/build.ninja" ]; then
  CC="$CC_BIN" CXX="$CXX_BIN" cmake -S "$SRC" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only -DNDEBUG" \
    -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only -DNDEBUG" \
    -DIMPOSTOR_FUZZ=ON -DIMPOSTOR_BUILD_BENCH=OFF >/dev/null
fi
targets=(impostor_fuzzers)
for label in ${LABELS//|/ }; do
  [ "$label" = fuzz ] || targets+=("${label}_tests")
done
cmake --build "$BUILD" -j "$JOBS" --target "${targets[@]}"
built=$(date +%s)

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1:allocator_may_return_null=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
[ -x /usr/lib/llvm-14/bin/llvm-symbolizer ] && export ASAN_SYMBOLIZER_PATH=/usr/lib/llvm-14/bin/llvm-symbolizer
ctest --test-dir "$BUILD" --output-on-failure -j "$JOBS" --timeout 600 -L "^($LABELS)\$"
echo "sanitizer stage: build $((built - start)) s, tests $(($(date +%s) - built)) s"
