#!/usr/bin/env bash
# Runs one libFuzzer harness for ctest and bench/fuzz.sh (fuzz/README.md).
#
#   run_harness.sh prepare NAME SRC WORK
#       gathers the seed corpus (fuzz/seeds/NAME.list globs and fuzz/seeds/NAME/)
#       into WORK/seeds/NAME and joins the dictionaries into WORK/dict/NAME.dict
#   run_harness.sh replay BINARY NAME SRC WORK
#       runs every input of fuzz/regressions/NAME/ once; fails on any report
#   run_harness.sh short BINARY NAME SRC WORK SECONDS
#       replays the seeds, then fuzzes for SECONDS from a throw-away copy of them;
#       fails on a crash, a hang (> 1 s), a leak or a sanitizer report, leaving the
#       input in WORK/artifacts/NAME/
#
# Prints the libFuzzer flags of NAME with `run_harness.sh flags NAME SRC WORK`.
set -euo pipefail

mode="$1"; shift
case "$mode" in
  prepare|flags) name="$1"; src="$2"; work="$3" ;;
  replay) bin="$1"; name="$2"; src="$3"; work="$4" ;;
  short) bin="$1"; name="$2"; src="$3"; work="$4"; seconds="${5:-4}" ;;
  *) echo "usage: run_harness.sh prepare|flags|replay|short ..." >&2; exit 2 ;;
esac

row="$(awk -F'\t' -v n="$name" '$1 == n' "$src/fuzz/harnesses.tsv")"
if [ -z "$row" ]; then
  echo "run_harness.sh: no harness '$name' in $src/fuzz/harnesses.tsv" >&2
  exit 2
fi
IFS=$'\t' read -r _ dicts max_len extra <<<"$row"
[ "$extra" = "-" ] && extra=""
# "ci-replay-only": the short ctest runs the seeds and regressions without
# mutating them (a harness whose open findings lie in a Debian library).
replay_only=0
case " $extra " in *" ci-replay-only "*) replay_only=1; extra="${extra//ci-replay-only/}" ;; esac

# Sanitizer settings: every report is fatal, leaks included; symbolised stacks.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1:allocator_may_return_null=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
command -v llvm-symbolizer >/dev/null 2>&1 || { [ -x /usr/lib/llvm-14/bin/llvm-symbolizer ] && export ASAN_SYMBOLIZER_PATH=/usr/lib/llvm-14/bin/llvm-symbolizer; } || true

prepare() {
  local seeds="$work/seeds/$name" dict="$work/dict/$name.dict"
  mkdir -p "$seeds" "$work/dict"
  if [ -f "$src/fuzz/seeds/$name.list" ]; then
    (cd "$src" && { grep -v '^\s*\(#\|$\)' "fuzz/seeds/$name.list" || true; } | while read -r glob; do
      for f in $glob; do [ -f "$f" ] && cp "$f" "$seeds/$(sha1sum "$f" | cut -c1-16)"; done
    done)
  fi
  if [ -d "$src/fuzz/seeds/$name" ]; then
    for f in "$src/fuzz/seeds/$name"/*; do [ -f "$f" ] && cp "$f" "$seeds/$(sha1sum "$f" | cut -c1-16)"; done
  fi
  : >"$dict"
  for d in ${dicts//,/ }; do [ "$d" = "-" ] || cat "$src/fuzz/dict/$d.dict" >>"$dict"; done
}

flags() {
  local dict=""
  [ -s "$work/dict/$name.dict" ] && dict="-dict=$work/dict/$name.dict"
  echo "-max_len=$max_len -timeout=1 -rss_limit_mb=2048 $dict $extra"
}

case "$mode" in
  prepare) prepare ;;
  flags) flags ;;
  replay)
    dir="$src/fuzz/regressions/$name"
    shopt -s nullglob
    inputs=("$dir"/*)
    [ ${#inputs[@]} -gt 0 ] || { echo "no regression inputs under $dir"; exit 1; }
    echo "replaying ${#inputs[@]} regression input(s) of $name"
    "$bin" -runs=1 "${inputs[@]}"
    ;;
  short)
    prepare
    mkdir -p "$work/artifacts/$name"
    corpus="$(mktemp -d)"
    trap 'rm -rf "$corpus"' EXIT
    cp "$work/seeds/$name"/* "$corpus/" 2>/dev/null || true
    log="$work/artifacts/$name/last-short.log"
    set +e
    # shellcheck disable=SC2046
    limit="-max_total_time=$seconds"
    [ "$replay_only" -eq 0 ] || limit="-runs=0"
    "$bin" $(flags) "$limit" -print_final_stats=1 \
      -artifact_prefix="$work/artifacts/$name/" "$corpus" >"$log" 2>&1
    rc=$?
    set -e
    # The progress lines are noise in a test log; the rest (stats, any report) is not.
    grep -v '^#[0-9]' "$log" | tail -n 60
    [ $rc -eq 0 ] || echo "fuzz.$name: libFuzzer exit $rc; the input is under $work/artifacts/$name/"
    exit $rc
    ;;
esac
