#!/usr/bin/env bash
# Reads a folder of real exported files (e.g. ../shared/data/real/) through
# impostor's readers, one file at a time, and prints what each gives: the reader,
# records read, rejected and skipped. The files stay where they are; nothing is
# copied into the repository. Then scans the three-file folder of the issue
# (a portal CSV, a Defender telemetry CSV no reader takes, a VPN CSV) in one run.
#
#   bench/real_exports.sh DIR [BUILD]      BUILD defaults to build
set -euo pipefail
DIR="${1:?usage: bench/real_exports.sh DIR [BUILD]}"
BUILD="${2:-build}"
IMPOSTOR="$BUILD/bin/impostor"
command -v python3 >/dev/null || { echo "real_exports: needs python3 to tabulate"; exit 2; }

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
find "$DIR" -type f ! -name '*.md' | sort | while IFS= read -r f; do
  "$IMPOSTOR" formats --json "$f" || true
done > "$WORK/formats.jsonl"
python3 - "$DIR" "$WORK/formats.jsonl" <<'PY'
import json, sys
root = sys.argv[1].rstrip("/") + "/"
rows = [json.loads(line) for line in open(sys.argv[2]) if line.strip()]
print(f"{'file':<78} {'reader':<20} {'read':>6} {'rejected':>8} {'skipped':>7}")
for r in rows:
    name = r["input"].replace(root, "")
    if len(name) > 78:
        name = "..." + name[-75:]
    if not r["format"]:
        note = r.get("error") or r["why"]
        print(f"{name:<78} {'(none)':<20} {'-':>6} {'-':>8} {'-':>7}  {note[:70]}")
        continue
    print(f"{name:<78} {r['format']:<20} {r.get('records', '-'):>6} {r.get('rejected', '-'):>8} {r.get('skipped', '-'):>7}")
PY

PORTAL="$DIR/msticpy/SigninLogs_msticpy_aad_logons.portal.csv"
MDE="$DIR/msticpy/mde_proc_cs1.csv"
VPN="$DIR/mandiant-geologonalyzer/SampleInput.with_header.csv"
if [ -f "$PORTAL" ] && [ -f "$MDE" ] && [ -f "$VPN" ]; then
  echo
  echo "== one scan of the portal CSV, the Defender telemetry CSV and the VPN CSV"
  set +e
  "$IMPOSTOR" scan --db "$WORK/s.db" --rejects "$WORK/r.jsonl" --out "$WORK/f.jsonl" "$PORTAL" "$MDE" "$VPN" 2>&1 |
    grep -v "GeoIP database"
  echo "exit status ${PIPESTATUS[0]}"
fi
