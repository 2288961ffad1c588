"""A Redis cache that the portal can live without.

The cache only ever holds what can be recomputed (the RGPD/CGU versions in force, allauth's rate-limit counters, the
worker's heartbeat, the home pages' announcements and help resources as rendered). When Redis is unreachable,
`ResilientRedisCache` answers reads as misses and makes writes no-ops instead of raising, so pages and logins keep
working on the database alone. After a failure it stops
trying for `RETRY_AFTER` seconds (a circuit breaker, shared by the threads of a process), so a page does not pay a
connection attempt for every cache call; short socket timeouts bound what a hanging Redis can cost.

What degrades while Redis is down: allauth's rate limits allow everything (their counters cannot be kept), a TOTP
code could be accepted twice within its 30 seconds (its "already used" mark lives in the cache), and the consent
check reads the database once every 2 seconds per worker (ProcessMemo). See docs/operations.md.
"""

import logging
import re
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.retry import Retry

logger = logging.getLogger(__name__)

# Connection refused, reset, DNS failure, authentication, loading, socket timeouts: Redis is unusable for now.
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)
DEFAULT_RETRY_AFTER = 5.0
# A local Redis answers in a millisecond: half a second is already a failure (redis-py's default is 5 s).
DEFAULT_SOCKET_TIMEOUT = 0.5
# During a long outage, one warning per this many seconds is enough for the logs.
WARNING_INTERVAL = 60.0


class _Breaker:
    """Per Redis location and per process: when the last failure happened and whether to try again yet."""

    def __init__(self, retry_after: float):
        self.retry_after = retry_after
        self.open_until = 0.0
        self.down_since: float | None = None
        self.last_warning = float("-inf")
        self.lock = threading.Lock()

    def is_open(self) -> bool:
        return time.monotonic() < self.open_until

    def trip(self, location: str, exc: Exception) -> None:
        now = time.monotonic()
        with self.lock:
            self.open_until = now + self.retry_after
            if self.down_since is None:
                self.down_since = now
            warn = now - self.last_warning >= WARNING_INTERVAL
            if warn:
                self.last_warning = now
        if warn:
            logger.warning(
                "Redis cache at %s unreachable (%s: %s): reads are misses and writes are skipped; next try in %ss.",
                location,
                exc.__class__.__name__,
                exc,
                self.retry_after,
            )

    def reset(self, location: str) -> None:
        if self.down_since is None:
            return
        with self.lock:
            down_since, self.down_since = self.down_since, None
            self.last_warning = float("-inf")
        if down_since is not None:
            logger.warning("Redis cache at %s reachable again after %.0f s.", location, time.monotonic() - down_since)


_breakers: dict[str, _Breaker] = {}
_breakers_lock = threading.Lock()


def _breaker_for(location: str, retry_after: float) -> _Breaker:
    with _breakers_lock:
        breaker = _breakers.get(location)
        if breaker is None or breaker.retry_after != retry_after:
            breaker = _breakers[location] = _Breaker(retry_after)
        return breaker


class _KeptClientCache(RedisCacheClient):
    """Django's client, keeping one redis.Redis per connection pool instead of building one for every cache call:
    building it (its table of response callbacks) cost about 0.1 ms of CPU, more than the call's own work, on every
    page (the consent check reads the cache). A redis.Redis holds no connection of its own (the pool does, and
    replaces its connections after a fork), so threads and forked workers may share it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    """Django's RedisCache, degraded to "always a miss" while Redis is unreachable.

    OPTIONS: `RETRY_AFTER` (seconds without trying after a failure, default 5); the rest goes to redis-py's
    connection pool as usual (`socket_connect_timeout`, `socket_timeout`...).
    """

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS", {}))
        retry_after = float(options.pop("RETRY_AFTER", DEFAULT_RETRY_AFTER))
        options.setdefault("socket_connect_timeout", DEFAULT_SOCKET_TIMEOUT)
        options.setdefault("socket_timeout", DEFAULT_SOCKET_TIMEOUT)
        # One immediate retry on a connection error: a pooled connection that Redis closed while it restarted is
        # replaced by a fresh one instead of tripping the breaker. Timeouts are not retried (they already cost).
        options.setdefault("retry", Retry(NoBackoff(), 1, supported_errors=(RedisConnectionError,)))
        super().__init__(server, {**params, "OPTIONS": options})
        self._class = _KeptClientCache
        # As logged: without the password a URL may carry (redis://:secret@host).
        self._location = re.sub(r"//[^@/]*@", "//", ",".join(self._servers))
        self._breaker = _breaker_for(self._location, retry_after)

    @property
    def is_available(self) -> bool:
        """False while the circuit breaker holds Redis for unreachable (no connection attempt is made)."""
        return not self._breaker.is_open()

    def _guarded(self, fallback, call, *args, **kwargs):
        if self._breaker.is_open():
            return fallback
        try:
            result = call(*args, **kwargs)
        except UNREACHABLE as exc:
            self._breaker.trip(self._location, exc)
            return fallback
        self._breaker.reset(self._location)
        return result

    # Reads: a miss. Writes: skipped, reported the way the caller expects a success to be reported, so that
    # allauth's rate-limit lock (cache.add in a loop) lets the request through instead of waiting for it.
    def get(self, key, default=None, version=None):
        return self._guarded(default, super().get, key, default, version)

    def get_many(self, keys, version=None):
        return self._guarded({}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._guarded(False, super().has_key, key, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(True, super().add, key, value, timeout, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(None, super().set, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(list(data), super().set_many, data, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._guarded(False, super().delete, key, version)

    def delete_many(self, keys, version=None):
        return self._guarded(None, super().delete_many, keys, version)

    def clear(self):
        return self._guarded(False, super().clear)

    def incr(self, key, delta=1, version=None):
        # Django's contract for a missing key: ValueError, which callers already handle.
        missing = object()
        result = self._guarded(missing, super().incr, key, delta, version)
        if result is missing:
            raise ValueError(f"Key '{key}' not found (the cache is unreachable).")
        return result

    def ping(self) -> None:
        """Raise if Redis does not answer now (for the health page), ignoring the circuit breaker."""
        try:
            self._cache.get_client(write=True).ping()
        except UNREACHABLE as exc:
            self._breaker.trip(self._location, exc)
            raise
        self._breaker.reset(self._location)


def reset_circuit_breakers() -> None:
    """Forget past failures (tests that stop and restart a Redis of their own)."""
    with _breakers_lock:
        for breaker in _breakers.values():
            breaker.open_until = 0.0


class ProcessMemo:
    """Values read through the shared cache, also kept in this process for a few `seconds`: for the small values that
    every page reads (the consent versions in force, the home pages' rendered content), a dictionary look-up instead
    of a Redis round trip (about 0.3 ms of CPU a page in-process; issue 18, bench/README.md for the pages under
    load).

    What forgets a value in the shared cache forgets it here too: at once in the process that made the change, within
    `seconds` in the others (each worker keeps its own copy). Keys are the shared cache's full keys, so a test's own
    cache prefix (tests/conftest.py) is a memo of its own too.
    """

    def __init__(self, seconds: float):
        self.seconds = seconds
        self._kept: dict[str, tuple[float, object]] = {}

    def get(self, key: str):
        kept = self._kept.get(key)
        if kept is None:
            return None
        if kept[0] <= time.monotonic():
            self._kept.pop(key, None)  # a test's own cache prefix is a key of its own: do not keep them all
            return None
        return kept[1]

    def keep(self, key: str, value) -> None:
        self._kept[key] = (time.monotonic() + self.seconds, value)

    def forget(self) -> None:
        self._kept.clear()
