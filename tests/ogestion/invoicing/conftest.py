"""The invoicing tests' fixtures (a CFA référent)."""

from tests.invoicing.conftest import cfa_user  # noqa: F401
