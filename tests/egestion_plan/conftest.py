import pytest

from accounts.models import Role
from tests.factories import CompanyFactory, EstablishmentFactory, MembershipFactory, PersonFactory, UserFactory

from .utils import plan_draft


@pytest.fixture
def company():
    return CompanyFactory(name="BATI OUEST")


@pytest.fixture
def establishment(company):
    return EstablishmentFactory(organisation=company, name="BATI OUEST RENNES")


@pytest.fixture
def user(establishment):
    user = UserFactory(email="paul.lemoine@bati-ouest.fr", first_name="Paul", last_name="Lemoine")
    MembershipFactory(user=user, establishment=establishment, role=Role.COMPANY_MANAGER)
    return user


@pytest.fixture
def logged_in(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def draft(user, establishment):
    return plan_draft(user, establishment)


@pytest.fixture
def other_company():
    """Another company: its establishment, user, person and plan draft."""
    establishment = EstablishmentFactory()
    other_user = UserFactory(email="quelquun@ailleurs.fr")
    MembershipFactory(user=other_user, establishment=establishment, role=Role.COMPANY_MANAGER)
    person = PersonFactory(organisation=establishment.organisation, last_name="Ailleurs")
    return {
        "establishment": establishment,
        "user": other_user,
        "person": person,
        "draft": plan_draft(other_user, establishment),
    }
