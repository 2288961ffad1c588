import pytest

from accounts.models import Role
from tests.egestion.requests.conftest import company, establishment, logged_in, user  # noqa: F401  (shared fixtures)
from tests.factories import EstablishmentFactory, MembershipFactory, PersonFactory, UserFactory

from .utils import plan_draft


@pytest.fixture
def draft(user, establishment):  # noqa: F811
    return plan_draft(user, establishment)


@pytest.fixture
def other_company():
    """Another company: its establishment, user, person and plan draft."""
    establishment = EstablishmentFactory()  # noqa: F811
    other_user = UserFactory(email="quelquun@ailleurs.fr")
    MembershipFactory(user=other_user, establishment=establishment, role=Role.COMPANY_MANAGER)
    person = PersonFactory(organisation=establishment.organisation, last_name="Ailleurs")
    return {
        "establishment": establishment,
        "user": other_user,
        "person": person,
        "draft": plan_draft(other_user, establishment),
    }
