#!/usr/bin/env bash
# impostor scan against the DuckDB travel query on the same Entra Graph file, in
# one run, at 1 and 2 threads, with peak RSS (bench/duckdb_travel.mjs is the query).
#
#   bench/vs_duckdb.sh [RECORDS] [BUILD]     default 1000000 sign-ins over 100,000 accounts, build/
#
# Needs @duckdb/node-api from npm; it is installed into $IMPOSTOR_CACHE/duckdb on
# first use. The file and stores go to $TMPDIR and are removed at the end.
set -euo pipefail
RECORDS="${1:-1000000}"
BUILD="${2:-build}"
SRC="$(cd "$(dirname "$0")/.." && pwd)"
CACHE="${IMPOSTOR_CACHE:-$HOME/.cache/impostor}/duckdb"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
if [ ! -d "$CACHE/node_modules/@duckdb/node-api" ]; then
  mkdir -p "$CACHE"
  npm install --silent --no-audit --no-fund --prefix "$CACHE" @duckdb/node-api >/dev/null
fi
cp "$SRC/bench/duckdb_travel.mjs" "$CACHE/"
"$BUILD/bench/entra_gen" "$RECORDS" $((RECORDS / 10)) "$WORK/signins.jsonl"
printf '%-34s %8s %10s\n' run seconds "peak RSS"
measure() {  # measure LABEL CMD...
  local label="$1"; shift
  /usr/bin/time -f "%e %M" -o "$WORK/time" "$@" > /dev/null 2> "$WORK/err" || { cat "$WORK/err"; exit 1; }
  read -r secs kb < "$WORK/time"
  printf '%-34s %8.2f %7d MB\n' "$label" "$secs" $((kb / 1024))
  echo "$secs" > "$WORK/$label.s"
}
for t in 1 2; do
  measure "duckdb.travel.t$t" node "$CACHE/duckdb_travel.mjs" "$WORK/signins.jsonl" "$t"
  rm -f "$WORK/s.db"
  measure "impostor.scan.t$t" "$BUILD/bin/impostor" scan -q --no-model --db "$WORK/s.db" --threads "$t" \
    --out "$WORK/f.jsonl" "$WORK/signins.jsonl"
  awk -v a="$(cat "$WORK/impostor.scan.t$t.s")" -v b="$(cat "$WORK/duckdb.travel.t$t.s")" \
    'BEGIN { printf "%-34s %8.2f   (impostor / duckdb; target <= 1)\n", "ratio at '"$t"' thread(s)", a / b }'
done
/usr/bin/time -f "%e" -o "$WORK/time" wc -l "$WORK/signins.jsonl" > /dev/null
printf '%-34s %8.2f\n' "baseline: wc -l" "$(cat "$WORK/time")"
