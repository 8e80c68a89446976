#!/usr/bin/env bash
# End to end through the binary: simulate a small world, scan it with the shipped
# risk model, record analyst verdicts, retrain from them. Exit status 0 = passed.
#
#   verdict_retrain_test.sh BUILD/bin/impostor SOURCE_DIR
set -euo pipefail
BIN="$1"
SRC="$2"
W="$(mktemp -d)"
trap 'rm -rf "$W"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$BIN" simulate --seed 3 --employees 300 --days 14 --out "$W/world" >/dev/null
mapfile -t INPUTS < <(find "$W/world/signins" "$W/world/mfa" "$W/world/devices" -type f | sort)
"$BIN" scan --db "$W/s.db" --config "$W/world/impostor.yaml" --no-faces --model "$SRC/models/risk_model.json" \
  --out "$W/findings.jsonl" "${INPUTS[@]}" "$W/world/people.csv" >/dev/null 2>&1 || fail "scan"
grep -q '"uid":"risk.account|' "$W/findings.jsonl" || fail "no risk.account finding"
grep -q '"uid":"risk.persona|' "$W/findings.jsonl" || fail "no risk.persona finding"

# An unknown key is a usage error and records nothing.
if "$BIN" verdict confirmed --db "$W/s.db" 'no.such|finding' 2>"$W/err"; then fail "unknown key accepted"; fi
grep -q "nothing recorded" "$W/err" || fail "unknown key: $(cat "$W/err")"
"$BIN" train --store "$W/s.db" --out "$W/none.json" -q 2>"$W/err" && fail "trained without verdicts"
grep -q "impostor verdict" "$W/err" || fail "no-verdict message: $(cat "$W/err")"

# The analyst confirms the highest account score and dismisses the atypical-location findings.
top="$("$BIN" findings --db "$W/s.db" --detector risk.account --limit 1 --json |
       grep -o '"uid":"risk.account|[^"]*"' | head -1 | cut -d'"' -f4)"
[ -n "$top" ] || fail "no top account"
"$BIN" verdict confirmed --db "$W/s.db" --analyst soc@example.com --note "site visit" "$top" >/dev/null
account="${top#risk.account|}"
"$BIN" verdict confirmed --db "$W/s.db" --entity "$account" >/dev/null  # every finding on it
"$BIN" findings --db "$W/s.db" --detector signin.atypical_location --json --limit 0 |
  grep -o '"uid":"signin.atypical_location|[^"]*"' | cut -d'"' -f4 | sort -u > "$W/dismiss"
[ -s "$W/dismiss" ] || fail "no atypical-location finding to dismiss"
xargs -d '\n' "$BIN" verdict dismissed --db "$W/s.db" < "$W/dismiss" >/dev/null

# Retraining reads them as labels, next to the simulated world's own.
"$BIN" train --world "$W/world" --store "$W/s.db" --out "$W/m.json" -q 2>"$W/err" || fail "train: $(cat "$W/err")"
grep -Eq "accounts labelled by analyst verdicts \([1-9][0-9]* fraud, [1-9][0-9]* legitimate\)" "$W/err" ||
  fail "labels: $(cat "$W/err")"
grep -q '"source":"analyst verdicts"' "$W/m.card.md" || fail "card does not list the store"
"$BIN" scan --db "$W/s2.db" --model "$W/m.json" --no-faces --out "$W/f2.jsonl" "$W/world/people.csv" >/dev/null 2>&1 ||
  fail "scan with the retrained model"
echo "passed"
