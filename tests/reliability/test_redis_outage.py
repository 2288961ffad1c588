"""Redis stopped for real: pages, logins and /sante/ keep working on PostgreSQL alone, the cache comes back by
itself, and a real Celery worker reconnects and runs the tasks published after the outage.

Each test runs its own redis-server on a spare port (the shared test Redis is never stopped) and points the cache
(and, for the worker, the broker) at it.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from celery import Celery
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import connection

from accounts.middleware import CURRENT_VERSIONS_CACHE_KEY, PROCESS_SECONDS
from accounts.models import Role
from common.cache import reset_circuit_breakers
from common.tasks import HEARTBEAT_CACHE_KEY, record_heartbeat
from tests.digests.test_celery_integration import wait_for
from tests.factories import DEFAULT_PASSWORD, MembershipFactory, ProviderEstablishmentFactory, UserFactory
from tests.invoicing.helpers import apprenticeship

ROOT = Path(__file__).resolve().parents[2]
RETRY_AFTER = 1  # seconds without trying Redis after a failure, shortened so the tests can watch it come back
# A page that needed Redis took seconds with the default timeouts; without it, it is a normal page.
PAGE_SECONDS = 3.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """A redis-server owned by one test: start, stop (as a crash or a restart would), freeze (a hanging Redis)."""

    def __init__(self, directory: Path):
        self.port = free_port()
        self.directory = directory
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no"],
            cwd=self.directory,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=0.2)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def freeze(self):
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self):
        self.process.send_signal(signal.SIGCONT)

    def client(self) -> redis.Redis:
        return redis.Redis(port=self.port, socket_timeout=2)


@pytest.fixture
def own_redis(tmp_path, settings):
    """A Redis of the test's own, used by the cache (short timeouts, as in production)."""
    server = RedisServer(tmp_path)
    server.start()
    settings.CACHES = {
        "default": {
            **settings.CACHES["default"],
            "LOCATION": server.url,
            "OPTIONS": {**django_settings.CACHE_OPTIONS, "RETRY_AFTER": RETRY_AFTER},
        }
    }
    reset_circuit_breakers()
    yield server
    if server.process.poll() is None:
        server.thaw()  # a frozen process ignores everything but SIGKILL; thaw it anyway to leave nothing odd
    server.stop()
    reset_circuit_breakers()


@pytest.fixture
def company_user():
    user = UserFactory(email="marie.petit@batir-sud.fr")
    MembershipFactory(user=user, role=Role.COMPANY_MANAGER)
    return user


def timed_get(client, url):
    started = time.monotonic()
    response = client.get(url)
    return response, time.monotonic() - started


def test_egestion_pages_are_served_while_redis_is_down(client, own_redis, company_user):
    client.force_login(company_user)
    own_redis.stop()

    for url in ("/egestion/", "/egestion/dossiers/", "/egestion/mon-compte/"):
        response, seconds = timed_get(client, url)
        assert response.status_code == 200, url
        assert seconds < PAGE_SECONDS, (url, seconds)


def test_the_api_answers_without_its_rate_limit_while_redis_is_down(client, own_redis, company_manager, settings):
    """The per-key counter lives in Redis: without it the limit is not applied rather than every call refused."""
    from datetime import timedelta

    from django.utils import timezone

    from api.keys import create_key

    establishments = [company_manager.memberships.get().establishment]
    secret = create_key(
        user=company_manager,
        portal="egestion",
        name="Paie",
        scope="read",
        establishments=establishments,
        expires_on=timezone.localdate() + timedelta(days=30),
        allowed_establishments=establishments,
    ).secret
    settings.API_RATE_LIMIT_PER_MINUTE = 1
    own_redis.stop()
    for _ in range(3):
        started = time.monotonic()
        response = client.get("/api/v1/dossiers", HTTP_AUTHORIZATION=f"Bearer {secret}")
        assert response.status_code == 200
        assert time.monotonic() - started < PAGE_SECONDS


def test_consent_is_still_asked_from_the_database_while_redis_is_down(client, own_redis):
    newcomer = UserFactory(consented=False)
    MembershipFactory(user=newcomer, role=Role.COMPANY_MANAGER)
    client.force_login(newcomer)
    own_redis.stop()

    response = client.get("/egestion/dossiers/")

    assert response.status_code == 302
    assert response["Location"].startswith("/comptes/conditions/")


