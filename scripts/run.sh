#!/usr/bin/env bash
# `make run`: install what is missing, start PostgreSQL and Redis, migrate, load the demo data, then run the web
# server, a Celery worker and Celery beat together. Ctrl-C stops everything this command started.
set -euo pipefail
# shellcheck source=scripts/services.sh
source "$(dirname "${BASH_SOURCE[0]}")/services.sh"
cd "$ROOT_DIR"

install_all
if is_root; then
  # Celery warns when its worker runs as root: here every process of make run does (development only).
  say "Run as root: the web server and the Celery worker run as root too. Once the packages are installed, run make run as a normal user (README, The two commands)."
fi
start_services
trap stop_started_services EXIT

PY="$UV_PROJECT_ENVIRONMENT/bin/python"
PORT="${PORT:-8000}"
export PORT SITE_URL="${SITE_URL:-http://127.0.0.1:$PORT}"  # also the address seed_demo prints
write_local_env  # commands run by hand later find these services and SITE_URL
say "Applying migrations"
# No statement timeout for migrations: an index built on a benchmark-sized table may take longer.
DATABASE_STATEMENT_TIMEOUT_MS=0 "$PY" manage.py migrate --no-input
say "Loading the demo data (idempotent)"
"$PY" manage.py seed_demo
say "Loading the CERFA referentials (sample files)"
"$PY" manage.py load_referentials --sample
"$PY" manage.py collectstatic --no-input -v 0

cat <<MSG

  Le portail Constructys démarre :
    eGestion (entreprises)          $SITE_URL/egestion/
    oGestion (organismes de formation) $SITE_URL/ogestion/
    Digit Invest (CFA)              $SITE_URL/digit-invest/
    Back office (Django admin)      $SITE_URL/admin/
    Santé des services              $SITE_URL/sante/
  Identifiants de démonstration : voir le tableau ci-dessus (mot de passe commun).
  E-mails envoyés : dans ce terminal et en fichiers .eml dans $LOCAL_DIR/mail/
  Ctrl-C arrête le serveur web, le worker et beat Celery, PostgreSQL et Redis.

MSG
"$UV_PROJECT_ENVIRONMENT/bin/honcho" -f Procfile.dev start
