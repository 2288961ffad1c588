import time

import pytest
from django.core.cache import cache

from common import health
from common.tasks import HEARTBEAT_CACHE_KEY
from tests.factories import UserFactory

TOKEN = "jeton-de-supervision-interne"


@pytest.fixture
def worker_alive():
    cache.set(HEARTBEAT_CACHE_KEY, time.time() - 30, timeout=None)


@pytest.fixture
def health_token(settings):
    settings.HEALTH_TOKEN = TOKEN


def test_anyone_gets_only_the_word_ok(client, worker_alive):
    response = client.get("/sante/")

    assert response.status_code == 200  # public: no redirect to a login page
    assert response.json() == {"status": "ok"}


def test_health_is_never_cached(client):
    response = client.get("/sante/")

    assert "no-cache" in response["Cache-Control"]


def test_staff_see_each_component_and_the_heartbeat_age(client, worker_alive):
    client.force_login(UserFactory(staff=True))

    body = client.get("/sante/").json()

    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["redis"] == "ok"
    assert body["worker"] == "ok"
    assert 29 <= body["celery_heartbeat_age_seconds"] <= 35


def test_a_probe_with_the_internal_token_sees_the_details(client, worker_alive, health_token):
    body = client.get("/sante/", headers={"X-Health-Token": TOKEN}).json()

    assert body["database"] == "ok"
    assert body["worker"] == "ok"


def test_a_wrong_token_or_a_portal_user_sees_no_details(client, worker_alive, health_token):
    assert client.get("/sante/", headers={"X-Health-Token": "devine"}).json() == {"status": "ok"}

    client.force_login(UserFactory())
    assert client.get("/sante/").json() == {"status": "ok"}


def test_no_token_configured_means_no_detail_even_for_an_empty_header(client, worker_alive, settings):
    settings.HEALTH_TOKEN = ""

    assert client.get("/sante/", headers={"X-Health-Token": ""}).json() == {"status": "ok"}


def test_a_silent_worker_makes_the_portal_degraded_not_unavailable(client, health_token, settings):
    cache.set(HEARTBEAT_CACHE_KEY, time.time() - settings.HEALTH_HEARTBEAT_MAX_AGE - 60, timeout=None)

    response = client.get("/sante/", headers={"X-Health-Token": TOKEN})

    assert response.status_code == 200  # pages are still served
    assert response.json()["status"] == "dégradé"
    assert response.json()["worker"].startswith("error: last heartbeat")
    assert client.get("/sante/").json() == {"status": "dégradé"}


def test_no_heartbeat_yet_is_degraded(client, health_token):
    body = client.get("/sante/", headers={"X-Health-Token": TOKEN}).json()

    assert body["status"] == "dégradé"
    assert body["worker"] == "error: no heartbeat"
    assert body["celery_heartbeat_age_seconds"] is None


def test_database_down_answers_503_unavailable(client, worker_alive, health_token, monkeypatch):
    def database_down():
        raise ConnectionError("connection refused")

    monkeypatch.setattr(health, "check_database", database_down)

    response = client.get("/sante/", headers={"X-Health-Token": TOKEN})

    assert response.status_code == 503
    assert response.json()["status"] == "indisponible"
    assert response.json()["database"] == "error: ConnectionError"
    assert client.get("/sante/").json() == {"status": "indisponible"}
