#!/usr/bin/env bash
# Crash safety of the store at any instant, through the binary:
#
#  1. SIGKILL at named points (IMPOSTOR_CRASH_AT, common/crash_point.h: after
#     reading, in the middle of the findings, while saving account and persona
#     state, while storing risk scores, at the run record, just before and just
#     after COMMIT) and after random delays, then a rerun: the store's findings,
#     verdicts and per-entity state equal those of an uninterrupted run every
#     time. A killed scan leaves the store exactly as it was (nothing half
#     written), and `runs` records only scans that completed, so whoever reruns
#     a killed scan knows whether it had finished.
#  2. A truncated or bit-flipped store file: a clear error naming the file, never
#     a crash.
#  3. A full disk (a file size limit, ulimit -f): a clear error, the store as it was.
#  4. Inputs that vanish, cannot be read, or grow while read: named and counted,
#     the run goes on with the rest.
#
#   crash_safety_test.sh BUILD/bin/impostor SOURCE_DIR [RANDOM_KILLS]
set -euo pipefail
BIN="$(realpath "$1")"
SRC="$(realpath "$2")"
RANDOM_KILLS="${3:-6}"
W="$(mktemp -d)"
trap 'rm -rf "$W"' EXIT
cd "$W"  # scans write their rejects file to the working directory
fail() { echo "FAIL: $*" >&2; exit 1; }

# fresh SRC DST: DST becomes a copy of the store SRC, without the write-ahead log
# of an earlier store at DST (SQLite would replay it onto the copy).
fresh() { rm -f "$2" "$2-wal" "$2-shm"; cp "$1" "$2"; }

