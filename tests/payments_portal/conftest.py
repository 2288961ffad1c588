import pytest

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
