.PHONY: run test quality screenshots services stop lint format seed bench bench-throughput

# Set up and run the whole portal (web, Celery worker and beat, PostgreSQL, Redis) with demo data.
run:
	scripts/run.sh

# Set up and run every test: `make quality`, then pytest with browser tests.
test:
	scripts/test.sh $(ARGS)

# ruff, djlint (templates), import-linter (layers), makemigrations --check, shellcheck (scripts/).
quality:
	scripts/quality.sh

# Retake the screenshots of docs/screenshots/ (browser tests marked `screenshots`; `make test` keeps its own
# under test-results/, ignored by git).
screenshots:
	SCREENSHOTS_DIR=$(CURDIR)/docs/screenshots scripts/test.sh -m screenshots

services:
	scripts/services.sh start

stop:
	scripts/services.sh stop

format:
	.venv/bin/ruff format . && .venv/bin/ruff check --fix .

seed:
	.venv/bin/python manage.py seed_demo

# Large volumes for the benchmarks under bench/ (200 000 dossiers, 1 000 000 messages; `make bench SCALE=20000`
# for a quick try), on a migrated database (a fresh clone needs only `make services` before).
SCALE ?= 200000
bench:
	DATABASE_STATEMENT_TIMEOUT_MS=0 .venv/bin/python manage.py migrate --no-input -v0
	.venv/bin/python manage.py seed_demo --scale $(SCALE)

# Pages under load (gunicorn, production settings, wrk) against a bare Django page, after `make bench`.
bench-throughput:
	scripts/services.sh install-bench
	.venv/bin/python bench/throughput.py $(ARGS)
