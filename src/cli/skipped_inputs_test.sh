#!/usr/bin/env bash
# One file never stops a scan: an input no reader takes is named and skipped, the
# rest are scanned, the exit status is 5; --strict stops at it. `impostor formats`
# names the reader of each file. Usage: skipped_inputs_test.sh IMPOSTOR SOURCE_DIR
set -euo pipefail
IMPOSTOR="$1"
SRC="$2"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
GOOD="$SRC/tests/data/signins/handmade/signins.csv"
EXPORT="$SRC/tests/data/signins/exports/aws_cloudtrail_sentinel_engb.csv"
printf 'alpha,beta,gamma\n1,2,3\n' > "$WORK/unknown.csv"

set +e
"$IMPOSTOR" scan --db "$WORK/a.db" --rejects "$WORK/r.jsonl" --out "$WORK/f.jsonl" "$GOOD" "$WORK/unknown.csv" "$EXPORT" 2> "$WORK/err"
status=$?
set -e
[ "$status" -eq 5 ] || { echo "scan: expected exit 5, got $status"; cat "$WORK/err"; exit 1; }
grep -q "skipped $WORK/unknown.csv" "$WORK/err" || { echo "scan: the skipped file is not named"; cat "$WORK/err"; exit 1; }
grep -q "sign-ins from 2 input(s)" "$WORK/err" || { echo "scan: the other two inputs were not read"; cat "$WORK/err"; exit 1; }

set +e
"$IMPOSTOR" scan --strict --db "$WORK/b.db" --out "$WORK/g.jsonl" "$GOOD" "$WORK/unknown.csv" 2> "$WORK/err"
status=$?
set -e
[ "$status" -eq 2 ] || { echo "scan --strict: expected exit 2, got $status"; cat "$WORK/err"; exit 1; }
[ ! -s "$WORK/g.jsonl" ] || { echo "scan --strict: scanned anyway"; exit 1; }

# Damage past the head (a gzip cut short after 64 KiB of text) sets the rest of that
# input aside: its first records and the other input are scanned, exit 5; --strict stops.
python3 - "$WORK/long.jsonl" <<'PY'
import json, sys
with open(sys.argv[1], "w") as f:
    for i in range(3000):
        f.write(json.dumps({"id": f"id-{i}", "createdDateTime": f"2024-05-01T{(i // 120) % 24:02d}:{(i // 2) % 60:02d}:00Z",
                            "userPrincipalName": f"u{i % 50}@contoso.com", "ipAddress": f"73.1.{i % 200}.{i % 250}",
                            "status": {"errorCode": 0}}) + "\n")
PY
gzip -c "$WORK/long.jsonl" > "$WORK/long.jsonl.gz"
head -c $(( $(stat -c %s "$WORK/long.jsonl.gz") * 2 / 3 )) "$WORK/long.jsonl.gz" > "$WORK/cut.jsonl.gz"
set +e
"$IMPOSTOR" scan --no-model --db "$WORK/c.db" --out "$WORK/c.jsonl" "$WORK/cut.jsonl.gz" "$GOOD" 2> "$WORK/err"
status=$?
set -e
[ "$status" -eq 5 ] || { echo "cut gzip: expected exit 5, got $status"; cat "$WORK/err"; exit 1; }
grep -q "skipped the rest of .*cut.jsonl.gz.*truncated" "$WORK/err" || { echo "cut gzip: not named"; cat "$WORK/err"; exit 1; }
read_signins="$(grep -o '^impostor: [0-9,]* sign-ins' "$WORK/err" | grep -o '[0-9,]*' | tr -d ,)"
[ "${read_signins:-0}" -gt 100 ] || { echo "cut gzip: the records before the damage were not scanned"; cat "$WORK/err"; exit 1; }
set +e
"$IMPOSTOR" scan --strict --no-model --db "$WORK/d.db" --out "$WORK/d.jsonl" "$WORK/cut.jsonl.gz" "$GOOD" 2> "$WORK/err"
status=$?
set -e
[ "$status" -eq 3 ] || { echo "cut gzip --strict: expected exit 3, got $status"; cat "$WORK/err"; exit 1; }

set +e
"$IMPOSTOR" formats --json "$EXPORT" "$WORK/unknown.csv" > "$WORK/formats.jsonl"
status=$?
set -e
[ "$status" -eq 5 ] || { echo "formats: expected exit 5, got $status"; exit 1; }
grep -q '"format":"aws.sentinel".*"records":2,"rejected":0' "$WORK/formats.jsonl" || { echo "formats: aws.sentinel not reported"; cat "$WORK/formats.jsonl"; exit 1; }
grep -q '"input":"'"$WORK"'/unknown.csv","kind":"","format":""' "$WORK/formats.jsonl" || { echo "formats: unknown file not reported"; cat "$WORK/formats.jsonl"; exit 1; }
"$IMPOSTOR" formats --help | grep -q "Examples:" || { echo "formats --help has no examples"; exit 1; }
echo "ok"
