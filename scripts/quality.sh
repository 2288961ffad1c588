#!/usr/bin/env bash
# `make quality` (and the first step of `make test`): formatting, lint, templates, layers, migrations, shell scripts.
# Stops at the first check that fails, with what to run to fix it.
set -euo pipefail
# shellcheck source=scripts/services.sh
source "$(dirname "${BASH_SOURCE[0]}")/services.sh"
cd "$ROOT_DIR"

BIN="$UV_PROJECT_ENVIRONMENT/bin"
[ -x "$BIN/lint-imports" ] || install_python_packages
command -v shellcheck >/dev/null 2>&1 || apt_install shellcheck

say "ruff (format and lint)"
"$BIN/ruff" format --check . || fail "badly formatted: run make format"
"$BIN/ruff" check . || fail "lint errors: run make format, then fix what remains"
say "djlint (templates, rules in pyproject.toml)"
"$BIN/djlint" templates --lint --quiet
say "import-linter (which way the apps depend: .importlinter, docs/architecture.md)"
"$BIN/lint-imports" --no-cache --no-logo
say "Migrations are up to date"
"$BIN/python" manage.py makemigrations --check --dry-run >/dev/null \
  || fail "models changed without a migration: run manage.py makemigrations --name <what changed>"
say "shellcheck (scripts/)"
shellcheck -x scripts/*.sh
