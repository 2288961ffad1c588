#!/usr/bin/env bash
# Installs what the portal needs and starts/stops its project-local PostgreSQL, Redis and ClamAV daemon (clamd).
# Sourced by scripts/run.sh and scripts/test.sh; can also be called:
# scripts/services.sh install|start|stop|status|start-clamav|stop-clamav
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
CLAMAV_PORT="${CLAMAV_PORT:-3311}"
export CLAMAV_URL="${CLAMAV_URL:-tcp://127.0.0.1:$CLAMAV_PORT}"

STARTED_POSTGRES=0
STARTED_REDIS=0
STARTED_CLAMAV=0

say() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }
fail() { printf '\033[1;31mError:\033[0m %s\n' "$*" >&2; exit 1; }
is_root() { [ "$(id -u)" -eq 0 ]; }

pg_bindir() {
  local dir
  dir=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  [ -d "$dir" ] || dir=""  # the pattern itself when no PostgreSQL is installed
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
  # Uploads are scanned by clamd; sigtool (package clamav) writes the local signature database.
  [ -n "$(clamd_bin)" ] || missing+=(clamav-daemon)
  command -v sigtool >/dev/null 2>&1 || missing+=(clamav)
  if [ "$want_browser" = "browser" ]; then
    command -v chromium >/dev/null 2>&1 || missing+=(chromium)
    command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
    command -v shellcheck >/dev/null 2>&1 || missing+=(shellcheck)  # make quality checks scripts/*.sh
  fi
  apt_install "${missing[@]}"
}

