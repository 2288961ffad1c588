import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from tests.factories import EstablishmentFactory, MembershipFactory, ProviderEstablishmentFactory


@pytest.fixture
def provider_establishment():
    return ProviderEstablishmentFactory(
        name="CHAMBRE DE METIERS ET DE L'ARTISANAT OCCITANIE", postal_code="31240", city="SAINT JEAN"
    )


@pytest.fixture
def referent(provider_establishment):
    return MembershipFactory(establishment=provider_establishment, role=Role.PROVIDER_REFERENT).user


@pytest.fixture
def provider_user(provider_establishment):
    return MembershipFactory(establishment=provider_establishment, role=Role.PROVIDER_USER).user


@pytest.fixture
def company_establishment():
    return EstablishmentFactory(with_bank_details=True)


@pytest.fixture
def company_user(company_establishment):
    return MembershipFactory(establishment=company_establishment, role=Role.COMPANY_MANAGER).user


def count_queries(client, url, params=None):
    """Queries of one request, once the session's first-request work (consents cache...) is done."""
    client.get(url, params or {})
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(context.captured_queries)
