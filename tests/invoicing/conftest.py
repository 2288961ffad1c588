import pytest

from accounts.models import Role
from tests.factories import MembershipFactory, ProviderEstablishmentFactory
from tests.invoicing.helpers import on_today


@pytest.fixture(autouse=True)
def _on_today():
    with on_today():
        yield


@pytest.fixture
def cfa_user():
    """A référent of a CFA establishment in oGestion."""
    return MembershipFactory(role=Role.PROVIDER_REFERENT, establishment=ProviderEstablishmentFactory(cfa=True)).user
