"""Per-key rate limit of the API: a fixed one-minute window counted in Redis (the default cache).

When Redis is unreachable the cache (common.cache.ResilientRedisCache) answers misses: the limit is then not
applied rather than refusing every call, like allauth's login limits (docs/operations.md).
"""

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

WINDOW_SECONDS = 60


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int = 0


def check_rate(key_id: int, *, now: float | None = None) -> Verdict:
    """Count one call of the key; refused past API_RATE_LIMIT_PER_MINUTE in the current minute."""
    now = time.time() if now is None else now
    window = int(now // WINDOW_SECONDS)
    cache_key = f"api:rate:{key_id}:{window}"
    try:
        cache.add(cache_key, 0, WINDOW_SECONDS + 5)
        count = cache.incr(cache_key)
    except ValueError:  # the counter could not be kept (Redis down): let the call through
        return Verdict(True)
    if count > settings.API_RATE_LIMIT_PER_MINUTE:
        return Verdict(False, retry_after=max(1, (window + 1) * WINDOW_SECONDS - int(now)))
    return Verdict(True)
