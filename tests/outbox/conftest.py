# The real Celery worker (threaded, on the test Redis) of the heartbeat test.
from tests.common.test_celery import celery_worker  # noqa: F401
