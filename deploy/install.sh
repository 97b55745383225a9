#!/usr/bin/env bash
# Installs GoForge on a fresh Ubuntu/Debian server with Docker: PostgreSQL, Traefik (HTTPS by Let's Encrypt) and
# the panel, from deploy/docker-compose.yml. Run from a checkout of the repository, as root (or a docker-group user):
#   bash deploy/install.sh --domain panel.example.com --email admin@example.com
# The first run writes deploy/.env (mode 600) with a generated database password and secret key; later runs keep
# it, so upgrading is: git pull && bash deploy/install.sh. Back deploy/.env up: without its key, stored secrets
# cannot be read. Prints the one-time link to create the first administrator.
set -euo pipefail

here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
env_file=$here/.env
compose=(docker compose -p goforge -f "$here/docker-compose.yml" --env-file "$env_file")

die() {
  printf 'install.sh: %s\n' "$*" >&2
  exit 1
}

domain=${GOFORGE_DOMAIN:-}
email=${ACME_EMAIL:-}
while (($#)); do
  case $1 in
    --domain) domain=${2:-}; shift 2 ;;
    --email) email=${2:-}; shift 2 ;;
    -h | --help) sed -n '2,8p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done

# Values that end up in labels and configuration are checked here, before anything is written.
domain_re='^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$'
email_re='^[A-Za-z0-9._%+-]+@([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$'

domain=${domain,,}
[[ -z $domain || $domain =~ $domain_re ]] || die "'$domain' is not a domain name (letters, digits, hyphens, dots)."
[[ -z $email || $email =~ $email_re ]] || die "'$email' is not an e-mail address."

command -v docker >/dev/null || die "Docker is not installed: https://docs.docker.com/engine/install/ (or apt-get install docker.io)."
docker info >/dev/null 2>&1 || die "Docker is installed but not reachable; is the daemon running, and may this user use it?"
docker compose version >/dev/null 2>&1 || die "The Docker Compose plugin is missing (apt-get install docker-compose-plugin)."
[[ -S /var/run/docker.sock ]] || die "/var/run/docker.sock is missing; GoForge needs the local Docker engine."

if [[ -f $env_file ]]; then
  printf 'Keeping the existing %s (its keys protect your stored secrets).\n' "$env_file"
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
    printf 'DOCKER_GID=%s\n' "$(stat -c %g /var/run/docker.sock)"
    printf 'PROXY_SUBNET=172.31.250.0/24\n'
    printf 'PANEL_SUBNET=172.31.251.0/29\n'
    printf 'PROXY_PANEL_ADDRESS=172.31.251.2\n'
  } >"$env_file"
  chmod 600 "$env_file"
  printf 'Wrote %s.\n' "$env_file"
fi

"${compose[@]}" config --quiet || die "deploy/docker-compose.yml does not validate with $env_file."
"${compose[@]}" up -d --build

printf 'Waiting for GoForge to start'
for _ in $(seq 1 120); do
  link=$("${compose[@]}" logs --no-log-prefix goforge 2>/dev/null | grep -o 'https\?://[^ ]*/setup[^ ]*' | tail -n 1 || true)
  if [[ -n $link ]]; then
    printf '\nOpen this one-time link to create the first administrator:\n  %s\n' "$link"
    exit 0
  fi
  # Listening for a few seconds without a link: an administrator exists already (an upgrade).
  if "${compose[@]}" logs --no-log-prefix goforge 2>/dev/null | grep -q 'Now listening on'; then
    listening=$((${listening:-0} + 1))
    if ((listening > 3)); then
      printf '\nGoForge is running at https://%s (an administrator exists already).\n' "$(grep '^GOFORGE_DOMAIN=' "$env_file" | cut -d= -f2)"
      exit 0
    fi
  fi
  printf '.'
  sleep 2
done
die "GoForge did not start within 4 minutes; see: docker compose -f deploy/docker-compose.yml logs goforge"
