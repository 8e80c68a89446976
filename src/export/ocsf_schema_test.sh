#!/usr/bin/env bash
# Every finding a scan of a simulated world writes (every detector, the risk model,
# people, devices and MFA) validates against the real OCSF 1.3.0 schema: required
# attributes, types, enum ids and captions, type_uid, no unknown attribute, no
# 0 timestamp. Exit status 0 = passed.
#
#   ocsf_schema_test.sh BUILD/bin/impostor SOURCE_DIR
set -euo pipefail
BIN="$1"
SRC="$2"
W="$(mktemp -d)"
trap 'rm -rf "$W"' EXIT

"$BIN" simulate --seed 5 --employees 400 --days 21 --out "$W/world" >/dev/null
mapfile -t INPUTS < <(find "$W/world/signins" "$W/world/mfa" "$W/world/devices" -type f | sort)
"$BIN" scan -q --db "$W/s.db" --config "$W/world/impostor.yaml" --no-faces --rejects "$W/rejects.jsonl" \
  --out "$W/findings.jsonl" "${INPUTS[@]}" "$W/world/people.csv" || [ $? -eq 1 ]
[ -s "$W/findings.jsonl" ] || { echo "FAIL: the scan wrote no finding" >&2; exit 1; }
python3 "$SRC/tests/ocsf/validate_ocsf.py" "$SRC/tests/data/ocsf/schema-1.3.0.compiled.json" "$W/findings.jsonl"

# Analyst verdicts close findings (Suppressed / Resolved, with a comment); the store's
# findings with their times and verdicts validate too.
mapfile -t KEYS < <(python3 -c '
import json, sys
keys = [json.loads(l)["finding_info"]["uid"] for l in open(sys.argv[1])]
print(keys[0]); print(keys[-1])' "$W/findings.jsonl")
"$BIN" verdict confirmed --db "$W/s.db" "${KEYS[0]}" --note "laptop farm" >/dev/null
"$BIN" verdict dismissed --db "$W/s.db" "${KEYS[1]}" --note "business trip" >/dev/null
"$BIN" findings --db "$W/s.db" --limit 0 --json >"$W/stored.jsonl"
python3 "$SRC/tests/ocsf/validate_ocsf.py" "$SRC/tests/data/ocsf/schema-1.3.0.compiled.json" "$W/stored.jsonl"
python3 - "$W/stored.jsonl" <<'PY' || { echo "FAIL: verdicts, times or tenants missing from the OCSF findings" >&2; exit 1; }
import json, sys
events = [json.loads(l) for l in open(sys.argv[1])]
closed = {e["status"]: e for e in events if e["activity_id"] == 3}
assert set(closed) == {"Resolved", "Suppressed"}, closed.keys()
assert "laptop farm" in closed["Resolved"]["comment"] and closed["Resolved"]["type_uid"] == 200403
assert all("created_time" in e["finding_info"] and "modified_time" in e["finding_info"] for e in events)
assert sum("tenant_uid" in e["metadata"] for e in events) > len(events) // 3
assert any("related_events" in e["finding_info"] for e in events)
PY

# The world's sign-ins as OCSF Authentication (3002) validate against the same schema.
"$BIN" export ocsf-signins --out "$W/signins.jsonl" "$W"/world/signins/* 2>/dev/null
[ -s "$W/signins.jsonl" ] || { echo "FAIL: no sign-in written as OCSF Authentication" >&2; exit 1; }
python3 "$SRC/tests/ocsf/validate_ocsf.py" "$SRC/tests/data/ocsf/schema-1.3.0.compiled.json" "$W/signins.jsonl"

# The validator itself catches what it must: a 0 time, an integer longitude, an
# unknown attribute, a wrong caption, a missing required attribute.
head -1 "$W/findings.jsonl" | python3 -c '
import json, sys
f = json.loads(sys.stdin.read())
bad = []
for change in ("time0", "caption", "unknown", "required", "long"):
    g = json.loads(json.dumps(f))
    if change == "time0": g["time"] = 0
    if change == "caption": g["severity"] = "Catastrophic"
    if change == "unknown": g["not_an_ocsf_attribute"] = 1
    if change == "required": del g["finding_info"]
    if change == "long": g.setdefault("evidences", [{}])[0]["src_endpoint"] = {"ip": "192.0.2.1", "location": {"long": -74}}
    bad.append(json.dumps(g))
print("\n".join(bad))' > "$W/bad.jsonl"
out="$(python3 "$SRC/tests/ocsf/validate_ocsf.py" "$SRC/tests/data/ocsf/schema-1.3.0.compiled.json" "$W/bad.jsonl" || true)"
for expect in "timestamp 0" "is not the caption" "attribute unknown" "required attribute missing" "written as an integer"; do
  grep -q "$expect" <<<"$out" || { echo "FAIL: the validator missed: $expect" >&2; echo "$out" >&2; exit 1; }
done
echo "bad events caught: $(tail -1 <<<"$out")"
