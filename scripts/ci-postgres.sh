#!/usr/bin/env bash
# Start a throwaway PostgreSQL for the store tests and print its URL on stdout.
#
#   export NIANBAO_TEST_PG_URL="$(bash scripts/ci-postgres.sh)"
#
# Installs Debian's `postgresql` when no server binaries are present, creates
# a cluster in $PGDATA (default /tmp/nianbao-pg), starts it on $PGPORT
# (default 55432, localhost only) and creates user/db `nianbao`. Idempotent:
# a second call reuses the running server. Logs go to stderr.
set -euo pipefail
PGDATA="${PGDATA:-/tmp/nianbao-pg}"
PGPORT="${PGPORT:-55432}"
log() { echo "ci-postgres: $*" >&2; }

bindir() {
  local d
  d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)"
  if [ -n "$d" ] && [ -x "$d/initdb" ]; then echo "$d"; fi
}

BIN="$(bindir)"
if [ -z "$BIN" ]; then
  log "installing postgresql (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
  BIN="$(bindir)"
fi
[ -n "$BIN" ] || { log "no PostgreSQL server binaries found"; exit 1; }

# initdb/postgres refuse to run as root: use the `postgres` user when we are root.
RUN=()
if [ "$(id -u)" = "0" ]; then
  id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
  RUN=(runuser -u postgres --)
fi

mkdir -p "$PGDATA"
if [ "$(id -u)" = "0" ]; then chown postgres "$PGDATA"; fi
if [ ! -f "$PGDATA/PG_VERSION" ]; then
  log "initdb $PGDATA"
  "${RUN[@]}" "$BIN/initdb" -D "$PGDATA" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >&2 \
    || "${RUN[@]}" "$BIN/initdb" -D "$PGDATA" -U postgres -A trust -E UTF8 --locale=C >&2
fi
if ! "${RUN[@]}" "$BIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
  log "starting on port $PGPORT"
  "${RUN[@]}" "$BIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w \
    -o "-p $PGPORT -k /tmp -c listen_addresses=localhost -c fsync=off -c synchronous_commit=off" start >&2
fi
PSQL=("$BIN/psql" -h localhost -p "$PGPORT" -U postgres -v ON_ERROR_STOP=1 -qAt)
if [ "$("${PSQL[@]}" -c "SELECT 1 FROM pg_roles WHERE rolname='nianbao'")" != "1" ]; then
  "${PSQL[@]}" -c "CREATE ROLE nianbao LOGIN PASSWORD 'nianbao'" >&2
fi
if [ "$("${PSQL[@]}" -c "SELECT 1 FROM pg_database WHERE datname='nianbao_test'")" != "1" ]; then
  "${PSQL[@]}" -c "CREATE DATABASE nianbao_test OWNER nianbao" >&2
fi
echo "postgresql+psycopg://nianbao:nianbao@localhost:${PGPORT}/nianbao_test"
