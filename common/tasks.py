import time

from celery import shared_task
from django.core.cache import cache

HEARTBEAT_CACHE_KEY = "celery:heartbeat"


@shared_task
def record_heartbeat() -> float:
    """Scheduled by beat every minute: the health page tells how long ago the worker last ran it. With Redis
    unreachable the cache skips the write (common.cache) rather than failing the task."""
    now = time.time()
    cache.set(HEARTBEAT_CACHE_KEY, now, timeout=None)
    return now