# The store as text: every finding (without its wall-clock created/updated times),
# every verdict, every entity's state, and the completed runs' counts.
dump() {
  python3 - "$1" <<'PY'
import sqlite3, sys
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
cols = [r[1] for r in db.execute("PRAGMA table_info(findings)") if r[1] not in ("created_ms", "updated_ms")]
for row in db.execute(f"SELECT {', '.join(cols)} FROM findings ORDER BY key"):
    print("finding", *row, sep="\t")
for row in db.execute("SELECT finding_key, verdict, analyst, note, time_ms FROM verdicts ORDER BY id"):
    print("verdict", *row, sep="\t")
for d, e, b in db.execute("SELECT detector, entity, blob FROM detector_state ORDER BY detector, entity"):
    print("state", d, e, bytes(b).hex(), sep="\t")
for row in db.execute("SELECT inputs, records, rejected, findings_new, findings_updated FROM runs ORDER BY id"):
    print("run", *row, sep="\t")
PY
}
runs() { python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM runs").fetchone()[0])' "$1"; }

"$BIN" simulate --seed 5 --employees 120 --days 10 --no-photos --out "$W/world" >/dev/null
mapfile -t SIGNINS < <(find "$W/world/signins" -type f | sort)
mapfile -t OTHERS < <(find "$W/world/mfa" "$W/world/devices" -type f | sort)
SCAN_EXEC=""  # "exec" in a background subshell, so its pid is impostor's own
scan() {  # scan DB [extra scan args...]: the full scan, people and the risk model included
  local db="$1"; shift
  $SCAN_EXEC "$BIN" scan --db "$db" --config "$W/world/impostor.yaml" --no-faces --model "$SRC/models/risk_model.json" -q \
    --out "$W/out.jsonl" "$@" "${SIGNINS[@]}" "${OTHERS[@]}" "$W/world/people.csv" >"$W/scan.out" 2>"$W/scan.err"
}

# Yesterday's store: a first scan of the sign-ins alone and an analyst's verdict,
# so the scan under test continues existing state, findings and verdicts.
"$BIN" scan --db "$W/base.db" --config "$W/world/impostor.yaml" --no-model -q --out "$W/base.jsonl" \
  "${SIGNINS[@]}" >/dev/null 2>&1 || fail "first scan"
key="$(grep -m1 -o '"uid":"[^"]*"' "$W/base.jsonl" | cut -d'"' -f4)"
key="${key%%$'\n'*}"
[ -n "$key" ] || fail "the first scan found nothing to give a verdict on"
"$BIN" verdict confirmed --db "$W/base.db" --analyst soc@example.com "$key" >/dev/null
dump "$W/base.db" >"$W/base.dump"

# The uninterrupted run.
fresh "$W/base.db" "$W/ref.db"
start=$(date +%s%N)
scan "$W/ref.db" || fail "uninterrupted scan: $(cat "$W/scan.err")"
ref_ms=$(( ($(date +%s%N) - start) / 1000000 ))
dump "$W/ref.db" >"$W/ref.dump"
echo "uninterrupted scan: ${ref_ms} ms"
grep -q '^finding	risk.account|' "$W/ref.dump" || fail "the reference run scored no account"
grep -q '^state	persona	' "$W/ref.dump" || fail "the reference run saved no persona"
cmp -s "$W/base.dump" "$W/ref.dump" && fail "the scan under test changed nothing"
# The run is deterministic: a second uninterrupted run on a copy of the base gives the same store.
fresh "$W/base.db" "$W/ref2.db"
scan "$W/ref2.db" || fail "second uninterrupted scan"
dump "$W/ref2.db" | cmp -s - "$W/ref.dump" || fail "two uninterrupted runs differ: the comparison would mean nothing"

# The first differing lines of two dumps, cut short (evidence lines are long).
show_diff() { { diff "$1" "$2" | cut -c1-240 | head -n 8; } || true; }
# check_after_kill NAME DB: the killed scan left either the base (then a rerun must
# give the reference) or, when it had recorded its run, the reference itself.
check_after_kill() {
  local name="$1" db="$2"
  local n
  n="$(runs "$db")" || fail "$name: the store does not open after the kill"
  if [ "$n" -gt "$(runs "$W/base.db")" ]; then
    dump "$db" >"$W/after.dump"
    cmp -s "$W/after.dump" "$W/ref.dump" || { show_diff "$W/ref.dump" "$W/after.dump"; fail "$name: the scan recorded its run but the store differs from the uninterrupted one"; }
    completed=$((completed + 1))
  else
    dump "$db" >"$W/after.dump"
    cmp -s "$W/after.dump" "$W/base.dump" || { show_diff "$W/base.dump" "$W/after.dump"; fail "$name: the killed scan left part of its writes in the store"; }
    scan "$db" || fail "$name: rerun after the kill: $(cat "$W/scan.err")"
    dump "$db" >"$W/rerun.dump"
    cmp -s "$W/rerun.dump" "$W/ref.dump" || { show_diff "$W/ref.dump" "$W/rerun.dump"; fail "$name: rerun differs from the uninterrupted run"; }
    rerun=$((rerun + 1))
  fi
}

completed=0 rerun=0
POINTS=(
  store.load_state.account         # inputs read, detection about to start
  store.begin                      # the scan's transaction just opened
  store.save_state.account         # sign-in findings written, account state not yet
  store.save_state.persona         # persona persistence
  store.load_state.persona         # scoring about to start
  store.upsert.risk.persona        # scoring
  store.record_run
  store.commit                     # everything written, COMMIT not yet issued
  store.committed                  # COMMIT returned, the process still running
)
# The first and the middle finding of every detector the run writes (its --out
# holds each finding it wrote once: "uid":"<detector>|<entity>|...").
cp "$W/out.jsonl" "$W/ref.jsonl"
while read -r n det; do
  POINTS+=("store.upsert.$det")
  if [ "$n" -gt 2 ]; then POINTS+=("store.upsert.$det:$((n / 2))"); fi
done < <(grep -o '"uid":"[^"|]*|' "$W/ref.jsonl" | cut -d'"' -f4 | tr -d '|' | sort | uniq -c)
for point in "${POINTS[@]}"; do
  fresh "$W/base.db" "$W/k.db"
  set +e
  IMPOSTOR_CRASH_AT="$point" scan "$W/k.db"
  status=$?
  set -e
  [ "$status" -eq 137 ] || fail "$point: expected death by SIGKILL (137), got $status: $(tail -3 "$W/scan.err")"
  check_after_kill "$point" "$W/k.db"
done
[ "$completed" -ge 1 ] || fail "no named point was after the commit"

# Random instants: anywhere in reading, enrichment, detection, SQLite's own commit.
for i in $(seq 1 "$RANDOM_KILLS"); do
  fresh "$W/base.db" "$W/k.db"
  delay_ms=$(( (RANDOM * 32768 + RANDOM) % (ref_ms + ref_ms / 5 + 1) ))
  set +e
  (SCAN_EXEC=exec; scan "$W/k.db") &
  pid=$!
  sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
  kill -KILL "$pid" 2>/dev/null
  wait "$pid"
  set -e
  check_after_kill "random kill after ${delay_ms} ms" "$W/k.db"
done
echo "kills: ${#POINTS[@]} named + $RANDOM_KILLS random; $rerun left the store as it was and were rerun," \
  "$completed had completed (reference run: ${ref_ms} ms)"

# 2. Damaged store files: a clear error naming the file, or (a flip in unused
# bytes) a normal run; never a crash.
cp "$W/ref.db" "$W/damaged_src.db"
size=$(stat -c %s "$W/damaged_src.db")
try_damaged() {  # try_damaged WHAT
  local what="$1" status
  for cmd in findings scan; do
    set +e
    if [ "$cmd" = findings ]; then
      "$BIN" findings --db "$W/d.db" --limit 0 --json >/dev/null 2>"$W/d.err"
    else
      "$BIN" scan --db "$W/d.db" --no-model -q --out "$W/d.jsonl" "${SIGNINS[0]}" >/dev/null 2>"$W/d.err"
    fi
    status=$?
    set -e
    [ "$status" -lt 128 ] || fail "$what: impostor $cmd crashed (status $status): $(tail -3 "$W/d.err")"
    if [ "$status" -ne 0 ] && [ "$status" -ne 5 ]; then
      grep -q "$W/d.db" "$W/d.err" || fail "$what: impostor $cmd failed without naming the store: $(cat "$W/d.err")"
    fi
  done
}
for cut in 0 50 100 4096 $((size / 2)) $((size - 1)); do
  rm -f "$W/d.db-wal" "$W/d.db-shm"
  head -c "$cut" "$W/damaged_src.db" >"$W/d.db"
  try_damaged "truncated to $cut bytes"
done
# A state blob cut short inside a valid database (what a flip in a length does).
fresh "$W/damaged_src.db" "$W/d.db"
python3 - "$W/d.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("UPDATE detector_state SET blob = substr(blob, 1, 7) WHERE detector = 'account' AND "
           "entity = (SELECT min(entity) FROM detector_state WHERE detector = 'account')")
db.commit()
PY
try_damaged "a truncated account state"
grep -q "$W/d.db" "$W/d.err" || fail "a truncated account state was not reported: $(cat "$W/d.err")"
for i in $(seq 1 24); do
  fresh "$W/damaged_src.db" "$W/d.db"
  off=$(( (RANDOM * 32768 + RANDOM) % size ))
  python3 - "$W/d.db" "$off" "$((RANDOM % 8))" <<'PY'
import sys
path, off, bit = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
with open(path, "r+b") as f:
    f.seek(off); b = f.read(1); f.seek(off); f.write(bytes([b[0] ^ (1 << bit)]))
PY
  try_damaged "bit $off flipped"
done

# 3. A full disk: the scan's write fails, the message says so, the store is as it was.
fresh "$W/base.db" "$W/full.db"
# Half the base store's size: above SQLite's shared-memory index (32 KiB), below
# the write-ahead log the scan's transaction needs.
limit_kb=$(( $(stat -c %s "$W/base.db") / 2048 ))
[ "$limit_kb" -ge 48 ] || limit_kb=48
set +e
(ulimit -f "$limit_kb"; scan "$W/full.db")
status=$?
set -e
[ "$status" -ne 0 ] && [ "$status" -lt 128 ] || fail "file size limit: expected an error exit, got $status: $(cat "$W/scan.err")"
grep -Eq "full\.db: (I/O error|the disk is full).*nothing of this" "$W/scan.err" || fail "file size limit: unclear message: $(cat "$W/scan.err")"
dump "$W/full.db" | cmp -s - "$W/base.dump" || fail "file size limit: the store changed"
scan "$W/full.db" || fail "after the full disk: $(cat "$W/scan.err")"
dump "$W/full.db" | cmp -s - "$W/ref.dump" || fail "after the full disk: the rerun differs from the uninterrupted run"

# 4. Inputs that vanish, cannot be read or grow while read.
mkdir "$W/a_directory.jsonl"
ln -s "$W/no_such_file.jsonl" "$W/dangling.jsonl"
set +e
"$BIN" scan --db "$W/i.db" --no-model -q --out "$W/i.jsonl" "${SIGNINS[@]}" "$W/a_directory.jsonl" "$W/dangling.jsonl" \
  >/dev/null 2>"$W/i.err"
status=$?
set -e
[ "$status" -eq 5 ] || fail "unreadable inputs: expected exit 5, got $status: $(cat "$W/i.err")"
grep -q "a_directory.jsonl" "$W/i.err" && grep -q "dangling.jsonl" "$W/i.err" ||
  fail "unreadable inputs not named: $(cat "$W/i.err")"
dump "$W/i.db" >"$W/i.dump"
grep -q '^finding	' "$W/i.dump" || fail "unreadable inputs: the other inputs were not scanned"

# A file that grows while the scan reads it: whatever was there is read, a line cut
# by the writer is a counted reject, the other inputs are scanned.
head -n 2000 "${SIGNINS[0]}" >"$W/growing.jsonl"
( for _ in $(seq 1 40); do sed -n '2001,2100p' "${SIGNINS[0]}" >>"$W/growing.jsonl"; sleep 0.01; done;
  printf '{"id":"cut-short","createdDateTime":"2024-0' >>"$W/growing.jsonl" ) &
writer=$!
set +e
"$BIN" scan --db "$W/g.db" --no-model -q --out "$W/g.jsonl" "$W/growing.jsonl" "${SIGNINS[@]:1}" >/dev/null 2>"$W/g.err"
status=$?
set -e
wait "$writer"
[ "$status" -eq 0 ] || [ "$status" -eq 5 ] || fail "growing input: exit $status: $(cat "$W/g.err")"
[ "$(runs "$W/g.db")" -eq 1 ] || fail "growing input: the scan did not complete"

# A file removed after the scan planned its inputs, while it reads the one before
# it: that one is stdin fed through a FIFO, so the scan waits there until the file
# is gone. The file is named and counted as skipped; the rest is scanned.
cp "${SIGNINS[0]}" "$W/vanishing.jsonl"
mkfifo "$W/fifo"
exec 3<>"$W/fifo"  # a writer end first, so the scan's open of the FIFO does not block
set +e
"$BIN" scan --db "$W/v.db" --no-model -q --out "$W/v.jsonl" - "$W/vanishing.jsonl" <"$W/fifo" 3>&- >/dev/null 2>"$W/v.err" &
pid=$!
sleep 2
rm -f "$W/vanishing.jsonl"
cat "${SIGNINS[1]:-${SIGNINS[0]}}" >&3
exec 3>&-
wait "$pid"
status=$?
set -e
[ "$status" -eq 5 ] || fail "vanished input: expected exit 5, got $status: $(cat "$W/v.err")"
grep -q "vanishing.jsonl" "$W/v.err" || fail "vanished input not named: $(cat "$W/v.err")"
[ "$(runs "$W/v.db")" -eq 1 ] || fail "vanished input: the scan did not complete"
dump "$W/v.db" >"$W/v.dump"
grep -q '^finding	' "$W/v.dump" || fail "vanished input: stdin was not scanned"
echo "ok"
