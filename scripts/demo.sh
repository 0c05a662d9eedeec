#!/usr/bin/env bash
# The main job on the bundled samples: read each report, extract its tables, check them.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/nianbao check samples/ || true   # exit status 1 means "errors found", which the samples have
.venv/bin/nianbao extract samples/qingtongxia-2023.txt --format table
