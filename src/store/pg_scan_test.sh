#!/usr/bin/env bash
# A scan into PostgreSQL gives what a scan into SQLite gives, through the binary:
# a small simulated world is scanned into both stores in two parts (the second
# scan continues the first's per-account state and updates its findings), and
# after each part `impostor findings --json` of both stores is the same (minus the
# wall-clock times the store writes). verdict, findings --entity, watchlist and
# export stix then run on the PostgreSQL store as on the SQLite one, and no output
# shows the server's password. Prints the scan times of both stores.
#
#   pg_scan_test.sh IMPOSTOR PG_HARNESS
#
# The server: the ctest fixture's (IMPOSTOR_TEST_PG_STATE), else one started here.
set -euo pipefail
IMPOSTOR="$(realpath "$1")"
HARNESS="$(realpath "$2")"
W="$(mktemp -d)"
STATE="${IMPOSTOR_TEST_PG_STATE:-}"
OWN=""
cleanup() {
  [ -n "$OWN" ] && "$HARNESS" stop "$OWN" || true
  rm -rf "$W"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
cd "$W"  # scans write their rejects file to the working directory

if [ -z "$STATE" ] || { [ ! -f "$STATE/url" ] && [ ! -f "$STATE/skip" ]; }; then
  OWN="$W/pg-state"
  STATE="$OWN"
  "$HARNESS" start "$STATE" >/dev/null
fi
if [ -f "$STATE/skip" ]; then
  echo "SKIP: $(cat "$STATE/skip")"
  exit 0
fi
DB_NAME="scan_$$"
PG="$("$HARNESS" createdb "$STATE" "$DB_NAME")"
PASSWORD="$(sed -E 's|^postgresql://[^:]+:([^@]+)@.*|\1|' "$STATE/url")"
SQ="$W/impostor.db"

"$IMPOSTOR" simulate --seed 5 --employees 120 --days 10 --no-photos --out "$W/world" >/dev/null
shopt -s nullglob
SIGNINS=("$W"/world/signins/*)
[ ${#SIGNINS[@]} -ge 1 ] || fail "the simulated world has no sign-ins: $(ls -R "$W/world")"
OTHER=("$W"/world/devices/* "$W"/world/people.csv)
# Part one: the people records, devices and the first half of the sign-in files
# (all of them split by line when there is one file); part two: the rest.
mkdir -p "$W/part1" "$W/part2"
if [ ${#SIGNINS[@]} -ge 2 ]; then
  half=$(( ${#SIGNINS[@]} / 2 ))
  PART1=("${SIGNINS[@]:0:half}")
  PART2=("${SIGNINS[@]:half}")
else
  f="${SIGNINS[0]}"
  base="$(basename "$f")"
  case "$base" in *.gz) fail "a single compressed sign-in file: the test splits plain files only" ;; esac
  n=$(wc -l <"$f")
  head -n $((n / 2)) "$f" >"$W/part1/$base"
  tail -n +$((n / 2 + 1)) "$f" >"$W/part2/$base"
  PART1=("$W/part1/$base")
  PART2=("$W/part2/$base")
fi

# findings DB STEP -> $W/STEP.DBKIND.jsonl: every stored finding, sorted, without
# the wall-clock times (when the store wrote it, when it was exported).
findings() {
  "$IMPOSTOR" findings --db "$1" --json --limit 0 >"$W/$2.raw" 2>"$W/$2.err" || fail "findings --db ($2): $(cat "$W/$2.err")"
  python3 - "$W/$2.raw" >"$W/$2.jsonl" <<'PY'
import json, sys
rows = []
for line in open(sys.argv[1]):
    f = json.loads(line)
    f.pop("time", None)
    for k in ("processed_time", "logged_time"):
        f.get("metadata", {}).pop(k, None)
    for k in ("created_time", "modified_time"):
        f.get("finding_info", {}).pop(k, None)
    rows.append(json.dumps(f, sort_keys=True))
print("\n".join(sorted(rows)))
PY
}

# scan DB NAME INPUTS... : times the scan, keeps its stderr.
declare -A SECONDS_OF
scan() {
  local db="$1" name="$2"; shift 2
  local t0 t1
  t0=$(date +%s.%N)
  "$IMPOSTOR" scan --top 0 --quiet --db "$db" --rejects "$W/$name.rejects" --out "$W/$name.ocsf" "$@" \
    >"$W/$name.out" 2>"$W/$name.err" || { rc=$?; [ $rc -eq 0 ] || [ $rc -eq 5 ] || fail "scan $name exited $rc: $(cat "$W/$name.err")"; }
  t1=$(date +%s.%N)
  SECONDS_OF[$name]=$(python3 -c "print(f'{$t1 - $t0:.2f}')")
}

for step in 1 2; do
  if [ $step -eq 1 ]; then inputs=("${OTHER[@]}" "${PART1[@]}"); else inputs=("${PART2[@]}"); fi
  scan "$SQ" "scan$step.sqlite" "${inputs[@]}"
  scan "$PG" "scan$step.postgres" "${inputs[@]}"
  findings "$SQ" "step$step.sqlite"
  findings "$PG" "step$step.postgres"
  n=$(wc -l <"$W/step$step.sqlite.jsonl")
  [ "$n" -gt 0 ] || fail "step $step: the SQLite store has no findings"
  diff -q "$W/step$step.sqlite.jsonl" "$W/step$step.postgres.jsonl" >/dev/null || {
    diff "$W/step$step.sqlite.jsonl" "$W/step$step.postgres.jsonl" | head -20 >&2
    fail "step $step: the stores' findings differ"
  }
  echo "step $step: $n findings, the same in both stores"
done
# The second scan continued the first: some findings were seen again (updated).
cmp -s "$W/step1.sqlite.jsonl" "$W/step2.sqlite.jsonl" && fail "the second scan changed no finding"

# The other commands that take --db, on both stores.
key="$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["finding_info"]["uid"])' "$W/step2.sqlite.raw")"
for kind in sqlite postgres; do
  db="$SQ"; [ $kind = postgres ] && db="$PG"
  "$IMPOSTOR" verdict confirmed "$key" --db "$db" --analyst soc@example.com --note "laptop farm" \
    >"$W/verdict.$kind" 2>&1 || fail "verdict on $kind: $(cat "$W/verdict.$kind")"
  entity="$(python3 -c 'import json,sys; f=json.loads(open(sys.argv[1]).readline()); print(f["finding_info"]["uid"].split("|")[1])' "$W/step2.sqlite.raw")"
  "$IMPOSTOR" findings --db "$db" --entity "$entity" --json --limit 0 >"$W/entity.$kind" 2>&1 ||
    fail "findings --entity on $kind: $(cat "$W/entity.$kind")"
  "$IMPOSTOR" watchlist list --db "$db" --json >"$W/watchlist.$kind" 2>&1 || fail "watchlist list on $kind: $(cat "$W/watchlist.$kind")"
  "$IMPOSTOR" export stix --db "$db" --min-risk 0 --out "$W/stix.$kind" >"$W/stix.$kind.err" 2>&1 ||
    fail "export stix on $kind: $(cat "$W/stix.$kind.err")"
done
[ "$(wc -l <"$W/entity.sqlite")" -eq "$(wc -l <"$W/entity.postgres")" ] || fail "findings --entity differ between the stores"
cmp -s "$W/watchlist.sqlite" "$W/watchlist.postgres" || fail "watchlist list differs between the stores"
# The shared STIX bundles hold the same objects (ids and times are of the export).
python3 - "$W/stix.sqlite" "$W/stix.postgres" <<'PY' || fail "export stix differs between the stores"
import json, sys
def shape(path):
    return sorted((o.get("type"), o.get("name", ""), o.get("pattern", "")) for o in json.load(open(path)).get("objects", []))
a, b = shape(sys.argv[1]), shape(sys.argv[2])
assert a, "no STIX objects"
assert a == b, (len(a), len(b))
PY
grep -q "confirmed" "$W/verdict.postgres" || fail "verdict on PostgreSQL printed no verdict: $(cat "$W/verdict.postgres")"

# A URL that reaches no server: a clear error naming it, without the password.
if "$IMPOSTOR" findings --db "postgresql://impostor:$PASSWORD@127.0.0.1:1/x" >"$W/down.out" 2>"$W/down.err"; then
  fail "findings on an unreachable server succeeded"
fi
grep -q "postgresql://impostor@127.0.0.1:1/x" "$W/down.err" || fail "the error does not name the server: $(cat "$W/down.err")"

# No output of any command shows the password.
if grep -rlF "$PASSWORD" "$W"/*.err "$W"/*.out "$W"/verdict.* "$W"/entity.* "$W"/watchlist.* "$W"/stix.* "$W"/down.* 2>/dev/null; then
  fail "the password appears in the output above"
fi

echo "scan times (s): part 1 SQLite ${SECONDS_OF[scan1.sqlite]}, PostgreSQL ${SECONDS_OF[scan1.postgres]}; part 2 SQLite ${SECONDS_OF[scan2.sqlite]}, PostgreSQL ${SECONDS_OF[scan2.postgres]}"
echo "PASS"
