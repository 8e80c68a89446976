#!/usr/bin/env bash
# make bench: the sign-in pipeline against its named baseline on the same data in
# one run, then the other module benchmarks. Targets are checked here, not in tests.
#
#   baseline "simdjson On-Demand ceiling": reading exactly the fields impostor uses
#   impostor "end_to_end": read + GeoIP/ASN/list enrichment + detection + SQLite store, one core
#
# IMPOSTOR_BENCH_RECORDS (default 2,000,000) sets the data size.
set -euo pipefail
BUILD="${1:-build}"
OUT="${BENCH_OUT:-$BUILD/bench-results}"
mkdir -p "$OUT"

echo "== sign-in pipeline: ${IMPOSTOR_BENCH_RECORDS:-2000000} Entra Graph sign-ins =="
"$BUILD/bench/scan_bench" | tee "$OUT/scan.txt"

# The console rows: "BM_Name/... <time> ms <cpu> ms 1 key=value key=value ...".
awk '
  function num(v,   m) {  # "400.279k/s" -> 400279
    m = 1
    if (v ~ /k/) m = 1e3
    if (v ~ /M/) m = 1e6
    if (v ~ /G/) m = 1e9
    gsub(/[^0-9.]/, "", v)
    return v * m
  }
  /^BM_/ {
    n = $1; sub(/\/.*/, "", n)
    for (i = 2; i <= NF; i++) {
      split($i, kv, "=")
      if (kv[1] == "items_per_second") rate[n] = num(kv[2])
      if (kv[1] == "bytes_per_account") bpa[n] = kv[2]
    }
  }
  END {
    ceiling = rate["BM_Ceiling"]; e2e = rate["BM_EndToEnd"]; state = bpa["BM_StatePerAccount"]
    printf "\n%-44s %14s\n", "measure", "value"
    printf "%-44s %14.0f records/s\n", "baseline: simdjson On-Demand ceiling", ceiling
    printf "%-44s %14.0f records/s\n", "impostor readers only", rate["BM_Read"]
    printf "%-44s %14.0f records/s\n", "impostor end to end (one core)", e2e
    if (ceiling > 0) printf "%-44s %13.1f%%   (target >= 60%%)\n", "end to end / ceiling", 100 * e2e / ceiling
    printf "%-44s %14s   (target >= 250,000/s)\n", "end to end vs target", (e2e >= 250000 ? "met" : "not met")
    printf "%-44s %14s bytes (target <= 256)\n", "state per account at 1M accounts", state
  }' "$OUT/scan.txt"

for b in enrich_bench store_bench photo_bench resolve_bench score_bench; do
  if [ -x "$BUILD/bench/$b" ]; then
    echo
    echo "== $b =="
    "$BUILD/bench/$b" --benchmark_min_time=0.2 2>/dev/null | tail -n +4 || echo "$b failed"
  fi
done
