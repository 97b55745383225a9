#!/bin/sh
# The official mariadb image's first start, in small: an empty /var/lib/mysql gets a data directory whose root
# (localhost and %) has MARIADB_ROOT_PASSWORD, a database MARIADB_DATABASE and a user MARIADB_USER with
# MARIADB_PASSWORD and every right on it. Then the server itself replaces this script (PID 1, so it gets the stop signal).
set -eu
if [ "${1:-mariadbd}" != mariadbd ]; then
  exec "$@"
fi

datadir=/var/lib/mysql
socket=/run/mysqld/mysqld.sock
# SQL string literals and identifiers from the environment: quotes doubled, backslashes doubled (the default
# sql_mode reads backslash escapes), so a value never becomes SQL.
literal() { printf "'%s'" "$(printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e "s/'/''/g")"; }
identifier() { printf '`%s`' "$(printf '%s' "$1" | sed -e 's/`/``/g')"; }
# Not echo: dash's echo reads backslash escapes in what it prints.
say() { printf '%s\n' "$*"; }

if [ ! -d "$datadir/mysql" ]; then
  if [ -z "${MARIADB_ROOT_PASSWORD:-}" ]; then
    say "MARIADB_ROOT_PASSWORD must be set: the database is reachable from the network with a password only." >&2
    exit 1
  fi
  mariadb-install-db --datadir="$datadir" --auth-root-authentication-method=normal --skip-test-db --skip-name-resolve > /dev/null
  # Local only (no TCP) while the accounts are made.
  mariadbd --datadir="$datadir" --skip-networking --socket="$socket" &
  pid=$!
  for i in $(seq 1 120); do
    mariadb-admin --socket="$socket" --user=root ping --silent 2>/dev/null && break
    sleep 0.5
  done
  root=$(literal "$MARIADB_ROOT_PASSWORD")
  {
    say "SET @@SESSION.SQL_LOG_BIN=0;"
    say "DELETE FROM mysql.global_priv WHERE User = '' OR (User = 'root' AND Host NOT IN ('localhost'));"
    say "ALTER USER 'root'@'localhost' IDENTIFIED BY $root;"
    say "CREATE USER 'root'@'%' IDENTIFIED BY $root;"
    say "GRANT ALL ON *.* TO 'root'@'%' WITH GRANT OPTION;"
    say "GRANT PROXY ON ''@'%' TO 'root'@'%' WITH GRANT OPTION;"
    if [ -n "${MARIADB_DATABASE:-}" ]; then
      say "CREATE DATABASE IF NOT EXISTS $(identifier "$MARIADB_DATABASE");"
    fi
    if [ -n "${MARIADB_USER:-}" ] && [ -n "${MARIADB_PASSWORD:-}" ]; then
      say "CREATE USER $(literal "$MARIADB_USER")@'%' IDENTIFIED BY $(literal "$MARIADB_PASSWORD");"
      if [ -n "${MARIADB_DATABASE:-}" ]; then
        say "GRANT ALL ON $(identifier "$MARIADB_DATABASE").* TO $(literal "$MARIADB_USER")@'%';"
      fi
    fi
    say "FLUSH PRIVILEGES;"
  } | mariadb --socket="$socket" --user=root --binary-mode
  kill "$pid"
  wait "$pid" || true
fi

shift
exec mariadbd --datadir="$datadir" --socket="$socket" --bind-address=0.0.0.0 --skip-name-resolve "$@"