def test_login_works_while_redis_is_down(client, own_redis, company_user):
    own_redis.stop()

    response = client.post("/egestion/connexion/", {"login": company_user.email, "password": DEFAULT_PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/egestion/"
    assert client.get("/egestion/").status_code == 200


def test_health_says_degraded_and_names_redis(client, own_redis, settings):
    settings.HEALTH_TOKEN = "jeton"
    own_redis.stop()

    public = client.get("/sante/")
    details = client.get("/sante/", headers={"X-Health-Token": "jeton"})

    assert public.status_code == 200
    assert public.json() == {"status": "dégradé"}
    assert details.json()["database"] == "ok"
    assert details.json()["redis"].startswith("error: ")
    assert details.json()["worker"] == "error: unknown (Redis unreachable)"


def test_the_heartbeat_task_does_not_fail_while_the_cache_is_down(own_redis):
    own_redis.stop()

    assert record_heartbeat() == pytest.approx(time.time(), abs=5)


def test_the_cache_is_used_again_once_redis_is_back(client, own_redis, company_user):
    client.force_login(company_user)
    own_redis.stop()
    assert client.get("/egestion/").status_code == 200
    assert cache.get(CURRENT_VERSIONS_CACHE_KEY) is None

    own_redis.start()  # an empty Redis, as after a restart without persistence
    # The breaker tries again after RETRY_AFTER; what the worker kept in memory meanwhile lives PROCESS_SECONDS.
    time.sleep(max(RETRY_AFTER, PROCESS_SECONDS) + 0.2)

    assert client.get("/egestion/").status_code == 200
    # The consent check cached the versions in force again: the next pages cost no consent query.
    assert cache.get(CURRENT_VERSIONS_CACHE_KEY) is not None
    assert list(own_redis.client().scan_iter(match="*consent-versions*"))


def test_a_hanging_redis_costs_one_short_timeout_not_one_per_cache_call(client, own_redis, company_user):
    client.force_login(company_user)
    client.get("/egestion/")  # connections opened while Redis answers
    usual = max(timed_get(client, "/egestion/")[1] for _ in range(2))
    own_redis.freeze()

    timings = [timed_get(client, "/egestion/") for _ in range(3)]

    assert [response.status_code for response, _ in timings] == [200, 200, 200]
    # The first page waits for one socket timeout (0.5 s); the next ones do not even try Redis (circuit breaker),
    # where each would otherwise wait for two (the consent check reads, then writes, the cache).
    assert timings[0][1] < PAGE_SECONDS
    assert all(seconds < usual + 0.45 for _, seconds in timings[1:]), (usual, timings)
    own_redis.thaw()


# --- A real worker, in its own process, through a Redis restart ---------------------------------------------


@pytest.fixture
def worker_process(own_redis, tmp_path):
    """`celery worker` as `make run` starts it (prefork pool), with the test settings and the test's own Redis."""
    log = tmp_path / "worker.log"
    db = connection.settings_dict  # the test database, not the development one
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.test_settings",
        "TEST_REDIS_URL": own_redis.url,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
    }
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--loglevel=INFO", "--concurrency=1"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    yield process, log
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture
def publisher(own_redis):
    """What the web server does: publish tasks to the broker (a Celery client of the same Redis)."""
    app = Celery("publisher", broker=own_redis.url, backend=own_redis.url)
    app.conf.update(
        broker_transport_options=django_settings.CELERY_BROKER_TRANSPORT_OPTIONS,
        broker_connection_retry_on_startup=True,
    )
    yield app
    app.close()


@pytest.mark.celery_worker
def test_the_worker_reconnects_after_a_redis_outage_and_runs_new_tasks(own_redis, worker_process, publisher):
    process, log = worker_process
    first = publisher.send_task("common.tasks.record_heartbeat")
    assert first.get(timeout=60), log.read_text()

    own_redis.stop()
    assert wait_for(lambda: "Connection to broker lost" in log.read_text(), timeout=20), log.read_text()
    time.sleep(5)
    own_redis.start()  # empty: queues, bindings and results are gone, as after a restart without persistence
    restarted_at = time.monotonic()

    after = publisher.send_task("common.tasks.record_heartbeat")
    beat_time = after.get(timeout=90)

    assert process.poll() is None, log.read_text()  # the same worker, still alive
    assert beat_time > first.get(timeout=5)
    assert cache.get(HEARTBEAT_CACHE_KEY) == pytest.approx(beat_time)
    print(f"task run {time.monotonic() - restarted_at:.1f} s after Redis came back")


def test_the_money_view_of_the_ogestion_home_is_computed_while_redis_is_down(client, own_redis):
    referent = MembershipFactory(role=Role.PROVIDER_REFERENT, establishment=ProviderEstablishmentFactory(cfa=True)).user
    apprenticeship(referent)
    client.force_login(referent)
    own_redis.stop()

    response, seconds = timed_get(client, "/ogestion/")
    page = response.content.decode()
    assert response.status_code == 200 and seconds < PAGE_SECONDS
    assert "Mon tableau de bord financier" in page and "3\u00a0200,00&nbsp;€" in page  # à facturer ce mois
