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

set +e
"$IMPOSTOR" formats --json "$EXPORT" "$WORK/unknown.csv" > "$WORK/formats.jsonl"
status=$?
set -e
[ "$status" -eq 5 ] || { echo "formats: expected exit 5, got $status"; exit 1; }
grep -q '"format":"aws.sentinel".*"records":2,"rejected":0' "$WORK/formats.jsonl" || { echo "formats: aws.sentinel not reported"; cat "$WORK/formats.jsonl"; exit 1; }
grep -q '"input":"'"$WORK"'/unknown.csv","kind":"","format":""' "$WORK/formats.jsonl" || { echo "formats: unknown file not reported"; cat "$WORK/formats.jsonl"; exit 1; }
"$IMPOSTOR" formats --help | grep -q "Examples:" || { echo "formats --help has no examples"; exit 1; }
echo "ok"
