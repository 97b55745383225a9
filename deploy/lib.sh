# shellcheck shell=bash
# Helpers shared by deploy/*.sh. Sourced, not run.

die() {
  printf '%s: %s\n' "${0##*/}" "$*" >&2
  exit 1
}

is_root() { [[ $(id -u) -eq 0 ]]; }

# Prints the folder holding PostgreSQL's initdb and pg_ctl: PATH first (following links, so both come from one
# version), else the newest /usr/lib/postgresql/*/bin. Prints nothing when there is none.
pg_bin_dir() {
  local initdb dir
  if initdb=$(command -v initdb) && initdb=$(readlink -f -- "$initdb") && [[ -x ${initdb%/*}/pg_ctl ]]; then
    printf '%s\n' "${initdb%/*}"
    return
  fi
  dir=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -n 1)
  if [[ -n $dir && -x $dir/initdb && -x $dir/pg_ctl ]]; then
    printf '%s\n' "$dir"
  fi
}

# Whether what a package provides is here already. Checked by what we use rather than by dpkg, so tools installed
# another way count too.
has_package() {
  case $1 in
    postgresql) [[ -n $(pg_bin_dir) ]] ;;
    docker.io) command -v dockerd >/dev/null && command -v docker >/dev/null ;;
    # The test image runs busybox FROM scratch, so it must be the static build.
    busybox-static) dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q 'install ok installed' ;;
    chromium) [[ -x /usr/bin/chromium ]] ;;
    # The SSH clone tests start their own sshd (and use ssh-keygen, from openssh-client, which it depends on).
    openssh-server) [[ -x /usr/sbin/sshd ]] && command -v ssh-keygen >/dev/null ;;
    procps) [[ -n $(type -P kill) ]] ;;
    *) command -v "$1" >/dev/null ;;
  esac
}

# Installs the missing packages with apt-get (one update first, only when something is missing). Without root it
# only says what is missing: the caller may have pointed GoForge at existing servers instead.
ensure_packages() {
  local missing=() package
  for package in "$@"; do
    has_package "$package" || missing+=("$package")
  done
  ((${#missing[@]})) || return 0
  if ! is_root; then
    printf '%s: not root, so not installing: %s\n' "${0##*/}" "${missing[*]}" >&2
    return 0
  fi
  echo "Installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y "${missing[@]}"
}

require_dotnet() {
  command -v dotnet >/dev/null || die "dotnet is not on PATH: install the .NET 10 SDK first (https://dot.net)."
}
