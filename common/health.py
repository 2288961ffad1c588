"""The state of the services behind the portal, for /sante/.

- "ok": PostgreSQL, Redis and the Celery worker work;
- "dégradé": PostgreSQL works (pages, logins and forms are served) but Redis or the worker does not (background
  work such as emails waits, rate limits are off);
- "indisponible": PostgreSQL is down, the portal cannot serve its pages (HTTP 503).

Anyone gets the word; the details (each component, the heartbeat's age) only staff or a caller with the
HEALTH_TOKEN (common.views.health).
"""

import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection

from common.tasks import HEARTBEAT_CACHE_KEY

OK = "ok"
DEGRADED = "dégradé"
UNAVAILABLE = "indisponible"


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def check_redis() -> str:
    cache.ping()
    return "ok"


def seconds_since_worker_heartbeat() -> int | None:
    beat = cache.get(HEARTBEAT_CACHE_KEY)
    return None if beat is None else int(time.time() - beat)


def check_worker(heartbeat_age: int | None) -> str:
    if heartbeat_age is None:
        return "error: no heartbeat"
    if heartbeat_age > settings.HEALTH_HEARTBEAT_MAX_AGE:
        return f"error: last heartbeat {heartbeat_age} s ago"
    return "ok"


def _run(check) -> str:
    try:
        return check()
    except Exception as exc:  # any failure means the service is unusable; say which
        return f"error: {exc.__class__.__name__}"


def run_checks() -> tuple[str, dict]:
    """The overall status and the report of each component."""
    report = {"database": _run(check_database), "redis": _run(check_redis)}
    if report["redis"] == "ok":
        age = seconds_since_worker_heartbeat()
        report["celery_heartbeat_age_seconds"] = age
        report["worker"] = check_worker(age)
    else:
        # The heartbeat lives in Redis, and the worker cannot receive tasks without it.
        report["celery_heartbeat_age_seconds"] = None
        report["worker"] = "error: unknown (Redis unreachable)"
    if report["database"] != "ok":
        status = UNAVAILABLE
    elif report["redis"] != "ok" or report["worker"] != "ok":
        status = DEGRADED
    else:
        status = OK
    return status, report
