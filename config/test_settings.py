"""Settings for the test suite: the same PostgreSQL and Redis as development, kept apart from its data."""

import os
from urllib.parse import urlsplit, urlunsplit

from config.settings import *  # noqa: F403
from config.settings import CACHE_OPTIONS, LOCAL_DIR, TEMPLATES, env_str
from config.undefined_variables import FAIL_ON_UNDEFINED


def redis_database_of_worker(url: str, worker: str) -> str:
    """`redis://host:port/1` for the worker gw0 becomes `/2`, gw1 `/3`...: one Redis database per xdist worker."""
    parts = urlsplit(url)
    database = int(parts.path.lstrip("/") or 0) + 1 + int(worker.removeprefix("gw"))
    return urlunsplit(parts._replace(path=f"/{database}"))


# Tests get their own Redis database and cache prefix so that a running `make run` is never disturbed. Under
# pytest-xdist (`pytest -n 2`) each worker has a Redis database of its own: the Celery worker a test starts never
# takes the tasks of the other pytest worker. The URL goes back to the environment (once) for the processes a
# test starts with these settings.
REDIS_URL = env_str("TEST_REDIS_URL", "redis://127.0.0.1:6380/1")
# The address in emails, whatever port `make run` last wrote into .local/env: the tests read links with it.
SITE_URL = "http://127.0.0.1:8000"
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if XDIST_WORKER and not os.environ.get("TEST_REDIS_URL_OF_WORKER"):
    REDIS_URL = os.environ["TEST_REDIS_URL"] = os.environ["TEST_REDIS_URL_OF_WORKER"] = redis_database_of_worker(
        REDIS_URL, XDIST_WORKER
    )
CACHES = {
    "default": {
        "BACKEND": "common.cache.ResilientRedisCache",
        "LOCATION": REDIS_URL,
        # tests/conftest.py gives each test a prefix of its own (cache.clear() would empty the whole database);
        # a process the test starts (a Celery worker) gets it from the environment.
        "KEY_PREFIX": env_str("TEST_CACHE_KEY_PREFIX", "constructys-test"),
        # A loaded test machine may answer slowly: only the fault tests (tests/reliability) shorten the timeouts.
        "OPTIONS": {**CACHE_OPTIONS, "socket_connect_timeout": 5, "socket_timeout": 5},
    }
}
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL

# A template of the project that prints an undefined variable fails the test (config/undefined_variables.py).
TEMPLATES = [
    {**engine, "OPTIONS": {**engine["OPTIONS"], "string_if_invalid": FAIL_ON_UNDEFINED}} for engine in TEMPLATES
]

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = LOCAL_DIR / "test-media" / (XDIST_WORKER or "main")
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT, "base_url": None},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Emails leave the outbox in the test's process once their transaction commits, so django.core.mail.outbox fills.
OUTBOX_DELIVERY = "inline"