# bench/throughput.py drives the pages with wrk (make bench-throughput installs it).
install_bench_tools() {
  command -v wrk >/dev/null 2>&1 || apt_install wrk
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
  # shared_buffers and random_page_cost as on a production server with SSDs (the defaults, 128 MB and 4, suit
  # spinning disks and made the planner prefer reading whole tables on the benchmark databases of bench/).
  if as_postgres "$bindir/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
    say "PostgreSQL already running on port $PG_PORT"
  else
    say "Starting PostgreSQL on 127.0.0.1:$PG_PORT"
    as_postgres "$bindir/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 \
      -o "-p $PG_PORT -k $dir/run -c listen_addresses=127.0.0.1 -c synchronous_commit=off \
         -c shared_buffers=256MB -c random_page_cost=1.1" start >/dev/null \
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

# clamd of the project: its own config and database under .local/clamav, listening on 127.0.0.1:$CLAMAV_PORT.
clamd_bin() {
  command -v clamd 2>/dev/null || { [ -x /usr/sbin/clamd ] && printf '/usr/sbin/clamd'; } || true
}

clamd_ping() {
  # clamd's PING command over bash's /dev/tcp (in a subshell): answers PONG when it is ready to scan.
  local reply
  reply=$( { exec 3<>"/dev/tcp/127.0.0.1/$CLAMAV_PORT" && printf 'zPING\0' >&3 \
    && IFS= read -r -t 2 -d '' reply <&3; printf '%s' "${reply:-}"; } 2>/dev/null ) || true
  [ "$reply" = "PONG" ]
}

# Official signatures cannot be downloaded everywhere (CI, this sandbox): the project-local clamd loads a database
# of its own, the MD5 of the EICAR test file and of a harmless test PDF (scripts/clamav/test-sample.pdf), so that
# it starts and the tests can check that an infected upload is refused. Signatures copied into the same folder
# (e.g. main.cvd, daily.cvd from freshclam) are loaded too.
write_clamav_config() {
  local dir="$LOCAL_DIR/clamav"
  mkdir -p "$dir/db" "$dir/samples"
  # shellcheck disable=SC2016  # the EICAR test string, literally (no expansion wanted)
  printf '%s' 'X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*' >"$dir/samples/eicar.com"
  {
    sigtool --md5 "$dir/samples/eicar.com" | sed 's/:[^:]*$/:Eicar-Test-Signature/'
    sigtool --md5 "$ROOT_DIR/scripts/clamav/test-sample.pdf" | sed 's/:[^:]*$/:Constructys-Test-Sample/'
  } >"$dir/db/constructys-test.hdb"
  cat >"$dir/clamd.conf" <<CONF
# Written by scripts/services.sh at each start: the project-local clamd (edit the script, not this file).
DatabaseDirectory $dir/db
TCPSocket $CLAMAV_PORT
TCPAddr 127.0.0.1
PidFile $dir/clamd.pid
LogFile $dir/clamd.log
LogTime yes
Foreground no
# Uploads are 10 MB at most; a larger stream is refused by clamd (and so by the portal).
StreamMaxLength 25M
MaxFileSize 25M
MaxScanSize 100M
# A file that keeps clamd busy is given up (the portal refuses the upload after CLAMAV_TIMEOUT anyway).
MaxScanTime 20000
CONF
}

start_clamav() {
  if clamd_ping; then
    say "clamd already running on port $CLAMAV_PORT"
    return 0
  fi
  [ -n "$(clamd_bin)" ] || fail "clamd not found: apt-get install clamav-daemon clamav (make run / make test do it as root)"
  write_clamav_config
  say "Starting clamd (ClamAV) on 127.0.0.1:$CLAMAV_PORT"
  "$(clamd_bin)" -c "$LOCAL_DIR/clamav/clamd.conf" || { tail -n 20 "$LOCAL_DIR/clamav/clamd.log" >&2; fail "clamd did not start"; }
  # With the local database clamd is ready in well under a second; with the official ones it takes ~20 s.
  for _ in $(seq 1 600); do
    clamd_ping && { STARTED_CLAMAV=1; return 0; }
    sleep 0.1
  done
  tail -n 20 "$LOCAL_DIR/clamav/clamd.log" >&2
  fail "clamd did not answer on port $CLAMAV_PORT (log above)"
}

stop_clamav() {
  local pidfile="$LOCAL_DIR/clamav/clamd.pid"
  [ -f "$pidfile" ] || return 0
  kill "$(cat "$pidfile")" 2>/dev/null || true
  for _ in $(seq 1 50); do
    clamd_ping || break
    sleep 0.1
  done
  rm -f "$pidfile"
}

# `make run` leaves the addresses it used in .local/env (config/env.py reads it), so that a management command run
# by hand afterwards (seed_demo, demo_totp, rgpd_erase_person…) works on this checkout's database, Redis, clamd and
# SITE_URL. Other lines of the file (a second checkout's own settings) are kept.
LOCAL_ENV_FILE="${LOCAL_ENV_FILE:-$ROOT_DIR/.local/env}"
LOCAL_ENV_KEYS=(DATABASE_URL REDIS_URL TEST_REDIS_URL CLAMAV_URL SITE_URL)
write_local_env() {
  local kept="" key pattern
  pattern="^($(IFS='|'; printf '%s' "${LOCAL_ENV_KEYS[*]}"))="
  mkdir -p "$(dirname "$LOCAL_ENV_FILE")"
  [ -f "$LOCAL_ENV_FILE" ] && kept="$(grep -v -E "$pattern" "$LOCAL_ENV_FILE" | grep -v '^# Written by make run' || true)"
  {
    printf '# Written by make run (scripts/services.sh write_local_env); read by config/env.py.\n'
    [ -n "$kept" ] && printf '%s\n' "$kept"
    for key in "${LOCAL_ENV_KEYS[@]}"; do
      if [ -n "${!key:-}" ]; then printf '%s=%s\n' "$key" "${!key}"; fi
    done
  } >"$LOCAL_ENV_FILE.tmp"
  mv "$LOCAL_ENV_FILE.tmp" "$LOCAL_ENV_FILE"
}

start_services() {
  start_postgres
  start_redis
  start_clamav
}

# Stops only what this invocation started, so a portal already running keeps its services.
stop_started_services() {
  [ "$STARTED_CLAMAV" = 1 ] && stop_clamav
  [ "$STARTED_REDIS" = 1 ] && stop_redis
  [ "$STARTED_POSTGRES" = 1 ] && stop_postgres
  return 0
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  case "${1:-}" in
    install) install_all "${2:-no}" ;;
    install-bench) install_bench_tools ;;
    start) start_services ;;
    stop) stop_clamav; stop_redis; stop_postgres ;;
    start-clamav) start_clamav ;;
    stop-clamav) stop_clamav ;;
    status)
      as_postgres "$(pg_bindir)/pg_ctl" -D "$(pg_dir)/data" status || true
      redis-cli -p "$REDIS_PORT" ping || true
      clamd_ping && echo "clamd: PONG" || echo "clamd: not running" ;;
    *) echo "usage: $0 install [browser] | install-bench | start | stop | status | start-clamav | stop-clamav" >&2; exit 2 ;;
  esac
fi
