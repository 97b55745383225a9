#!/usr/bin/env bash
# The run command: GoForge on http://127.0.0.1:5080 with a private PostgreSQL and, as root, a private Docker engine
# when none is given. Settings, all optional:
#   ConnectionStrings__GoForge  the database to use instead of the private PostgreSQL
#   GOFORGE_DATA                data folder (default <repo>/.goforge); the private PostgreSQL lives in its pg/ folder
#   GOFORGE_PG_PORT             port of the private PostgreSQL (default 5433)
#   DOCKER_HOST                 the Docker engine to use
# PostgreSQL and dockerd keep running after GoForge stops; the next run reuses them.
# Usage: deploy/run.sh [more arguments for GoForge.Web]
set -euo pipefail

repo=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=deploy/lib.sh
source "$repo/deploy/lib.sh"

data=${GOFORGE_DATA:-$repo/.goforge}
pg_port=${GOFORGE_PG_PORT:-5433}
shared_docker=/tmp/goforge-docker
[[ $pg_port =~ ^[0-9]+$ ]] || die "GOFORGE_PG_PORT must be a port number, not '$pg_port'."

packages=(postgresql)
if is_root; then packages+=(docker.io); fi
ensure_packages "${packages[@]}"
require_dotnet
mkdir -p -- "$data"
data=$(cd -- "$data" && pwd)

start_postgres() {
  local bin pgdir=$data/pg run_as=()
  bin=$(pg_bin_dir)
  [[ -n $bin ]] || die "PostgreSQL's initdb and pg_ctl were not found: apt-get install -y postgresql, or set ConnectionStrings__GoForge."
  # pg_ctl hands its -o option to a shell, so the socket folder must need no quoting.
  [[ $pgdir =~ ^[A-Za-z0-9/._-]+$ ]] || die "GOFORGE_DATA must be a plain path (letters, digits, / . _ -): $pgdir"
  mkdir -p -- "$pgdir"
  if is_root; then
    # initdb and pg_ctl refuse to run as root.
    chown postgres: "$pgdir"
    chmod 700 "$pgdir"
    run_as=(runuser -u postgres --)
    "${run_as[@]}" test -w "$pgdir" || die "The postgres user cannot reach $pgdir; set GOFORGE_DATA to a folder it can enter."
  fi
  (
    # The tools must be able to enter the current folder, which may be root's.
    cd -- "$pgdir"
    if [[ ! -f PG_VERSION ]]; then
      "${run_as[@]}" "$bin/initdb" -D "$pgdir" -U postgres --auth=trust --encoding=UTF8 --locale=C
    fi
    if ! "${run_as[@]}" "$bin/pg_ctl" -D "$pgdir" status >/dev/null; then
      "${run_as[@]}" "$bin/pg_ctl" -D "$pgdir" -o "-p $pg_port -k $pgdir -c listen_addresses=127.0.0.1" -l "$pgdir/log" -w start
    fi
  )
  local exists
  exists=$("$bin/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'goforge'")
  if [[ $exists != 1 ]]; then
    "$bin/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres goforge
  fi
  export ConnectionStrings__GoForge="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=goforge"
}

engine_answers() { timeout 10 docker -H "$1" version >/dev/null 2>&1; }

start_shared_dockerd() {
  echo "Starting dockerd at $shared_docker (log: $shared_docker/log)"
  # Its own session, so it outlives this script and Ctrl+C in GoForge's terminal; without our lock descriptor.
  setsid dockerd --data-root "$shared_docker/data" --exec-root "$shared_docker/exec" \
    --pidfile "$shared_docker/docker.pid" --host "unix://$shared_docker/docker.sock" \
    </dev/null >>"$shared_docker/log" 2>&1 9>&- &
  local deadline=$((SECONDS + 60))
  until engine_answers "unix://$shared_docker/docker.sock"; do
    ((SECONDS < deadline)) || die "dockerd did not answer within 60 s; see $shared_docker/log"
    sleep 0.5
  done
}

choose_docker_endpoint() {
  if [[ -n ${DOCKER_HOST:-} ]]; then
    endpoint=$DOCKER_HOST
  elif engine_answers unix:///var/run/docker.sock; then
    endpoint=unix:///var/run/docker.sock
  else
    mkdir -p "$shared_docker"
    # A shared lock held for GoForge's lifetime (fd 9 passes to dotnet): a test run that started this daemon leaves
    # it running while we use it (see GoForge.Tests/Harness/DockerFixture.cs).
    exec 9>>"$shared_docker/users.lock"
    flock -s 9
    endpoint=unix://$shared_docker/docker.sock
    if ! engine_answers "$endpoint"; then
      if is_root && command -v dockerd >/dev/null; then
        start_shared_dockerd
      else
        echo "run.sh: no Docker engine answers and none can be started without root; set DOCKER_HOST." >&2
        endpoint=unix:///var/run/docker.sock
      fi
    fi
  fi
  export GoForge__Docker__Endpoint=$endpoint
}

if [[ -z ${ConnectionStrings__GoForge:-} ]]; then
  start_postgres
fi
choose_docker_endpoint
export GoForge__DataPath=$data
export GoForge__Deployments__WorkDirectory=$data/work

cd "$repo"
exec dotnet run --project GoForge.Web -c Release -- --urls http://127.0.0.1:5080 "$@"
