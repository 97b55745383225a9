#!/usr/bin/env bash
# The test command: installs what the tests need, then runs them all against real servers. The test fixtures
# (GoForge.Tests/Harness) start PostgreSQL and a Docker engine themselves; GOFORGE_TEST_POSTGRES and DOCKER_HOST
# point them at existing ones instead.
# Usage: deploy/test.sh [more dotnet test arguments, e.g. --filter "FullyQualifiedName~Harness"]
set -euo pipefail

repo=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=deploy/lib.sh
source "$repo/deploy/lib.sh"

ensure_packages git procps postgresql docker.io busybox-static chromium
require_dotnet

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
cd "$repo"
status=0
dotnet test GoForge.sln -c Release --logger "console;verbosity=normal" "$@" || status=$?
if ((status == 0)); then
  echo "test.sh: SUMMARY: all tests passed"
else
  echo "test.sh: SUMMARY: dotnet test failed (exit code $status)" >&2
fi
exit "$status"
