#!/usr/bin/env bash
# Fuzzing campaign: runs each libFuzzer harness of fuzz/ (all of fuzz/harnesses.tsv
# unless some are named) one after the other under ASan + UBSan, and prints per
# harness the executions, executions per second, and the crashes, hangs (> 1 s per
# input), leaks and out-of-memory inputs found. Findings are left in
# <build>/fuzz/artifacts/<harness>/; each becomes a regression input under
# fuzz/regressions/<harness>/ (see fuzz/README.md).
#
#   bench/fuzz.sh [--build DIR] [--time SECONDS | --runs N] [--nice N] [HARNESS...]
#
#   --build DIR   fuzz build folder (default build-fuzz; configured with clang and
#                 -DIMPOSTOR_FUZZ=ON when it does not exist yet, then built)
#   --time S      seconds per harness (default 60)
#   --runs N      executions per harness instead of a time
#   --nice N      scheduling niceness of the fuzzers (default 19: a long campaign
#                 yields to builds and tests on a shared machine)
#   --no-build    run the harnesses as built (e.g. while another build runs)
#
# Examples:
#   bench/fuzz.sh --time 30                      # every harness, 30 s each
#   bench/fuzz.sh --runs 10000000 signins people # 10M executions of two harnesses
#
# The working corpus of each harness (<build>/fuzz/corpus/<harness>) is kept, so
# a campaign continues from what earlier ones found; every run appends its figures
# to <build>/fuzz/campaign.tsv. Exit status 1 when anything was found.
set -euo pipefail

SRC="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="build-fuzz"
TIME=60
RUNS=""
NICE=19
BUILD_FIRST=1
HARNESSES=()
while [ $# -gt 0 ]; do
  case "$1" in
    --build) BUILD="$2"; shift 2 ;;
    --time) TIME="$2"; RUNS=""; shift 2 ;;
    --runs) RUNS="$2"; shift 2 ;;
    --nice) NICE="$2"; shift 2 ;;
    --no-build) BUILD_FIRST=0; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) echo "bench/fuzz.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) HARNESSES+=("$1"); shift ;;
  esac
done
[ ${#HARNESSES[@]} -gt 0 ] || mapfile -t HARNESSES < <(grep -v '^#' "$SRC/fuzz/harnesses.tsv" | cut -f1)
case "$BUILD" in /*) ;; *) BUILD="$SRC/$BUILD" ;; esac

if [ ! -f "$BUILD/build.ninja" ]; then
  echo "bench/fuzz.sh: configuring $BUILD (clang, -DIMPOSTOR_FUZZ=ON)"
  CC=clang CXX=clang++ cmake -S "$SRC" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DIMPOSTOR_FUZZ=ON -DIMPOSTOR_BUILD_BENCH=OFF >/dev/null
fi
targets=()
for h in "${HARNESSES[@]}"; do
  grep -q "^$h	" "$SRC/fuzz/harnesses.tsv" || { echo "bench/fuzz.sh: no harness '$h' (see fuzz/harnesses.tsv)" >&2; exit 2; }
  targets+=("${h}_fuzzer")
done
[ "$BUILD_FIRST" -eq 0 ] || nice -n 10 cmake --build "$BUILD" -j "$(nproc)" --target "${targets[@]}" >/dev/null

WORK="$BUILD/fuzz"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1:allocator_may_return_null=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
[ -x /usr/lib/llvm-14/bin/llvm-symbolizer ] && export ASAN_SYMBOLIZER_PATH=/usr/lib/llvm-14/bin/llvm-symbolizer
limit=$([ -n "$RUNS" ] && echo "-runs=$RUNS" || echo "-max_total_time=$TIME")

printf '%-18s %12s %9s %8s %8s %7s %6s %6s %5s\n' harness executions exec/s seconds corpus crashes hangs leaks ooms
found=0
for h in "${HARNESSES[@]}"; do
  "$SRC/fuzz/run_harness.sh" prepare "$h" "$SRC" "$WORK"
  corpus="$WORK/corpus/$h"
  artifacts="$WORK/artifacts/$h"
  mkdir -p "$corpus" "$artifacts"
  log="$artifacts/campaign-$(date +%Y%m%d-%H%M%S).log"
  before="$(mktemp)"
  ls "$artifacts" >"$before"
  start=$(date +%s)
  set +e
  # shellcheck disable=SC2046
  nice -n "$NICE" "$BUILD/fuzz/${h}_fuzzer" $("$SRC/fuzz/run_harness.sh" flags "$h" "$SRC" "$WORK") "$limit" \
    -print_final_stats=1 -artifact_prefix="$artifacts/" "$corpus" "$WORK/seeds/$h" >"$log" 2>&1
  rc=$?
  set -e
  seconds=$(( $(date +%s) - start ))
  new="$(ls "$artifacts" | grep -vxF -f "$before" | grep -v '\.log$' || true)"
  rm -f "$before"
  count() { if [ -z "$new" ]; then echo 0; else grep -c "^$1" <<<"$new" || true; fi; }
  crashes=$(count 'crash-\|deadly-signal'); hangs=$(count timeout-); leaks=$(count leak-); ooms=$(count oom-)
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  if [ -z "$execs" ]; then  # stopped by a finding before the final stats: take the last progress line
    execs=$(grep -o '^#[0-9]*' "$log" | tail -1 | tr -d '#')
    rate=$(grep -o 'exec/s: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  fi
  units=$(find "$corpus" -type f | wc -l)
  printf '%-18s %12s %9s %8s %8s %7s %6s %6s %5s\n' "$h" "${execs:-0}" "${rate:-0}" "$seconds" "$units" \
    "$crashes" "$hangs" "$leaks" "$ooms"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$h" "${execs:-0}" "${rate:-0}" "$seconds" \
    "$units" "$crashes" "$hangs" "$leaks" "$ooms" >>"$WORK/campaign.tsv"
  if [ "$rc" -ne 0 ] || [ -n "$new" ]; then
    found=1
    echo "  $h: libFuzzer exit $rc; new artifacts: ${new//$'\n'/ } (log: $log)"
  fi
done
exit $found
