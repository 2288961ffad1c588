#!/usr/bin/env bash
# `make test`: install what is missing (Chromium included), start PostgreSQL and Redis, then run the quality checks
# (scripts/quality.sh, `make quality`) and every test, browser tests too. Extra arguments go to pytest
# (e.g. `make test ARGS="-k login"`).
set -euo pipefail
# shellcheck source=scripts/services.sh
source "$(dirname "${BASH_SOURCE[0]}")/services.sh"
cd "$ROOT_DIR"

install_all browser
start_services
trap stop_started_services EXIT

BIN="$UV_PROJECT_ENVIRONMENT/bin"
"$ROOT_DIR/scripts/quality.sh"
say "pytest"
# Playwright drives Debian's chromium; it must never try to download a browser of its own.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 CHROMIUM_PATH="${CHROMIUM_PATH:-$(command -v chromium)}"
# A fresh test database each time: a run cut short (Ctrl-C in a browser test) can leave rows behind, and the
# full command must not depend on what an earlier run left. Ad-hoc pytest runs keep --reuse-db (pyproject).
# Two pytest-xdist workers (TEST_WORKERS), each with its own test database, Redis database and media folder;
# tests marked xdist_group stay on one worker. pytest-randomly shuffles the order from a seed: a fixed one by
# default, so CI replays an order known to pass; TEST_SEED=random draws a new one to hunt order dependencies.
seed="${TEST_SEED:-20261204}"
[ "$seed" = random ] && seed="$(shuf -i 1-4294967295 -n 1)"
"$BIN/pytest" --create-db -n "${TEST_WORKERS:-2}" --dist loadgroup --randomly-seed="$seed" "$@"
