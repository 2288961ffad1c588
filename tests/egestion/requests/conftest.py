import pytest
from django.core.management import call_command

from accounts.models import Role
from funding import services
from funding.apprenticeship import initial_draft_data
from tests.factories import CompanyFactory, EstablishmentFactory, MembershipFactory, PersonFactory, UserFactory

from .utils import apprentice_of, valid_data


@pytest.fixture
def company():
    return CompanyFactory(name="MACONNERIE DURAND")


@pytest.fixture
def establishment(company):
    return EstablishmentFactory(
        organisation=company,
        name="MACONNERIE DURAND",
        address_line1="12 bis rue des Tanneurs",
        address_line2="",
        postal_code="35000",
        city="RENNES",
    )


@pytest.fixture
def user(establishment):
    user = UserFactory(email="claire.durand@maconnerie-durand.fr", first_name="Claire", last_name="Durand")
    MembershipFactory(user=user, establishment=establishment, role=Role.COMPANY_MANAGER)
    return user


@pytest.fixture
def logged_in(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def draft(user, establishment):
    return services.create_draft(user=user, establishment=establishment, initial_data=initial_draft_data(establishment))


@pytest.fixture
def apprentice(company):
    return apprentice_of(company, job_title="Apprenti maçon")


@pytest.fixture
def other_company():
    """Another company, its user, establishment, person and draft."""
    establishment = EstablishmentFactory()
    other_user = UserFactory(email="someone@ailleurs.fr")
    MembershipFactory(user=other_user, establishment=establishment, role=Role.COMPANY_MANAGER)
    person = PersonFactory(organisation=establishment.organisation, last_name="Ailleurs")
    other_draft = services.create_draft(
        user=other_user, establishment=establishment, initial_data=initial_draft_data(establishment)
    )
    return {"establishment": establishment, "user": other_user, "person": person, "draft": other_draft}


@pytest.fixture
def referentials():
    call_command("load_referentials", "--sample", verbosity=0)


@pytest.fixture
def complete_draft(draft, referentials):
    """A draft whose data is a complete, valid CERFA (every step saved once)."""
    return services.save_draft(draft, valid_data(draft.employer_establishment))
