#!/usr/bin/env bash
# Installs or upgrades GoForge on a server with Docker: PostgreSQL, a reverse proxy (Traefik by default, or Caddy)
# and the panel, from deploy/docker-compose.yml. Run from a checkout of the repository, as root or a docker-group user:
#   bash deploy/install.sh --domain panel.example.com --email admin@example.com [--proxy traefik|caddy]
# Options:
#   --domain NAME        the panel's domain (DNS must point at this server)
#   --email ADDRESS      the e-mail Let's Encrypt writes to about certificates
#   --proxy KIND         traefik (default) or caddy; kept from the first run unless given again
#   --acme-dns PROVIDER  Traefik only: DNS-01 through PROVIDER (e.g. cloudflare; credentials in deploy/.env, docs/install.md)
#   --tls internal       Caddy only: certificates from Caddy's own CA instead of Let's Encrypt (LAN installs, tests)
#   --offline            use the images already on this engine: no build, no pull (air-gapped installs, CI)
# The first run writes deploy/.env (mode 600) with a generated database password and secret key; later runs keep it,
# so upgrading is: git pull && bash deploy/install.sh (a backup of the database is taken first, into the panel's
# /data/backups). Back deploy/.env up: without its key, stored secrets cannot be read. At the end it prints the
# one-time link to create the first administrator.
set -euo pipefail

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
env_file=$here/.env

die() {
  printf 'install.sh: %s\n' "$*" >&2
  exit 1
}

domain=${GOFORGE_DOMAIN:-}
email=${ACME_EMAIL:-}
proxy=
acme_dns=
tls=
offline=false
while (($#)); do
  case $1 in
    --domain) domain=${2:-}; shift 2 ;;
    --email) email=${2:-}; shift 2 ;;
    --proxy) proxy=${2:-}; shift 2 ;;
    --acme-dns) acme_dns=${2:-}; shift 2 ;;
    --tls) tls=${2:-}; shift 2 ;;
    --offline) offline=true; shift ;;
    -h | --help) sed -n '2,16p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done

# Values that end up in configuration are checked here, before anything is written.
domain_re='^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$'
email_re='^[A-Za-z0-9._%+-]+@([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$'

domain=${domain,,}
[[ -z $domain || $domain =~ $domain_re ]] || die "'$domain' is not a domain name (letters, digits, hyphens, dots)."
[[ -z $email || $email =~ $email_re ]] || die "'$email' is not an e-mail address."
[[ -z $proxy || $proxy == traefik || $proxy == caddy ]] || die "--proxy must be traefik or caddy, not '$proxy'."
[[ -z $acme_dns || $acme_dns =~ ^[a-z0-9][a-z0-9-]{0,31}$ ]] || die "--acme-dns must be a DNS provider's name as Traefik knows it (e.g. cloudflare), not '$acme_dns'."
[[ -z $tls || $tls == internal || $tls == acme ]] || die "--tls must be internal or acme, not '$tls'."

# What this machine has: the Docker CLI, an engine it may use (Engine 20.10 or later: API 1.41), and Compose.
command -v docker >/dev/null || die "Docker is not installed. Install Docker Engine 20.10 or later: https://docs.docker.com/engine/install/ (or: apt-get install docker.io)."
api=$(docker version --format '{{.Server.APIVersion}}' 2>/dev/null) \
  || die "Docker is installed but its engine is not reachable: is the daemon running, and may this user use it (root, or the docker group)?"
