# The fixtures of the fault tests: a company manager with a complete CERFA (eGestion funding tests).
from tests.egestion.requests.conftest import (  # noqa: F401
    company,
    complete_draft,
    draft,
    establishment,
    logged_in,
    referentials,
    user,
)
