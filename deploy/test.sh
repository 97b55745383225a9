#!/usr/bin/env bash
# The test command: installs what the tests need, then runs them all against real servers. The test fixtures
# (GoForge.Tests/Harness) start PostgreSQL and a Docker engine themselves; GOFORGE_TEST_POSTGRES and DOCKER_HOST
# point them at existing ones instead.
# Usage: deploy/test.sh [more dotnet test arguments, e.g. --filter "FullyQualifiedName~Harness"]
set -euo pipefail

repo=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=deploy/lib.sh
source "$repo/deploy/lib.sh"

# nodejs + npm: the accessibility tests install axe-core from GoForge.Tests/Browser/Axe/package-lock.json (npm ci), the
# backup-storage tests the S3 server s3rver from GoForge.Tests/Harness/S3/package-lock.json.
# python3-cryptography: a backup test decrypts an archive with deploy/decrypt-backup.py, as a user without GoForge would.
# debootstrap + iproute2: the production-stack test builds its Debian base and links a private engine to the host.
ensure_packages git procps postgresql docker.io busybox-static chromium docker-compose caddy openssh-server nodejs npm debootstrap iproute2 docker-registry apache2-utils python3 python3-cryptography python3-aiosmtpd
require_dotnet

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
cd "$repo"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
# Benchmarks print figures and run only when asked for (--filter Category=Benchmark).
filter=(--filter "Category!=Benchmark")
for arg in "$@"; do
  if [[ $arg == --filter* ]]; then filter=(); fi
done
dotnet test GoForge.sln -c Release --logger "console;verbosity=normal" "${filter[@]}" "$@" 2>&1 | tee "$log" || status=$?
# One plain closing line, "N passed, N failed", summed over the summaries dotnet test prints per test assembly.
read -r passed failed skipped < <(awk '
  /^ +Passed: [0-9]+$/ {p += $2}
  /^ +Failed: [0-9]+$/ {f += $2}
  /^ +Skipped: [0-9]+$/ {s += $2}
  END {print p + 0, f + 0, s + 0}' "$log")
if ((status == 0 && passed == 0)); then
  echo "test.sh: no test ran" >&2
  status=1
fi
if ((failed > 0)); then
  # The log is long and CI may keep only its end: repeat each failed test's name and message here.
  echo "--- failed tests ---"
  awk '
    /^ +Failed [A-Za-z_][A-Za-z0-9_.]*/ {show = 1; lines = 0}
    /^ +Passed [A-Za-z_]/ {show = 0}
    /^ +Stack Trace:/ {if (show) {stack = 8}}
    show && lines < 40 {print; lines++; if (stack > 0 && --stack == 0) show = 0}' "$log"
  echo "--- end of failed tests ---"
fi
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
exit "$status"
