"""Settings for the test suite: the same PostgreSQL and Redis as development, kept apart from its data."""

from config.settings import *  # noqa: F403
from config.settings import CACHE_OPTIONS, LOCAL_DIR, env_str

# Tests get their own Redis database and cache prefix so that a running `make run` is never disturbed.
REDIS_URL = env_str("TEST_REDIS_URL", "redis://127.0.0.1:6380/1")
CACHES = {
    "default": {
        "BACKEND": "common.cache.ResilientRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "constructys-test",
        # A loaded test machine may answer slowly: only the fault tests (tests/reliability) shorten the timeouts.
        "OPTIONS": {**CACHE_OPTIONS, "socket_connect_timeout": 5, "socket_timeout": 5},
    }
}
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = LOCAL_DIR / "test-media"
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
