from common import health


def test_health_reports_database_and_redis_up(client):
    response = client.get("/sante/")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["redis"] == "ok"


def test_health_is_public_and_never_cached(client):
    response = client.get("/sante/")

    assert response.status_code == 200  # no redirect to a login page
    assert "no-cache" in response["Cache-Control"]


def test_health_answers_503_and_names_the_service_when_redis_is_down(client, monkeypatch):
    def redis_down():
        raise ConnectionError("connection refused")

    monkeypatch.setattr(health, "check_redis", redis_down)

    response = client.get("/sante/")

    assert response.status_code == 503
    assert response.json()["redis"] == "error: ConnectionError"
    assert response.json()["database"] == "ok"
