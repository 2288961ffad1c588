import pytest

from accounts.models import Role
from tests.factories import CompanyFactory, EstablishmentFactory, MembershipFactory, UserFactory


@pytest.fixture
def company():
    """A member company with two establishments and no eGestion account yet."""
    organisation = CompanyFactory(name="BATIR ENSEMBLE", member_number="123456", contact_email="contact@batir.fr")
    EstablishmentFactory(organisation=organisation, name="BATIR ENSEMBLE", city="LYON", postal_code="69003")
    EstablishmentFactory(organisation=organisation, name="BATIR ENSEMBLE AGENCE", city="ANNECY", postal_code="74000")
    return organisation


@pytest.fixture
def establishments(company):
    return list(company.establishments.order_by("name"))


@pytest.fixture
def manager(company, establishments):
    user = UserFactory(email="marie.petit@batir-ensemble.fr", first_name="Marie", last_name="Petit")
    for establishment in establishments:
        MembershipFactory(user=user, establishment=establishment, role=Role.COMPANY_MANAGER)
    return user


@pytest.fixture
def colleague(establishments):
    """An active user of the company who sees its first establishment."""
    user = UserFactory(email="paul.martin@batir-ensemble.fr", first_name="Paul", last_name="Martin")
    MembershipFactory(user=user, establishment=establishments[0], role=Role.COMPANY_USER)
    return user


@pytest.fixture
def other_company_user():
    """A user of another company, with its own manager."""
    establishment = EstablishmentFactory()
    MembershipFactory(establishment=establishment, role=Role.COMPANY_MANAGER)
    user = UserFactory(email="someone@ailleurs.fr")
    MembershipFactory(user=user, establishment=establishment, role=Role.COMPANY_USER)
    return user
