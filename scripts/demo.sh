#!/usr/bin/env bash
# make demo: simulate a small world, scan it, show the top findings and how well
# they match the world's ground truth.
set -euo pipefail
IMPOSTOR="${1:-build/bin/impostor}"
OUT="${DEMO_OUT:-demo-out}"
rm -rf "$OUT"
mkdir -p "$OUT"

if "$IMPOSTOR" simulate --help >/dev/null 2>&1; then
  echo "== Simulating a world: 2,000 employees, 30 days, 3 organisations (seed 7) =="
  "$IMPOSTOR" simulate --seed 7 --employees 2000 --days 30 --orgs 3 --out "$OUT/world"
  mapfile -t INPUTS < <(find "$OUT/world/signins" "$OUT/world/mfa" "$OUT/world/devices" -type f | sort)
  INPUTS+=("$OUT/world/people.csv")
  CONFIG=(--config "$OUT/world/impostor.yaml" --no-faces)
else
  echo "== No simulator in this build: scanning the sample logs shipped with the tests =="
  mapfile -t INPUTS < <(find tests/data/signins -type f \( -name '*.json' -o -name '*.jsonl' -o -name '*.ndjson' \) | sort)
  CONFIG=()
fi

MODEL=()
if [ -f models/risk_model.json ]; then MODEL=(--model models/risk_model.json); fi

echo
echo "== impostor scan (store: $OUT/impostor.db, OCSF: $OUT/findings.ocsf.jsonl) =="
"$IMPOSTOR" scan --db "$OUT/impostor.db" --out "$OUT/findings.ocsf.jsonl" --rejects "$OUT/rejects.jsonl" \
  --top 25 "${MODEL[@]}" "${CONFIG[@]}" "${INPUTS[@]}" || true

if [ ${#MODEL[@]} -gt 0 ]; then
  echo
  echo "== Highest-risk personas (the risk model over each persona's records and accounts) =="
  "$IMPOSTOR" findings --db "$OUT/impostor.db" --detector risk.persona --limit 10 --table
fi

if [ -d "$OUT/world" ] && "$IMPOSTOR" eval --help >/dev/null 2>&1; then
  echo
  echo "== impostor eval: findings against the world's ground truth =="
  "$IMPOSTOR" eval --world "$OUT/world" --findings "$OUT/findings.ocsf.jsonl"
fi

echo
echo "Files: $OUT/ (world, store, OCSF findings, rejects). Try:"
echo "  $IMPOSTOR findings --db $OUT/impostor.db --min-severity high"
echo "  $IMPOSTOR verdict confirmed --db $OUT/impostor.db --entity ACCOUNT --detector risk.account"
