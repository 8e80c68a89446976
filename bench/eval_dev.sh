#!/usr/bin/env bash
# Scans independent evaluation worlds as a tenant would and scores the findings
# with the worlds' own scorer.
#
#   bench/eval_dev.sh WORLDS_DIR [BUILD_DIR] [-- extra scan flags]
#
# WORLDS_DIR holds one folder per world (signins/, devices/, mfa/, people.csv,
# network/corporate_egress.csv, truth.json.gz) and, beside the worlds folder,
# score.py (or set SCORE=path). Each world is scanned with every input, the
# shipped model (scan's default) and the world's egress CSV as the organisation's
# egress, into $EVAL_OUT/<world>/ (default build/eval/). The worlds are a
# measurement: nothing here trains on them or fits to them.
set -euo pipefail
WORLDS="${1:?usage: bench/eval_dev.sh WORLDS_DIR [BUILD_DIR] [-- scan flags]}"
shift
BUILD=build
if [ $# -gt 0 ] && [ "$1" != "--" ]; then BUILD="$1"; shift; fi
[ "${1:-}" = "--" ] && shift
EXTRA=("$@")
IMPOSTOR="$BUILD/bin/impostor"
SCORE="${SCORE:-$(dirname "$WORLDS")/score.py}"
OUT="${EVAL_OUT:-$BUILD/eval}"
[ -x "$IMPOSTOR" ] || { echo "eval_dev: $IMPOSTOR not built; run make build" >&2; exit 2; }
[ -f "$SCORE" ] || { echo "eval_dev: no scorer at $SCORE; set SCORE=path/to/score.py" >&2; exit 2; }

for world in "$WORLDS"/*/; do
  world="${world%/}"
  name="$(basename "$world")"
  [ -f "$world/truth.json.gz" ] || continue
  out="$OUT/$name"
  rm -rf "$out" && mkdir -p "$out"
  cat > "$out/egress.yaml" <<YAML
networks:
  org_egress:
    - name: corporate egress
      file: $(realpath "$world/network/corporate_egress.csv")
YAML
  mapfile -t inputs < <(find "$world/signins" "$world/devices" "$world/mfa" -type f | sort)
  inputs+=("$world/people.csv")
  start=$(date +%s%N)
  "$IMPOSTOR" scan -q --db "$out/impostor.db" --out "$out/findings.jsonl" --rejects "$out/rejects.jsonl" \
    --config "$out/egress.yaml" "${EXTRA[@]}" "${inputs[@]}" || [ $? -eq 1 ]
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  secs="$((ms / 1000)).$(printf '%03d' $((ms % 1000)))"
  echo "== $name: $(wc -l < "$out/findings.jsonl") findings in ${secs}s =="
  python3 "$SCORE" "$world/truth.json.gz" "$out/findings.jsonl" | tee "$out/score.txt"
  python3 "$SCORE" "$world/truth.json.gz" "$out/findings.jsonl" --json > "$out/score.json"
  python3 "$(dirname "$0")/calibration.py" "$world/truth.json.gz" "$out/findings.jsonl" | tee -a "$out/score.txt"
done
