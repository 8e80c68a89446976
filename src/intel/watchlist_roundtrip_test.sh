#!/usr/bin/env bash
# A persona round-trips between two organisations: contoso scans its people
# records, confirms the persona, exports it as STIX 2.1 (validated against the OASIS
# schemas) and MISP (validated against the misp-objects templates); fabrikam imports
# the bundle into its own store and its scan raises persona.known_indicator on the
# records that carry the persona's e-mail and phone. The same with pre-hashed
# values (HMAC-SHA256, shared key), a partner CSV, and malformed files rejected
# with the object and the reason.
#
#   watchlist_roundtrip_test.sh BUILD/bin/impostor SOURCE_DIR
set -euo pipefail
BIN="$1"
SRC="$2"
D="$SRC/tests/data/watchlist"
W="$(mktemp -d)"
trap 'rm -rf "$W"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
findings() { "$BIN" findings --db "$1" --limit 0 --json; }

# --- contoso: scan, confirm, export.
"$BIN" scan -q --no-model --db "$W/a.db" --rejects "$W/rej.jsonl" "$D/people_a.csv" >/dev/null
persona="$(findings "$W/a.db" | python3 -c '
import json, sys
for line in sys.stdin:
    e = json.loads(line)
    if e["finding_info"]["analytic"]["uid"] == "persona.reuse":
        print(e["resources"][0]["uid"]); break')"
[ -n "$persona" ] || fail "contoso's scan found no persona.reuse"
"$BIN" verdict confirmed --db "$W/a.db" --entity "$persona" --analyst soc@contoso.com --note "same Gmail on three applications" >/dev/null
"$BIN" export stix --db "$W/a.db" --persona "$persona" --people "$D/people_a.csv" --tlp amber --producer contoso \
  --out "$W/a.stix.json" 2>/dev/null
python3 "$SRC/tests/stix/validate_stix.py" "$SRC/tests/data/stix" "$W/a.stix.json"
python3 - "$W/a.stix.json" <<'PY' || fail "the bundle lacks what a partner needs"
import json, sys
b = json.load(open(sys.argv[1]))
types = [o["type"] for o in b["objects"]]
patterns = " ".join(o.get("pattern", "") for o in b["objects"])
for need in ("identity", "threat-actor", "indicator", "observed-data", "relationship", "marking-definition", "phone-number"):
    assert need in types, need
assert "[email-addr:value = 'j.doe.dev+jobs@gmail.com']" in patterns, patterns
assert "[phone-number:number = '+1 415 555 0101']" in patterns, patterns
assert "[user-account:account_login = 'jdoe@contoso.com']" in patterns, patterns
assert "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421" in [o["id"] for o in b["objects"]]
PY
# The validators catch what they must (a schema violation, a dangling reference, a
# wrong MISP type), so their passes above mean something.
python3 - "$W/a.stix.json" "$W/broken.stix.json" <<'PY'
import json, sys
b = json.load(open(sys.argv[1]))
ind = next(o for o in b["objects"] if o["type"] == "indicator")
del ind["pattern_type"]
ind["created"] = "2024-06-10 10:00:00"
next(o for o in b["objects"] if o["type"] == "relationship")["target_ref"] = "identity--00000000-0000-4000-8000-000000000000"
json.dump(b, open(sys.argv[2], "w"))
PY
out="$(python3 "$SRC/tests/stix/validate_stix.py" "$SRC/tests/data/stix" "$W/broken.stix.json" || true)"
for expect in "pattern_type: required property missing" "does not match" "is not in the bundle"; do
  grep -q "$expect" <<<"$out" || fail "the STIX validator missed: $expect; it said: $out"
done
# A re-export gives the same ids (a partner updates, not duplicates).
"$BIN" export stix --db "$W/a.db" --persona "$persona" --people "$D/people_a.csv" --tlp amber --producer contoso \
  --out "$W/a2.stix.json" 2>/dev/null
cmp -s "$W/a.stix.json" "$W/a2.stix.json" || fail "a re-export changed the bundle"
"$BIN" export misp --db "$W/a.db" --persona "$persona" --people "$D/people_a.csv" --tlp amber --producer contoso \
  --out "$W/a.misp.json" 2>/dev/null
python3 "$SRC/tests/misp/validate_misp.py" "$SRC/tests/data/misp" "$W/a.misp.json"
python3 - "$W/a.misp.json" "$W/broken.misp.json" <<'PY'
import json, sys
e = json.load(open(sys.argv[1]))
person = next(o for o in e["Event"]["Object"] if o["name"] == "person")
next(a for a in person["Attribute"] if a["object_relation"] == "e-mail")["type"] = "email-dst"
person["Attribute"].append(dict(person["Attribute"][0], uuid="0f0f0f0f-0000-4000-8000-000000000000"))
e["Event"]["Object"].append({"name": "no-such-template", "uuid": "0f0f0f0f-0000-4000-8000-000000000001", "Attribute": []})
json.dump(e, open(sys.argv[2], "w"))
PY
out="$(python3 "$SRC/tests/misp/validate_misp.py" "$SRC/tests/data/misp" "$W/broken.misp.json" || true)"
for expect in "is not the template's type" "does not allow multiple" "no template"; do
  grep -q "$expect" <<<"$out" || fail "the MISP validator missed: $expect; it said: $out"
done

