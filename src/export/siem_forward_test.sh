#!/usr/bin/env bash
# SIEM forwarding end to end: a scan of a small simulated world, then
# `impostor export cef --syslog` to a collector this test runs on loopback over UDP,
# TCP (octet counting and LF framing) and TLS (a throwaway CA and server
# certificate made with openssl here). Every message must parse back as RFC 5424
# with the finding's PRI and a CEF line equal to the file export's. TLS refuses a
# collector whose CA it was not given, and one whose name does not match. The ECS
# export is checked against the documented ECS field types.
#
#   siem_forward_test.sh BUILD/bin/impostor SOURCE_DIR
set -euo pipefail
BIN="$1"
SRC="$2"
HERE="$SRC/src/export"
W="$(mktemp -d)"
LISTENER=""
trap '[ -n "$LISTENER" ] && kill "$LISTENER" 2>/dev/null; rm -rf "$W"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$BIN" simulate --seed 5 --employees 150 --days 10 --out "$W/world" >/dev/null
mapfile -t INPUTS < <(find "$W/world/signins" "$W/world/mfa" "$W/world/devices" -type f | sort)
"$BIN" scan -q --db "$W/s.db" --config "$W/world/impostor.yaml" --no-faces --rejects "$W/rejects.jsonl" \
  "${INPUTS[@]}" "$W/world/people.csv" >/dev/null || [ $? -eq 1 ]

# The file exports: the reference lines, and ECS against the field list.
"$BIN" export cef --db "$W/s.db" --max-bytes 1800 --out "$W/all.cef" 2>/dev/null
N=$(wc -l < "$W/all.cef")
[ "$N" -ge 10 ] || fail "only $N CEF lines"
"$BIN" export ecs --db "$W/s.db" --out "$W/all.ecs.jsonl" 2>/dev/null
python3 "$HERE/ecs_check.py" "$SRC/tests/data/ecs/ecs_fields.tsv" "$W/all.ecs.jsonl"
"$BIN" export cef --db "$W/s.db" --min-severity high --out "$W/high.cef" 2>/dev/null
[ "$(wc -l < "$W/high.cef")" -lt "$N" ] || fail "--min-severity high kept every finding"
grep -qv '|[0-7]|' "$W/high.cef" || true
! grep -q '|[0-5]|rt=' "$W/high.cef" || fail "--min-severity high kept a finding below high"

# A throwaway CA and a certificate for 127.0.0.1 / localhost signed by it.
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=impostor test CA" \
  -keyout "$W/ca.key" -out "$W/ca.pem" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$W/srv.key" -out "$W/srv.csr" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' > "$W/san.ext"
openssl x509 -req -in "$W/srv.csr" -CA "$W/ca.pem" -CAkey "$W/ca.key" -CAcreateserial -days 1 \
  -extfile "$W/san.ext" -out "$W/srv.pem" 2>/dev/null

# listen MODE COUNT: starts the collector; sets PORT.
listen() {
  rm -f "$W/port" "$W/got.jsonl"
  python3 "$HERE/syslog_listener.py" "$1" "$W/port" "$W/got.jsonl" "$2" "$W/srv.pem" "$W/srv.key" &
  LISTENER=$!
  for _ in $(seq 100); do [ -s "$W/port" ] && break; sleep 0.05; done
  PORT=$(cat "$W/port")
}
collected() { wait "$LISTENER" || fail "the collector failed"; LISTENER=""; }

for mode in udp tcp tcp-lf tls; do
  listen "$mode" "$N"
  case $mode in
    udp) url="udp://127.0.0.1:$PORT"; extra=() ;;
    tcp) url="tcp://127.0.0.1:$PORT"; extra=() ;;
    tcp-lf) url="tcp://127.0.0.1:$PORT"; extra=(--framing lf) ;;
    tls) url="tls://127.0.0.1:$PORT"; extra=(--ca-file "$W/ca.pem") ;;
  esac
  "$BIN" export cef --db "$W/s.db" --max-bytes 2048 --syslog "$url" --facility 13 --hostname test-host "${extra[@]}" \
    2>"$W/err" || fail "$mode: $(cat "$W/err")"
  collected
  # The file lines were cut to the same limit the syslog path uses for the CEF part.
  "$BIN" export cef --db "$W/s.db" --max-bytes $((2048 - 160 - 9)) --out "$W/ref.cef" 2>/dev/null
  python3 "$HERE/siem_check.py" "$W/got.jsonl" "$W/ref.cef" 13 || fail "$mode: messages do not parse back"
done

# TLS without the CA (the system's CAs do not know it): refused before any message.
listen tls 1
if "$BIN" export cef --db "$W/s.db" --syslog "tls://127.0.0.1:$PORT" 2>"$W/err"; then fail "sent to an unverified collector"; fi
grep -q "does not verify" "$W/err" || fail "unverified collector: $(cat "$W/err")"
grep -q -- "--ca-file" "$W/err" || fail "the error does not say what to do: $(cat "$W/err")"
kill "$LISTENER" 2>/dev/null || true; wait "$LISTENER" 2>/dev/null || true; LISTENER=""
# The right CA but a name the certificate does not carry.
listen tls 1
if "$BIN" export cef --db "$W/s.db" --syslog "tls://localhost.:$PORT" --ca-file "$W/ca.pem" 2>"$W/err" ||
   ! grep -q "does not verify\|cannot" "$W/err"; then
  # localhost. may not resolve everywhere; either way nothing may be sent.
  grep -q "cannot resolve\|does not verify" "$W/err" || fail "wrong host name accepted: $(cat "$W/err")"
fi
kill "$LISTENER" 2>/dev/null || true; wait "$LISTENER" 2>/dev/null || true; LISTENER=""
# --tls-insecure sends without verification, and says so.
listen tls "$N"
"$BIN" export cef --db "$W/s.db" --syslog "tls://127.0.0.1:$PORT" --tls-insecure 2>"$W/err" || fail "insecure: $(cat "$W/err")"
grep -q "not verified" "$W/err" || fail "--tls-insecure gave no warning"
collected
[ "$(wc -l < "$W/got.jsonl")" -eq "$N" ] || fail "insecure TLS: $(wc -l < "$W/got.jsonl") of $N: $(grep LISTENER "$W/got.jsonl")"

# Nothing listening: an error that says what to do, exit status 3.
rc=0; "$BIN" export cef --db "$W/s.db" --syslog "tcp://127.0.0.1:$PORT" 2>"$W/err" || rc=$?
[ "$rc" -eq 3 ] || fail "refused connection gave exit status $rc"
grep -q "cannot connect" "$W/err" || fail "refused: $(cat "$W/err")"
echo "PASS: $N findings forwarded over UDP, TCP (octet, LF) and TLS"
