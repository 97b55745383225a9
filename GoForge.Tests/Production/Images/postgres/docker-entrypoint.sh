#!/bin/sh
# The official postgres image's first start, in small: an empty PGDATA gets a cluster whose superuser is POSTGRES_USER
# (default postgres) with POSTGRES_PASSWORD, a database POSTGRES_DB (default: the user's name), and password (scram)
# authentication for every address. Then PostgreSQL itself replaces this script (PID 1, so it gets the stop signal).
set -eu
if [ "${1:-postgres}" != postgres ]; then
  exec "$@"
fi

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  if [ -z "${POSTGRES_PASSWORD:-}" ]; then
    echo "POSTGRES_PASSWORD must be set: the database is reachable from the network with a password only." >&2
    exit 1
  fi
  user=${POSTGRES_USER:-postgres}
  db=${POSTGRES_DB:-$user}
  pwfile=$(mktemp)
  printf '%s\n' "$POSTGRES_PASSWORD" > "$pwfile"
  initdb -D "$PGDATA" -U "$user" --pwfile="$pwfile" --auth-local=trust --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8
  rm -f "$pwfile"
  echo "host all all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
  if [ "$db" != postgres ]; then
    # Local only (no TCP) while the database is made; the name goes through psql's quoting, never into SQL text.
    pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start
    echo 'CREATE DATABASE :"db";' | psql -v ON_ERROR_STOP=1 -v db="$db" -U "$user" -d postgres
    pg_ctl -D "$PGDATA" -m fast -w stop
  fi
fi

shift
exec postgres -D "$PGDATA" -c listen_addresses='*' "$@"
