#!/usr/bin/env bash
# The streaming scan gives the same findings however its input arrives: sorted in
# memory or through spilled runs (--sort-memory-mb 1), on one thread or several,
# and with every sign-in file in newest-first order (as Graph pages come). Usage:
# stream_equivalence_test.sh IMPOSTOR
set -euo pipefail
IMPOSTOR="$1"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
"$IMPOSTOR" simulate --seed 5 --employees 150 --days 21 --no-photos --out "$WORK/w" >/dev/null
shopt -s nullglob
INPUTS=("$WORK"/w/signins/* "$WORK"/w/devices/* "$WORK"/w/people.csv)
[ ${#INPUTS[@]} -ge 3 ] || { echo "the simulated world has no inputs"; ls -R "$WORK/w"; exit 1; }

scan() {  # scan NAME ARGS... -> $WORK/NAME.jsonl, findings without the time they were written
  local name="$1"; shift
  "$IMPOSTOR" scan --top 0 --db "$WORK/$name.db" --rejects "$WORK/$name.rejects" --out "$WORK/$name.raw" "$@" > /dev/null 2> "$WORK/$name.err"
  python3 - "$WORK/$name.raw" > "$WORK/$name.jsonl" <<'PY'
import json, sys
rows = []
for line in open(sys.argv[1]):
    f = json.loads(line)
    f.pop("time", None)
    f.get("metadata", {}).pop("processed_time", None)
    f.get("metadata", {}).pop("logged_time", None)
    for k in ("created_time", "modified_time"):  # when the store first and last wrote it
        f.get("finding_info", {}).pop(k, None)
    rows.append(json.dumps(f, sort_keys=True))
print("\n".join(sorted(rows)))
PY
}

scan memory --threads 2 "${INPUTS[@]}"
[ "$(wc -l < "$WORK/memory.jsonl")" -ge 5 ] || { echo "too few findings to compare"; exit 1; }
scan spilled --threads 2 --sort-memory-mb 1 "${INPUTS[@]}"
scan one_thread --threads 1 --sort-memory-mb 1 "${INPUTS[@]}"
grep -q "sorted runs on disk" "$WORK/spilled.err" || { echo "--sort-memory-mb 1 did not spill:"; cat "$WORK/spilled.err"; exit 1; }
! grep -q "sorted runs on disk" "$WORK/memory.err" || { echo "the default budget spilled a small world"; exit 1; }

# Newest first: every sign-in file reversed line by line.
mkdir -p "$WORK/rev"
REV=()
for f in "$WORK"/w/signins/*; do
  case "$f" in
    *.gz) zcat "$f" | tac > "$WORK/rev/$(basename "${f%.gz}")"; REV+=("$WORK/rev/$(basename "${f%.gz}")") ;;
    *.jsonl|*.json) tac "$f" > "$WORK/rev/$(basename "$f")"; REV+=("$WORK/rev/$(basename "$f")") ;;
    *) REV+=("$f") ;;
  esac
done
scan reversed --threads 2 --sort-memory-mb 1 "${REV[@]}" "$WORK"/w/devices/* "$WORK/w/people.csv"

for run in spilled one_thread; do
  cmp -s "$WORK/memory.jsonl" "$WORK/$run.jsonl" || { echo "$run differs from the in-memory scan:"; diff "$WORK/memory.jsonl" "$WORK/$run.jsonl" | head -20; exit 1; }
done
# Reversed files name other lines as evidence: compare what was found.
keys() { python3 -c 'import json,sys; [print(json.loads(l)["finding_info"]["uid"], json.loads(l)["severity_id"]) for l in open(sys.argv[1])]' "$1" | sort; }
diff <(keys "$WORK/memory.jsonl") <(keys "$WORK/reversed.jsonl") > "$WORK/d" || { echo "newest-first input finds other things:"; head -20 "$WORK/d"; exit 1; }
echo "ok: $(wc -l < "$WORK/memory.jsonl") findings identical in memory, spilled, on one thread; the same with newest-first files"
