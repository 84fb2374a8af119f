#!/usr/bin/env bash
# Run a command with a throwaway PostgreSQL server on loopback, so the test
# suite runs against PostgreSQL as well as SQLite.
#
#   scripts/with-postgres.sh .venv/bin/pytest
#
# NEWSWEAVE_TEST_POSTGRES_URL already set: use that server. Otherwise, as root,
# Debian's postgresql package is installed if missing and a server is started
# in a temporary folder on 127.0.0.1, then stopped and removed afterwards.
# Where neither is possible the command runs alone and the PostgreSQL tests skip.
set -euo pipefail

if [ -n "${NEWSWEAVE_TEST_POSTGRES_URL:-}" ]; then exec "$@"; fi

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

if [ -z "$(pg_bin)" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "with-postgres: installing Debian's postgresql" >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null) \
    || echo "with-postgres: could not install postgresql" >&2
fi
bin=$(pg_bin)
if [ -z "$bin" ] || [ "$(id -u)" != 0 ] || ! id postgres >/dev/null 2>&1; then
  echo "with-postgres: no PostgreSQL server here; its tests will skip" >&2
  exec "$@"
fi

dir=$(mktemp -d /tmp/newsweave-pg.XXXXXX)
chown postgres "$dir"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
as_pg() { su postgres -s /bin/sh -c "$*"; }
as_pg "'$bin/initdb' -D '$dir/data' -A trust -U postgres -E UTF8 >/dev/null"
as_pg "'$bin/pg_ctl' -D '$dir/data' -l '$dir/log' -w -o \"-h 127.0.0.1 -p $port -k '$dir' -c fsync=off\" start >/dev/null"
stop() { as_pg "'$bin/pg_ctl' -D '$dir/data' -m fast stop >/dev/null" || true; rm -rf "$dir"; }
trap stop EXIT
export NEWSWEAVE_TEST_POSTGRES_URL="postgresql+psycopg://postgres@127.0.0.1:$port/postgres"
echo "with-postgres: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port" >&2
"$@"
