#!/usr/bin/env bash
# Installs Debian's PostgreSQL and Redis server packages, and Chromium for the browser tests, when missing.
# Skipped when the suite is pointed at existing servers.
set -euo pipefail
need=()
if [ -z "${TAXOFFICE_TEST_DATABASE_URL:-}" ] && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 \
  && ! command -v initdb >/dev/null 2>&1; then
  need+=(postgresql postgresql-contrib)
elif [ -z "${TAXOFFICE_TEST_DATABASE_URL:-}" ] && [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
  need+=(postgresql)  # creates the postgres user that initdb runs as
fi
if [ -z "${TAXOFFICE_TEST_REDIS_URL:-}" ] && ! command -v redis-server >/dev/null 2>&1; then
  need+=(redis-server)
fi
# The portal's end-to-end tests drive Debian's Chromium (never a browser downloaded by a test tool).
if ! command -v chromium >/dev/null 2>&1; then
  need+=(chromium)
fi
if [ ${#need[@]} -gt 0 ]; then
  echo "Installing ${need[*]} from Debian's packages…"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
