#!/usr/bin/env bash
# `impostor serve` as a user runs it, on SQLite and on PostgreSQL: scan a small
# simulated world, create tokens, start the server, page through every finding
# with curl, open an account, work a case to a verdict, see it in the audit log
# and verify the chain; rescan the world while readers page (every read is
# answered, none half-read); refuse a non-loopback address without TLS and serve
# HTTPS with a certificate made here.
#
#   serve_e2e_test.sh IMPOSTOR PG_HARNESS
set -Eeuo pipefail
IMPOSTOR="$(realpath "$1")"
HARNESS="$(realpath "$2")"
W="$(mktemp -d)"
STATE="${IMPOSTOR_TEST_PG_STATE:-}"
OWN=""
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -n "$OWN" ] && "$HARNESS" stop "$OWN" >/dev/null || true
  rm -rf "$W"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
# A command that fails without a message of its own still says where.
trap 'echo "FAIL: line $LINENO: $BASH_COMMAND (status $?)" >&2' ERR
cd "$W"

"$IMPOSTOR" simulate --seed 7 --employees 80 --days 10 --no-photos --out world >/dev/null
INPUTS=(world/signins/* world/devices/* world/people.csv world/mfa/*)

# Starts `impostor serve` on a free port; sets URL and SERVER_PID.
start_server() {
  local db="$1"; shift
  # Emptied here, before the server starts: the background redirection empties
  # it only once the child runs, and the wait below must not read the last
  # server's line.
  : >"$W/serve.err"
  "$IMPOSTOR" serve --db "$db" --listen 127.0.0.1:0 "$@" 2>"$W/serve.err" &
  SERVER_PID=$!
  PIDS+=("$SERVER_PID")
  for _ in $(seq 100); do
    if grep -q "Ctrl-C stops" "$W/serve.err"; then break; fi
    kill -0 "$SERVER_PID" 2>/dev/null || fail "serve exited: $(cat "$W/serve.err")"
    sleep 0.1
  done
  URL="$(grep -m1 -o 'https\?://127.0.0.1:[0-9]*' "$W/serve.err" || true)"
  [ -n "$URL" ] || fail "serve did not say where it listens: $(cat "$W/serve.err")"
}

stop_server() {
  kill -TERM "$SERVER_PID"
  wait "$SERVER_PID" || fail "serve did not stop cleanly on SIGTERM (status $?)"
}

run_for_store() {
  local db="$1" label="$2"
  "$IMPOSTOR" scan --db "$db" --config world/impostor.yaml "${INPUTS[@]}" >/dev/null 2>"$W/scan.err" ||
    [ $? -eq 5 ] || fail "$label: scan failed: $(tail -3 "$W/scan.err")"
  local admin analyst viewer
  admin="$("$IMPOSTOR" token create --db "$db" --role admin --name root 2>/dev/null)"
  analyst="$("$IMPOSTOR" token create --db "$db" --role analyst --name alice 2>/dev/null)"
  viewer="$("$IMPOSTOR" token create --db "$db" --role viewer --name soar 2>/dev/null)"
  [[ "$admin" == imp_* ]] || fail "$label: token create printed '$admin'"
  # Outputs go to files before grep (grep -q would close the pipe under pipefail).
  "$IMPOSTOR" token list --db "$db" --json >"$W/tokens"
  grep -q '"name":"alice"' "$W/tokens" || fail "$label: token list"
  grep -q "${analyst:17}" "$W/tokens" && fail "$label: token list shows a secret"

  start_server "$db"
  local A=(-sS -H "Authorization: Bearer $viewer")
  local AN=(-sS -H "Authorization: Bearer $analyst")
  [ "$(curl -s -o /dev/null -w '%{http_code}' "$URL/api/v1/findings")" = 401 ] || fail "$label: no token must be 401"

  # Every finding once, page by page.
  local expected total=0 cursor="" page
  expected="$("$IMPOSTOR" findings --db "$db" --json | wc -l)"
  : >"$W/keys"
  while :; do
    page="$(curl "${A[@]}" "$URL/api/v1/findings?limit=25${cursor:+&cursor=$cursor}")"
    jq -r '.findings[].key' <<<"$page" >>"$W/keys"
    cursor="$(jq -r '.next_cursor // empty' <<<"$page")"
    [ -n "$cursor" ] || break
  done
  total="$(wc -l <"$W/keys")"
  [ "$total" = "$expected" ] || fail "$label: paged $total findings, the store has $expected"
  [ "$(sort -u "$W/keys" | wc -l)" = "$total" ] || fail "$label: a finding came twice"

  # An account, and a case on it worked to a verdict.
  local account view case_json id etag
  account="$(curl "${A[@]}" "$URL/api/v1/findings?entity_type=account&limit=1" | jq -r '.findings[0].entity')"
  [ -n "$account" ] && [ "$account" != null ] || fail "$label: no account finding"
  view="$(curl "${A[@]}" "$URL/api/v1/accounts/$account")"
  [ "$(jq '.findings | length' <<<"$view")" -ge 1 ] || fail "$label: the account view has no findings: $view"
  jq -e '.timeline and .travel_legs and .devices and .people and .personas' <<<"$view" >/dev/null ||
    fail "$label: the account view lacks a part: $view"
  case_json="$(curl "${AN[@]}" -H 'Content-Type: application/json' \
    -d "{\"title\":\"$account\",\"items\":[{\"kind\":\"account\",\"ref\":\"$account\"}]}" "$URL/api/v1/cases")"
  id="$(jq -r .id <<<"$case_json")"
  [ "$id" -ge 1 ] || fail "$label: case create: $case_json"
  etag="$(curl "${A[@]}" -D - -o /dev/null "$URL/api/v1/cases/$id" | tr -d '\r' | sed -n 's/^[Ee][Tt]ag: //p')"
  curl "${AN[@]}" -X PATCH -H 'Content-Type: application/json' -H "If-Match: $etag" \
    -d '{"status":"investigating","assignee":"alice"}' "$URL/api/v1/cases/$id" >/dev/null
  [ "$(curl "${AN[@]}" -o /dev/null -w '%{http_code}' -X PATCH -H 'Content-Type: application/json' \
    -H "If-Match: $etag" -d '{"status":"confirmed"}' "$URL/api/v1/cases/$id")" = 409 ] || fail "$label: a stale If-Match must be 409"
  etag="$(curl "${A[@]}" -D - -o /dev/null "$URL/api/v1/cases/$id" | tr -d '\r' | sed -n 's/^[Ee][Tt]ag: //p')"
  curl "${AN[@]}" -X PATCH -H 'Content-Type: application/json' -H "If-Match: $etag" \
    -d '{"status":"confirmed","comment":"KVM switch found"}' "$URL/api/v1/cases/$id" | jq -e '.status == "confirmed"' >/dev/null ||
    fail "$label: the case did not reach confirmed"
  [ "$(curl "${A[@]}" "$URL/api/v1/findings?status=confirmed&entity=$account&limit=500" | jq '.findings | length')" -ge 1 ] ||
    fail "$label: the case's findings have no confirmed verdict"
  "$IMPOSTOR" audit list --db "$db" --json >"$W/audit"
  grep -q '"action":"case.update"' "$W/audit" || fail "$label: no case.update in the audit log"
  grep '"action":"verdict.create"' "$W/audit" | grep -q '"actor":"token:alice"' ||
    fail "$label: the verdicts are not audited as alice"
  "$IMPOSTOR" audit verify --db "$db" >"$W/verify" || fail "$label: audit verify: $(cat "$W/verify")"
  grep -q '^ok' "$W/verify" || fail "$label: audit verify printed $(cat "$W/verify")"

  # A rescan while readers page: every read is answered in full.
  : >"$W/codes"
  ( for _ in $(seq 40); do curl "${A[@]}" -o /dev/null -w '%{http_code}\n' "$URL/api/v1/findings?limit=200" >>"$W/codes" || true; done ) &
  local reader=$!
  "$IMPOSTOR" scan --db "$db" --config world/impostor.yaml "${INPUTS[@]}" >/dev/null 2>"$W/scan2.err" ||
    [ $? -eq 5 ] || fail "$label: the scan while serving failed: $(tail -3 "$W/scan2.err")"
  wait "$reader"
  [ "$(grep -vc '^200$' "$W/codes" || true)" = 0 ] || fail "$label: reads during a scan: $(sort "$W/codes" | uniq -c)"
  curl "${A[@]}" "$URL/metrics" >"$W/metrics"
  grep -q '^impostor_store_findings' "$W/metrics" || fail "$label: /metrics"
  stop_server
  echo "ok: $label: $total findings paged, case $id confirmed, audit verified, $(wc -l <"$W/codes") reads during a rescan"
}

run_for_store "$W/impostor.db" sqlite

# PostgreSQL: the fixture's server, else one started here.
if [ -z "$STATE" ] || { [ ! -f "$STATE/url" ] && [ ! -f "$STATE/skip" ]; }; then
  OWN="$W/pg-state"
  STATE="$OWN"
  "$HARNESS" start "$STATE" >/dev/null
fi
if [ -f "$STATE/skip" ]; then
  echo "SKIP postgresql: $(cat "$STATE/skip")"
else
  PG="$("$HARNESS" createdb "$STATE" "serve_$$")"
  run_for_store "$PG" postgresql
fi

# Safe by default: no clear text beyond loopback; HTTPS with a certificate.
code=0
"$IMPOSTOR" serve --db "$W/impostor.db" --listen 0.0.0.0:0 2>"$W/refuse.err" || code=$?
[ "$code" = 2 ] || fail "listening on 0.0.0.0 without TLS must be refused (exit 2), got $code"
grep -q "without TLS" "$W/refuse.err" || fail "the refusal does not say why: $(cat "$W/refuse.err")"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=localhost" -addext "subjectAltName=IP:127.0.0.1" \
  -keyout "$W/srv.key" -out "$W/srv.pem" 2>"$W/openssl.err" || fail "openssl: $(cat "$W/openssl.err")"
start_server "$W/impostor.db" --tls-cert "$W/srv.pem" --tls-key "$W/srv.key"
[[ "$URL" == https://* ]] || fail "TLS server URL $URL"
[ "$(curl -sS --cacert "$W/srv.pem" -o /dev/null -w '%{http_code}' "$URL/healthz")" = 200 ] || fail "HTTPS /healthz"
stop_server
echo "ok: loopback-only without TLS; HTTPS with --tls-cert/--tls-key"
