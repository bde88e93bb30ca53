#!/usr/bin/env bash
# Set up everything and print a brief from the offline demo workspace (no network, no API key).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
exec .venv/bin/relbot demo "$@"
