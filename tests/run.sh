#!/usr/bin/env bash
# Install what the tests need, build the site, run every test (engine and browser).
#   bash tests/run.sh [pytest args]      e.g. bash tests/run.sh tests/browser -x
# Idempotent: each step is skipped when its result is already there. Needs root
# (or sudo) only the first time on a machine, for the Debian packages.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_missing=()
[ -x /usr/bin/chromium ] || apt_missing+=(chromium)
command -v npm >/dev/null || apt_missing+=(nodejs npm)
[ -x .venv/bin/python ] || python3 -c 'import ensurepip, venv' 2>/dev/null || apt_missing+=(python3-venv)
if [ ${#apt_missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  echo "run.sh: installing Debian packages: ${apt_missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${apt_missing[@]}" >/dev/null
fi

# The venv is (re)installed when pyproject.toml changes.
[ -x .venv/bin/python ] || python3 -m venv .venv
stamp=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ "$(cat .venv/.ganlab-installed 2>/dev/null)" != "$stamp" ]; then
  .venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test,figures]'
  echo "$stamp" > .venv/.ganlab-installed
fi

.venv/bin/python build.py
exec .venv/bin/python -m pytest -q "$@"
