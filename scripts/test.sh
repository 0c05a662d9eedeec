#!/usr/bin/env bash
# Set up everything the tests need, then run the whole suite, ruff and mypy.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --system
if [ -z "${NIANBAO_TEST_PG_URL:-}" ] && [ "$(id -u)" = "0" ]; then
  NIANBAO_TEST_PG_URL="$(bash scripts/ci-postgres.sh)"
  export NIANBAO_TEST_PG_URL
fi
.venv/bin/ruff check src tests benchmarks
.venv/bin/ruff format --check src tests benchmarks
.venv/bin/mypy
.venv/bin/pytest -p no:cacheprovider -n auto --durations=15 -rs "$@"
