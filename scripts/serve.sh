#!/usr/bin/env bash
# Install (first time only), bring the index of corpus/ up to date and serve the search page on
# http://127.0.0.1:5000/. Arguments are those of `reportsearch serve`; --index, --corpus and
# --lock-timeout also go to the indexing step.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-venv.sh .
args=("$@")
index_args=()
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[i]}" in
    --index | --corpus | --lock-timeout) index_args+=("${args[i]}" "${args[i + 1]:-}"); i=$((i + 1)) ;;
    --index=* | --corpus=* | --lock-timeout=*) index_args+=("${args[i]}") ;;
  esac
done
.venv/bin/reportsearch index ${index_args[@]+"${index_args[@]}"}
exec .venv/bin/reportsearch serve "$@"
