# The fixtures of the fault tests: a company manager with a complete CERFA (eGestion funding tests), and the real
# Celery worker of the heartbeat test.
from tests.common.test_celery import celery_worker  # noqa: F401
from tests.egestion_funding.conftest import (  # noqa: F401
    company,
    complete_draft,
    draft,
    establishment,
    logged_in,
    referentials,
    user,
)
