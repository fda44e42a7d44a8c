#!/usr/bin/env bash
# Install everything the tests need (Python packages, and Debian's chromium for the browser
# tests when running as root), then run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing chromium for the browser tests…"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
  else
    echo "chromium not found and cannot install it (not root): browser tests will be skipped" >&2
  fi
fi
bash scripts/setup-venv.sh ".[test]"
exec .venv/bin/python -m pytest "$@"
