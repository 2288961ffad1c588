#!/usr/bin/env bash
# Installs what the portal needs and starts/stops its project-local PostgreSQL and Redis.
# Sourced by scripts/run.sh and scripts/test.sh; can also be called: scripts/services.sh install|start|stop|status
set -euo pipefail

ROOT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOCAL_DIR="${LOCAL_DIR:-$ROOT_DIR/.local}"
PG_PORT="${PG_PORT:-5433}"
REDIS_PORT="${REDIS_PORT:-6380}"
DB_NAME="${DB_NAME:-constructys}"
PYTHON_BIN="${PYTHON_BIN:-python3.11}"
export UV_PROJECT_ENVIRONMENT="${UV_PROJECT_ENVIRONMENT:-$ROOT_DIR/.venv}"
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:$PG_PORT/$DB_NAME}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:$REDIS_PORT/0}"
export TEST_REDIS_URL="${TEST_REDIS_URL:-redis://127.0.0.1:$REDIS_PORT/1}"

STARTED_POSTGRES=0
STARTED_REDIS=0

say() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }
fail() { printf '\033[1;31mError:\033[0m %s\n' "$*" >&2; exit 1; }
is_root() { [ "$(id -u)" -eq 0 ]; }

pg_bindir() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -z "$dir" ] && command -v pg_config >/dev/null 2>&1; then dir=$(pg_config --bindir); fi
  printf '%s' "$dir"
}

# Debian packages: what the portal runs on (PostgreSQL, Redis) and, for the tests, Chromium and poppler.
apt_install() {
  local missing=("$@")
  [ ${#missing[@]} -eq 0 ] && return 0
  if is_root && command -v apt-get >/dev/null 2>&1; then
    say "Installing Debian packages: ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    fail "missing system packages: ${missing[*]}. Install them (e.g. sudo apt-get install ${missing[*]}) and run again."
  fi
}

install_system_packages() {
  local want_browser="${1:-no}" missing=()
  [ -n "$(pg_bindir)" ] && [ -x "$(pg_bindir)/initdb" ] || missing+=(postgresql)
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  # WeasyPrint renders with Pango; DejaVu is the PDFs' font.
  ldconfig -p 2>/dev/null | grep -q libpango-1.0 || missing+=(libpango-1.0-0 libpangoft2-1.0-0)
  # HarfBuzz-Subset embeds only the glyphs a PDF uses (WeasyPrint warns without it).
  ldconfig -p 2>/dev/null | grep -q libharfbuzz-subset || missing+=(libharfbuzz-subset0)
  [ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
  if [ "$want_browser" = "browser" ]; then
    command -v chromium >/dev/null 2>&1 || missing+=(chromium)
    command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
  fi
  apt_install "${missing[@]}"
}

install_python_packages() {
  command -v "$PYTHON_BIN" >/dev/null 2>&1 || fail "$PYTHON_BIN not found: the portal needs Python 3.11."
  if ! command -v uv >/dev/null 2>&1; then
    say "Installing uv (Python package manager)"
    "$PYTHON_BIN" -m pip install --quiet uv || fail "could not install uv with pip"
  fi
  say "Installing Python dependencies (uv.lock)"
  uv sync --frozen --quiet --python "$(command -v "$PYTHON_BIN")"
}

install_all() {
  install_system_packages "${1:-no}"
  install_python_packages
}

as_postgres() {
  if is_root; then runuser -u postgres -- "$@"; else "$@"; fi
}

# PostgreSQL refuses to run as root: as root, the cluster belongs to the postgres user. Its folder must be
# reachable by that user, so when the checkout lives somewhere it cannot enter, the cluster goes to /var/tmp.
pg_dir() {
  local dir="$LOCAL_DIR/postgres"
  if is_root && ! runuser -u postgres -- test -x "$ROOT_DIR" 2>/dev/null; then
    dir="/var/tmp/constructys-postgres-$(printf '%s' "$ROOT_DIR" | md5sum | cut -c1-8)"
  fi
  printf '%s' "$dir"
}

start_postgres() {
  local bindir dir
  bindir="$(pg_bindir)"
  dir="$(pg_dir)"
  mkdir -p "$dir/run"
  is_root && chown -R postgres:postgres "$dir"
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    say "Creating the project's PostgreSQL cluster in $dir/data"
    as_postgres "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  # synchronous_commit=off: a crash may lose the last transactions of this development data, never corrupt it.
  if as_postgres "$bindir/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
    say "PostgreSQL already running on port $PG_PORT"
  else
    say "Starting PostgreSQL on 127.0.0.1:$PG_PORT"
    as_postgres "$bindir/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 \
      -o "-p $PG_PORT -k $dir/run -c listen_addresses=127.0.0.1 -c synchronous_commit=off" start >/dev/null \
      || { tail -n 20 "$dir/postgres.log" >&2; fail "PostgreSQL did not start (log above)"; }
    STARTED_POSTGRES=1
  fi
  if ! "$bindir/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -tAc "select 1 from pg_database where datname='$DB_NAME'" | grep -q 1; then
    "$bindir/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres "$DB_NAME"
  fi
}

stop_postgres() {
  local dir
  dir="$(pg_dir)"
  [ -f "$dir/data/PG_VERSION" ] || return 0
  as_postgres "$(pg_bindir)/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
}

start_redis() {
  mkdir -p "$LOCAL_DIR/redis"
  if redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then
    say "Redis already running on port $REDIS_PORT"
    return 0
  fi
  say "Starting Redis on 127.0.0.1:$REDIS_PORT"
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save '' --appendonly no --daemonize yes \
    --dir "$LOCAL_DIR/redis" --pidfile "$LOCAL_DIR/redis/redis.pid" --logfile "$LOCAL_DIR/redis/redis.log"
  for _ in $(seq 1 50); do
    redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && { STARTED_REDIS=1; return 0; }
    sleep 0.1
  done
  fail "Redis did not start (see $LOCAL_DIR/redis/redis.log)"
}

stop_redis() {
  redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
}

start_services() {
  start_postgres
  start_redis
}

# Stops only what this invocation started, so a portal already running keeps its services.
stop_started_services() {
  [ "$STARTED_REDIS" = 1 ] && stop_redis
  [ "$STARTED_POSTGRES" = 1 ] && stop_postgres
  return 0
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  case "${1:-}" in
    install) install_all "${2:-no}" ;;
    start) start_services ;;
    stop) stop_redis; stop_postgres ;;
    status)
      as_postgres "$(pg_bindir)/pg_ctl" -D "$(pg_dir)/data" status || true
      redis-cli -p "$REDIS_PORT" ping || true ;;
    *) echo "usage: $0 install [browser] | start | stop | status" >&2; exit 2 ;;
  esac
fi
