#!/usr/bin/env bash
# Install, index the bundled corpus/ and serve the search page on http://127.0.0.1:5000/
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-venv.sh .
.venv/bin/reportsearch index
exec .venv/bin/reportsearch serve "$@"
