import time

from django.core.cache import cache
from django.db import connection

from common.tasks import HEARTBEAT_CACHE_KEY


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def check_redis() -> str:
    client = cache._cache.get_client(write=True)
    client.ping()
    return "ok"


def seconds_since_worker_heartbeat() -> int | None:
    beat = cache.get(HEARTBEAT_CACHE_KEY)
    return None if beat is None else int(time.time() - beat)


def run_checks() -> tuple[bool, dict]:
    """Checks the services the portal cannot work without; the worker's heartbeat is reported, not required."""
    report, healthy = {}, True
    for name, check in (("database", check_database), ("redis", check_redis)):
        try:
            report[name] = check()
        except Exception as exc:  # any failure means the service is unusable; say which
            report[name] = f"error: {exc.__class__.__name__}"
            healthy = False
    if report["redis"] == "ok":
        report["celery_heartbeat_age_seconds"] = seconds_since_worker_heartbeat()
    return healthy, report