api_major=${api%%.*}
api_minor=${api#*.}
[[ $api_major =~ ^[0-9]+$ && $api_minor =~ ^[0-9]+$ ]] || die "The Docker engine reported an API version GoForge cannot read: '$api'."
((api_major > 1 || api_minor >= 41)) \
  || die "Docker Engine $(docker version --format '{{.Server.Version}}' 2>/dev/null) (API $api) is too old: GoForge needs Engine 20.10 or later (API 1.41)."

if docker compose version >/dev/null 2>&1; then
  compose_cmd=(docker compose)
elif command -v docker-compose >/dev/null; then
  version=$(docker-compose version --short 2>/dev/null || true)
  [[ $version =~ ^v?([0-9]+)\.([0-9]+) ]] || die "docker-compose is installed but did not report its version."
  major=${BASH_REMATCH[1]} minor=${BASH_REMATCH[2]}
  ((major > 1 || minor >= 28)) \
    || die "docker-compose $version is too old: GoForge's compose file uses profiles (Compose 1.28 or later). Install the Compose plugin: apt-get install docker-compose-plugin."
  compose_cmd=(docker-compose)
else
  die "Docker Compose is missing: install the Compose plugin (apt-get install docker-compose-plugin) or docker-compose 1.28 or later."
fi

# The engine's socket, mounted into the panel: the local one, or the unix socket DOCKER_HOST names.
socket=/var/run/docker.sock
if [[ ${DOCKER_HOST:-} == unix://* ]]; then
  socket=${DOCKER_HOST#unix://}
elif [[ -n ${DOCKER_HOST:-} ]]; then
  die "DOCKER_HOST=$DOCKER_HOST is not a unix socket: GoForge runs on the server whose engine it drives."
fi
[[ -S $socket ]] || die "$socket is not a socket: GoForge needs the local Docker engine's socket."

setting() { # the value of KEY in deploy/.env, or nothing
  [[ -f $env_file ]] && sed -n "s/^$1=//p" "$env_file" | tail -n 1
}

upgrade=false
if [[ -f $env_file ]]; then
  upgrade=true
  printf 'Keeping the existing %s (its keys protect your stored secrets).\n' "$env_file"
  [[ -z $domain || $domain == "$(setting GOFORGE_DOMAIN)" ]] || die "The panel's domain is $(setting GOFORGE_DOMAIN) in $env_file; change it there, not with --domain."
else
  [[ -n $domain ]] || read -r -p "Domain for the panel (DNS must point here, e.g. panel.example.com): " domain
  [[ -n $email ]] || read -r -p "E-mail for Let's Encrypt notices: " email
  domain=${domain,,}
  [[ $domain =~ $domain_re ]] || die "'$domain' is not a domain name (letters, digits, hyphens, dots)."
  [[ $email =~ $email_re ]] || die "'$email' is not an e-mail address."
  umask 077
  {
    printf '# Written by deploy/install.sh on %s. Keep it secret and back it up.\n' "$(date -u +%FT%TZ)"
    printf 'GOFORGE_DOMAIN=%s\n' "$domain"
    printf 'ACME_EMAIL=%s\n' "$email"
    printf 'POSTGRES_PASSWORD=%s\n' "$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
    printf 'GOFORGE_SECRET_KEY=%s\n' "$(head -c 32 /dev/urandom | base64 | tr -d '\n')"
  } >"$env_file"
  chmod 600 "$env_file"
  printf 'Wrote %s.\n' "$env_file"
fi

# Settings added by later versions, or chosen again on this run, are (re)written; generated secrets never are.
put() { # KEY VALUE: sets KEY in deploy/.env
  local rest
  rest=$(grep -v "^$1=" "$env_file" || true)
  printf '%s\n%s=%s\n' "$rest" "$1" "$2" >"$env_file"
}
[[ -n $proxy ]] || proxy=$(setting GOFORGE_PROXY | tr '[:upper:]' '[:lower:]')
proxy=${proxy:-traefik}
[[ $proxy == traefik || $proxy == caddy ]] || die "GOFORGE_PROXY in $env_file must be Traefik or Caddy."
[[ -z $acme_dns || $proxy == traefik ]] || die "--acme-dns is for Traefik; Caddy's DNS-01 needs a Caddy build with the provider's module (docs/install.md)."
[[ -z $tls || $proxy == caddy ]] || die "--tls is for Caddy; Traefik always uses Let's Encrypt (--acme-dns for DNS-01)."
put GOFORGE_PROXY "${proxy^}"
put DOCKER_SOCKET "$socket"
put DOCKER_GID "$(stat -c %g "$socket")"
[[ -n $(setting PROXY_SUBNET) ]] || put PROXY_SUBNET 172.31.250.0/24
[[ -n $(setting PANEL_SUBNET) ]] || put PANEL_SUBNET 172.31.251.0/29
[[ -n $(setting PROXY_PANEL_ADDRESS) ]] || put PROXY_PANEL_ADDRESS 172.31.251.2
[[ -n $(setting PANEL_ADDRESS) ]] || put PANEL_ADDRESS 172.31.251.3
[[ -z $acme_dns ]] || put ACME_CHALLENGE "dnschallenge.provider=$acme_dns"
[[ -z $tls ]] || put CADDY_TLS "$tls"
chmod 600 "$env_file"

if [[ $proxy == caddy ]]; then
  # Caddy's start-up configuration: the template with the ACME e-mail, or Caddy's own CA (--tls internal).
  email=$(setting ACME_EMAIL)
  [[ $email =~ $email_re ]] || die "ACME_EMAIL in $env_file is not an e-mail address."
  if [[ $(setting CADDY_TLS) == internal ]]; then
    issuer='{"module":"internal"}'
  else
    issuer="{\"module\":\"acme\",\"email\":\"$email\"}"
  fi
  template=$(<"$here/caddy/caddy.template.json")
  printf '%s\n' "${template//\"@ISSUER@\"/$issuer}" >"$here/caddy/caddy.json"
  chmod 644 "$here/caddy/caddy.json" # Caddy reads it as uid 10001; it holds no secret (the e-mail only)
fi

compose=("${compose_cmd[@]}" -p goforge -f "$here/docker-compose.yml" --env-file "$env_file" --profile "$proxy")
[[ -f $here/docker-compose.override.yml ]] && compose+=(-f "$here/docker-compose.override.yml")
"${compose[@]}" config --quiet || die "deploy/docker-compose.yml does not validate with $env_file."

# The edge network outlives the stack (applications stay on it through a restart): made once, labelled as the
# panel's shared proxy network, and joined as it is afterwards.
if ! docker network inspect goforge-proxy >/dev/null 2>&1; then
  docker network create --driver bridge --subnet "$(setting PROXY_SUBNET)" \
    --label goforge.managed=true --label goforge.kind=proxy-network goforge-proxy >/dev/null \
    || die "Could not create the network goforge-proxy with subnet $(setting PROXY_SUBNET); choose another PROXY_SUBNET in $env_file."
fi

# An upgrade takes a backup of the database before anything changes (docs/install.md: backup and restore).
if $upgrade && [[ -n $("${compose[@]}" ps -q goforge 2>/dev/null) ]]; then
  backup=/data/backups/before-upgrade-$(date -u +%Y%m%dT%H%M%SZ).dump
  "${compose[@]}" exec -T goforge /app/GoForge.Web backup --output "$backup" \
    || die "The backup before the upgrade failed; nothing was changed. See: ${compose[*]} logs goforge"
  printf 'Backed up the database to %s in the goforge-data volume.\n' "$backup"
fi

if ! $offline; then
  "${compose[@]}" pull --ignore-pull-failures postgres "$proxy" || true
  "${compose[@]}" build goforge
fi
"${compose[@]}" up -d --remove-orphans

printf 'Waiting for GoForge to start'
panel=$("${compose[@]}" ps -q goforge)
for _ in $(seq 1 150); do
  link=$("${compose[@]}" logs --no-color goforge 2>/dev/null | grep -o 'https\?://[^ "\\]*/setup?token=[A-Za-z0-9_-]*' | tail -n 1 || true)
  health=$(docker inspect --format '{{if .State.Health}}{{.State.Health.Status}}{{end}}' "$panel" 2>/dev/null || true)
  if [[ -n $link && $health == healthy ]]; then
    printf '\nGoForge is running. Open this one-time link to create the first administrator:\n  %s\n' "$link"
    exit 0
  fi
  if [[ $health == healthy ]] && $upgrade; then
    printf '\nGoForge is running at https://%s (upgraded; an administrator exists already).\n' "$(setting GOFORGE_DOMAIN)"
    exit 0
  fi
  printf '.'
  sleep 2
done
die "GoForge was not healthy within 5 minutes; see: ${compose[*]} logs goforge"
