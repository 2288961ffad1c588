import pytest
from celery.contrib.testing.worker import start_worker
from django.core.cache import cache

from common.tasks import HEARTBEAT_CACHE_KEY, record_heartbeat
from config.celery import app
from tests.factories import UserFactory


@pytest.fixture
def celery_worker(transactional_db):
    """A real Celery worker, in a thread, consuming from the test Redis broker.

    Transactional: the worker's Django fixup closes database connections when it starts, and it reads what the
    test committed through its own connection.
    """
    app.conf.task_always_eager = False
    with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING", shutdown_timeout=10) as worker:
        yield worker


@pytest.mark.celery_worker
def test_worker_runs_the_heartbeat_through_redis_and_health_reports_it(celery_worker, client):
    client.force_login(UserFactory(staff=True))  # staff see the details of /sante/
    assert cache.get(HEARTBEAT_CACHE_KEY) is None
    before = client.get("/sante/")
    assert before.status_code == 200
    assert before.json()["status"] == "dégradé"
    assert before.json()["celery_heartbeat_age_seconds"] is None

    result = record_heartbeat.delay()
    beat_time = result.get(timeout=20)

    assert cache.get(HEARTBEAT_CACHE_KEY) == pytest.approx(beat_time)
    after = client.get("/sante/")
    assert after.status_code == 200
    assert after.json()["status"] == "ok"
    assert after.json()["celery_heartbeat_age_seconds"] < 5


def test_beat_schedules_the_heartbeat_every_minute():
    schedule = app.conf.beat_schedule["worker-heartbeat"]

    assert schedule["task"] == "common.tasks.record_heartbeat"
    assert schedule["schedule"] == 60.0


def test_the_worker_settings_bring_a_killed_worker_s_tasks_back_within_minutes():
    """Read back from Celery itself: a misspelt CELERY_* setting would be silently ignored."""
    conf = app.conf
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    visibility = conf.broker_transport_options["visibility_timeout"]
    assert visibility == 600  # the Redis transport's default is an hour
    assert conf.task_time_limit < visibility  # a running task is never handed out a second time
    assert conf.task_soft_time_limit < conf.task_time_limit


def test_the_worker_and_beat_retry_the_broker_forever_with_short_timeouts():
    conf = app.conf
    assert conf.broker_connection_retry_on_startup is True
    assert conf.broker_connection_max_retries is None
    assert conf.broker_transport_options["socket_timeout"] <= 10
    assert conf.broker_transport_options["socket_connect_timeout"] <= 5