# --- fabrikam: import, scan its own people, see the persona.
"$BIN" watchlist add --db "$W/b.db" "$W/a.stix.json" >"$W/add.txt"
grep -q "stix" "$W/add.txt" || fail "watchlist add did not report the bundle: $(cat "$W/add.txt")"
"$BIN" watchlist list --db "$W/b.db" --json | grep -q '"source":"contoso"' || fail "the indicators do not name contoso"
"$BIN" scan -q --no-model --db "$W/b.db" --rejects "$W/rej.jsonl" --out "$W/b.jsonl" "$D/people_b.csv"
python3 - "$W/b.jsonl" <<'PY' || fail "fabrikam's scan missed the shared persona"
import json, sys
hits = {}
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e["finding_info"]["analytic"]["uid"] != "persona.known_indicator":
        continue
    kind = e["unmapped"]["indicator_kind"]
    hits.setdefault(e["resources"][0]["uid"], {})[kind] = (e["severity"], e["message"], e["metadata"].get("tenant_uid"))
print("\n".join(f"  {k}: {v}" for k, v in sorted(hits.items())))
assert hits["b1"]["email"][0] == "High" and "contoso" in hits["b1"]["email"][1], hits
assert hits["b4"]["phone"][0] == "High", hits            # 415-555-0101 without +1
assert hits["lee@fabrikam.com"]["name"][0] == "Low", hits  # a namesake only
assert hits["b1"]["email"][2] == "fabrikam", hits
assert "ann@fabrikam.com" not in hits, hits
PY

# --- pre-hashed: the bundle discloses no value; the partner with the key still matches.
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$W/shared.key"
"$BIN" export stix --db "$W/a.db" --persona "$persona" --people "$D/people_a.csv" --hmac-key-file "$W/shared.key" \
  --out "$W/h.stix.json" 2>/dev/null
python3 "$SRC/tests/stix/validate_stix.py" "$SRC/tests/data/stix" "$W/h.stix.json" >/dev/null
if grep -qiE "jdoedev|doe\.dev|4155550101|415 555 0101|555-0101|John Doe|contoso\.com" "$W/h.stix.json"; then fail "the hashed bundle discloses a value"; fi
if "$BIN" watchlist add --db "$W/c.db" "$W/h.stix.json" 2>"$W/err.txt"; then fail "hashed values imported without the key"; fi
grep -q "hmac-key-file" "$W/err.txt" || fail "no hint to pass the key: $(cat "$W/err.txt")"
"$BIN" watchlist add --db "$W/c.db" --hmac-key-file "$W/shared.key" "$W/h.stix.json" >/dev/null
"$BIN" scan -q --no-model --db "$W/c.db" --rejects "$W/rej.jsonl" --out "$W/c.jsonl" "$D/people_b.csv"
python3 - "$W/c.jsonl" <<'PY' || fail "the pre-hashed e-mail and phone did not match"
import json, sys
kinds = {}
for line in open(sys.argv[1]):
    e = json.loads(line)
    u = e.get("unmapped", {})
    if e["finding_info"]["analytic"]["uid"] == "persona.known_indicator" and u.get("hashed"):
        kinds.setdefault(e["resources"][0]["uid"], set()).add(u["indicator_kind"])
print("  pre-hashed matches:", {k: sorted(v) for k, v in sorted(kinds.items())})
assert "email" in kinds.get("b1", ()) and "phone" in kinds.get("b4", ()) and "name" in kinds.get("lee@fabrikam.com", ()), kinds
PY

# --- a partner's CSV and MISP event; malformed files rejected whole, with the reason.
"$BIN" watchlist add --db "$W/d.db" "$D/partner.csv" "$W/a.misp.json" >/dev/null
"$BIN" watchlist list --db "$W/d.db" --json >"$W/d.txt"
grep -q '"kind":"email","value":"ann.berg@example.org","source":"isac-feed"' "$W/d.txt" || fail "CSV e-mail not normalised"
grep -q '"kind":"phone","value":"+14155550101","source":"contoso"' "$W/d.txt" || fail "MISP phone not imported"
python3 - "$W/a.stix.json" "$W/bad.stix.json" <<'PY'
import json, sys
b = json.load(open(sys.argv[1]))
i = next(n for n, o in enumerate(b["objects"]) if o["type"] == "indicator")
b["objects"][i]["pattern"] = "[email-addr:value = 'unterminated]"
json.dump(b, open(sys.argv[2], "w"))
print(i, file=open(sys.argv[2] + ".index", "w"))
PY
before="$(wc -l <"$W/d.txt")"
if "$BIN" watchlist add --db "$W/d.db" "$W/bad.stix.json" 2>"$W/err.txt"; then fail "a malformed bundle was accepted"; fi
grep -q "objects\[$(cat "$W/bad.stix.json.index")\] (indicator--" "$W/err.txt" || fail "the error does not name the object: $(cat "$W/err.txt")"
grep -q "unterminated string" "$W/err.txt" || fail "the error does not say why: $(cat "$W/err.txt")"
printf 'kind,value\nemail,a@example.com\nfax,+15550100\n' >"$W/bad.csv"
if "$BIN" watchlist add --db "$W/d.db" "$W/bad.csv" 2>"$W/err.txt"; then fail "a CSV with an unknown kind was accepted"; fi
grep -q "bad.csv:3: unknown kind 'fax'" "$W/err.txt" || fail "the CSV error does not name the line: $(cat "$W/err.txt")"
[ "$("$BIN" watchlist list --db "$W/d.db" --json | wc -l)" -eq "$before" ] || fail "a rejected file imported something"
echo "watchlist round trip: ok"
