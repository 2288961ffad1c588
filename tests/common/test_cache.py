"""common.cache.ResilientRedisCache: Redis when it answers; misses and skipped writes, quickly, when it does not."""

import logging
import socket
import time

import pytest
from django.core.cache import cache

from common.cache import ProcessMemo, reset_circuit_breakers

pytestmark = pytest.mark.no_database  # pure: no database


def closed_port() -> int:
    """A port nothing listens on: connections are refused, as when Redis is stopped."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def unreachable_cache(settings):
    settings.CACHES = {
        "default": {
            **settings.CACHES["default"],
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
            "OPTIONS": {**settings.CACHES["default"]["OPTIONS"], "RETRY_AFTER": 0.5},
        }
    }
    reset_circuit_breakers()
    yield cache
    reset_circuit_breakers()


def test_the_cache_stores_in_redis_when_it_answers():
    cache.set("answer", 42)

    assert cache.get("answer") == 42
    assert cache.incr("answer") == 43
    assert cache.is_available


def test_the_kept_redis_client_survives_redis_dropping_its_connections():
    cache.set("answer", 42)
    kept = cache._cache.get_client()
    assert cache._cache.get_client(write=True) is kept  # one client for every call, not one per call

    # What a Redis restart does to the pool's open connections: the next read reconnects instead of failing.
    kept.client_kill_filter(_type="normal", skipme=False)

    assert cache.get("answer") == 42
    assert cache.is_available


def test_reads_are_misses_and_writes_are_skipped_when_redis_is_unreachable(unreachable_cache):
    assert unreachable_cache.get("answer", "défaut") == "défaut"
    assert unreachable_cache.get_many(["a", "b"]) == {}
    assert unreachable_cache.has_key("answer") is False
    assert unreachable_cache.set("answer", 42) is None
    assert unreachable_cache.set_many({"a": 1, "b": 2}) == ["a", "b"]  # Django's "keys not stored"
    assert unreachable_cache.delete("answer") is False
    assert unreachable_cache.get_or_set("answer", 42) == 42
    # A lock taken with add() is granted: allauth's rate limits let the request through instead of waiting.
    assert unreachable_cache.add("lock", True) is True
    with pytest.raises(ValueError):
        unreachable_cache.incr("answer")


def test_after_a_failure_redis_is_left_alone_for_a_while_and_tried_again(unreachable_cache):
    unreachable_cache.get("answer")
    assert not unreachable_cache.is_available

    started = time.monotonic()
    for _ in range(1000):
        unreachable_cache.get("answer")
    assert time.monotonic() - started < 0.5  # no connection attempt while the breaker is open

    time.sleep(0.6)
    assert unreachable_cache.is_available


def test_one_warning_for_a_burst_of_failures(unreachable_cache, caplog):
    with caplog.at_level(logging.WARNING, logger="common.cache"):
        for _ in range(5):
            unreachable_cache.get("answer")
            time.sleep(0.15)  # the breaker reopens twice meanwhile

    warnings = [record for record in caplog.records if record.name == "common.cache"]
    assert len(warnings) == 1
    assert "unreachable" in warnings[0].getMessage()


def test_the_warning_never_shows_the_redis_password(settings, caplog):
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "LOCATION": f"redis://:motdepasse@127.0.0.1:{closed_port()}/0"}
    }
    with caplog.at_level(logging.WARNING, logger="common.cache"):
        assert cache.get("answer") is None

    assert "unreachable" in caplog.text
    assert "motdepasse" not in caplog.text
    reset_circuit_breakers()


def test_a_process_memo_keeps_a_value_for_its_seconds_then_drops_it(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr("common.cache.time.monotonic", lambda: now[0])
    memo = ProcessMemo(seconds=2)
    memo.keep("versions", [3, 4])

    now[0] += 1.9
    assert memo.get("versions") == [3, 4]
    now[0] += 0.1
    assert memo.get("versions") is None and memo._kept == {}  # expired entries do not pile up (a prefix per test)
    memo.keep("versions", [5])
    memo.forget()
    assert memo.get("versions") is None
