#!/usr/bin/env bash
# p50/p99 latency of the API's findings list and account view with concurrent
# clients on loopback, on SQLite and on PostgreSQL, and how much a scan slows
# down while the server is under that load. Bounded: a fixed number of requests.
#
#   bench/serve_load.sh [FINDINGS] [CLIENTS] [BUILD]   default 1000000 findings, 32 clients, build/
#
# The stores, the PostgreSQL server (pg_harness.sh) and the scan's world go to
# $TMPDIR and are removed at the end.
set -euo pipefail
N="${1:-1000000}"
CLIENTS="${2:-32}"
BUILD="${3:-build}"
REQUESTS="${REQUESTS:-200}"  # per client
SRC="$(cd "$(dirname "$0")/.." && pwd)"
IMPOSTOR="$(realpath "$BUILD/bin/impostor")"
LOAD="$(realpath "$BUILD/bench/serve_load")"
HARNESS="$SRC/src/store/pg_harness.sh"
W="$(mktemp -d)"
SERVER=""
cleanup() {
  [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null || true
  [ -d "$W/pg" ] && "$HARNESS" stop "$W/pg" >/dev/null 2>&1 || true
  rm -rf "$W"
}
trap cleanup EXIT

cd "$W"  # scans write their rejects file to the working directory
"$IMPOSTOR" simulate --seed 5 --employees 400 --days 20 --no-photos --out "$W/world" >/dev/null
INPUTS=("$W"/world/signins/* "$W"/world/devices/* "$W"/world/people.csv "$W"/world/mfa/*)
scan_seconds() {  # scan_seconds DB: wall seconds of one scan of the world into DB
  local t0 t1
  t0=$(date +%s.%N)
  "$IMPOSTOR" scan --db "$1" --config "$W/world/impostor.yaml" "${INPUTS[@]}" >/dev/null 2>&1 || [ $? -eq 5 ]
  t1=$(date +%s.%N)
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }'
}

bench_store() {  # bench_store LABEL DB
  local label="$1" db="$2"
  echo "== $label: $N findings"
  "$LOAD" fill "$db" "$N"
  local token
  token="$("$IMPOSTOR" token create --db "$db" --role viewer --name bench 2>/dev/null)"
  : >"$W/serve.err"  # before the server starts: the wait below must not read the last one's line
  "$IMPOSTOR" serve --db "$db" --listen 127.0.0.1:0 --threads "$CLIENTS" 2>"$W/serve.err" &
  SERVER=$!
  for _ in $(seq 100); do grep -q "Ctrl-C stops" "$W/serve.err" && break; sleep 0.1; done
  local url
  url="$(grep -m1 -o 'http://127.0.0.1:[0-9]*' "$W/serve.err" || true)"
  "$LOAD" run "$url" "$token" "$CLIENTS" "$REQUESTS" $((N / 10))
  # The scans: a first one into the store, then a rescan alone and a rescan under
  # load (the same work both times).
  local alone busy
  scan_seconds "$db" >/dev/null
  alone="$(scan_seconds "$db")"
  ( "$LOAD" run "$url" "$token" "$CLIENTS" "$REQUESTS" $((N / 10)) >/dev/null ) &
  local load=$!
  busy="$(scan_seconds "$db")"
  wait "$load" || true
  printf 'scan of a 400-employee world: %.2f s alone, %.2f s while serving %d clients (%.2fx)\n' \
    "$alone" "$busy" "$CLIENTS" "$(awk -v a="$alone" -v b="$busy" 'BEGIN { print b / a }')"
  kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=""
}

bench_store sqlite "$W/bench.db"
if "$HARNESS" start "$W/pg" >/dev/null 2>&1 && [ -f "$W/pg/url" ]; then
  bench_store postgresql "$("$HARNESS" createdb "$W/pg" bench)"
else
  echo "== postgresql: skipped ($(cat "$W/pg/skip" 2>/dev/null || echo 'no server'))"
fi
