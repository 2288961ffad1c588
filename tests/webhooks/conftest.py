import pytest

from tests.webhooks.receiver import Receiver


@pytest.fixture
def local_webhooks(settings):
    """Endpoints on this machine (http://127.0.0.1) are allowed, and retries come after seconds, not minutes."""
    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = True
    settings.WEBHOOKS_RETRY_BASE_SECONDS = 1
    settings.WEBHOOKS_RETRY_MAX_SECONDS = 4
    settings.WEBHOOKS_DELIVERY = "sweeper"  # tests that want a worker say so
    return settings


@pytest.fixture
def receiver():
    started = Receiver().start()
    yield started
    started.stop()


# The real Celery worker (threaded, on the test Redis) of the heartbeat test, for the integration tests.
from tests.common.test_celery import celery_worker  # noqa: E402, F401
