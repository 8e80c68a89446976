#!/usr/bin/env bash
# A throw-away PostgreSQL server for the store's tests: never a mock, never the
# machine's own server. `start` runs initdb into a new temporary folder, starts the
# server with pg_ctl on a free loopback port (listen_addresses='127.0.0.1', its
# unix socket inside the folder) and records how to reach it in STATE_DIR; `stop`
# stops it and removes the folder.
#
#   pg_harness.sh start STATE_DIR        prints the admin URL (database "postgres")
#   pg_harness.sh createdb STATE_DIR NAME prints the URL of a new, empty database
#   pg_harness.sh stop STATE_DIR
#
# STATE_DIR/url     postgresql://impostor:PASSWORD@127.0.0.1:PORT/postgres (mode 600)
# STATE_DIR/data    the temporary folder (cluster, socket, log)
# STATE_DIR/skip    written instead of url when no server can be run, with the reason
#                   (then `start` exits 0 so that the tests report a skip, not a failure)
#
# The binaries come from Debian's postgresql package (/usr/lib/postgresql/N/bin,
# the newest N; PATH is not consulted; $IMPOSTOR_PG_BIN overrides). initdb refuses
# to run as root, so as root the server runs as an unprivileged user
# ($IMPOSTOR_PG_USER, else "nobody") through runuser or setpriv.
#
# Durability is off (fsync, synchronous_commit, full_page_writes): the cluster is
# deleted at the end, and the tests measure behaviour, not disks.
set -euo pipefail

die() { echo "pg_harness: $*" >&2; exit 1; }

pg_bin() {
  if [ -n "${IMPOSTOR_PG_BIN:-}" ]; then echo "$IMPOSTOR_PG_BIN"; return; fi
  local best="" v
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] || continue
    v="$(basename "$(dirname "$d")")"
    if [ -z "$best" ] || [ "${v%%.*}" -gt "$(basename "$(dirname "$best")" | cut -d. -f1)" ]; then best="$d"; fi
  done
  echo "$best"
}

# Runs a command as the server's user (the caller itself unless it is root).
as_server_user() {
  if [ "$(id -u)" -ne 0 ]; then "$@"; return; fi
  if command -v runuser >/dev/null 2>&1; then
    runuser -u "$SERVER_USER" -- "$@"
  else
    setpriv --reuid="$SERVER_USER" --regid="$(id -g "$SERVER_USER")" --clear-groups -- "$@"
  fi
}

skip() {
  mkdir -p "$STATE"
  echo "$*" >"$STATE/skip"
  echo "pg_harness: SKIP: $*" >&2
  exit 0
}

port_is_free() {
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

cmd="${1:-}"
STATE="${2:-}"
[ -n "$cmd" ] && [ -n "$STATE" ] || die "usage: pg_harness.sh start|createdb|stop STATE_DIR [NAME]"

case "$cmd" in
start)
  # A server an interrupted run left behind is stopped first.
  [ -f "$STATE/data" ] && "$0" stop "$STATE"
  rm -rf "$STATE"
  mkdir -p "$STATE"
  BIN="$(pg_bin)"
  [ -n "$BIN" ] && [ -x "$BIN/initdb" ] && [ -x "$BIN/pg_ctl" ] ||
    skip "no PostgreSQL server binaries in /usr/lib/postgresql/*/bin; run scripts/bootstrap.sh (it installs the postgresql package)"
  SERVER_USER="$(id -un)"
  if [ "$(id -u)" -eq 0 ]; then
    SERVER_USER="${IMPOSTOR_PG_USER:-nobody}"
    id -u "$SERVER_USER" >/dev/null 2>&1 ||
      skip "running as root and there is no user '$SERVER_USER' to run the server as (initdb refuses root); set IMPOSTOR_PG_USER"
    command -v runuser >/dev/null 2>&1 || command -v setpriv >/dev/null 2>&1 ||
      skip "running as root without runuser or setpriv to run the server as '$SERVER_USER' (initdb refuses root)"
  fi
  # The server's user must reach the folder: as root, $TMPDIR may be private.
  BASE="${TMPDIR:-/tmp}"
  as_server_user test -x "$BASE" 2>/dev/null || BASE=/tmp
  DATA="$(mktemp -d "$BASE/impostor-pg.XXXXXX")"
  echo "$DATA" >"$STATE/data"
  echo "$BIN" >"$STATE/bin"
  echo "$SERVER_USER" >"$STATE/user"
  mkdir -p "$DATA/sock"
  PASSWORD="$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
  printf '%s\n' "$PASSWORD" >"$DATA/pwfile"
  [ "$(id -u)" -eq 0 ] && chown -R "$SERVER_USER" "$DATA"
  chmod 700 "$DATA"
  as_server_user "$BIN/initdb" -D "$DATA/cluster" -U impostor --pwfile="$DATA/pwfile" --auth-local=trust \
    --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 --no-sync >"$DATA/initdb.log" 2>&1 ||
    die "initdb failed; see $DATA/initdb.log: $(tail -n 3 "$DATA/initdb.log")"
  rm -f "$DATA/pwfile"
  cat >>"$DATA/cluster/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$DATA/sock'
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 32MB
max_connections = 40
log_min_messages = warning
EOF
  started=""
  for _ in 1 2 3 4 5 6 7 8; do
    PORT=$((20000 + RANDOM % 40000))
    port_is_free "$PORT" || continue
    if as_server_user "$BIN/pg_ctl" -D "$DATA/cluster" -l "$DATA/server.log" -o "-p $PORT" -w -t 60 start \
      >>"$DATA/pg_ctl.log" 2>&1; then
      started=1
      break
    fi
  done
  [ -n "$started" ] || die "the server did not start; see $DATA/server.log: $(tail -n 3 "$DATA/server.log" 2>/dev/null)"
  echo "$PORT" >"$STATE/port"
  umask 077
  echo "postgresql://impostor:$PASSWORD@127.0.0.1:$PORT/postgres" >"$STATE/url"
  cat "$STATE/url"
  ;;
createdb)
  NAME="${3:-}"
  [ -n "$NAME" ] || die "usage: pg_harness.sh createdb STATE_DIR NAME"
  [ -f "$STATE/url" ] || die "no server recorded in $STATE; run pg_harness.sh start $STATE first"
  BIN="$(cat "$STATE/bin")"
  URL="$(cat "$STATE/url")"
  "$BIN/psql" -q -X -v ON_ERROR_STOP=1 -d "$URL" -c "CREATE DATABASE \"$NAME\"" >/dev/null ||
    die "cannot create database $NAME"
  echo "${URL%/postgres}/$NAME"
  ;;
stop)
  [ -f "$STATE/data" ] || { rm -rf "$STATE"; exit 0; }
  DATA="$(cat "$STATE/data")"
  BIN="$(cat "$STATE/bin")"
  SERVER_USER="$(cat "$STATE/user")"
  if [ -f "$DATA/cluster/postmaster.pid" ]; then
    as_server_user "$BIN/pg_ctl" -D "$DATA/cluster" -m fast -w -t 60 stop >/dev/null 2>&1 ||
      as_server_user "$BIN/pg_ctl" -D "$DATA/cluster" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  case "$DATA" in
  */impostor-pg.*) rm -rf "$DATA" ;;
  esac
  rm -rf "$STATE"
  ;;
*)
  die "unknown command '$cmd'; use start, createdb or stop"
  ;;
esac
