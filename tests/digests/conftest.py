import datetime
import zoneinfo

import pytest

from accounts.models import Role
from tests.factories import (
    DossierFactory,
    EnrolmentFactory,
    MembershipFactory,
    ProviderEstablishmentFactory,
    UserFactory,
)

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def paris(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=PARIS)


# Scheduled slots (Monday and Thursday, 07:00 in Paris) around the tests' week.
THURSDAY = paris(2026, 12, 3, 7, 0)
MONDAY = paris(2026, 12, 7, 7, 0)
NEXT_THURSDAY = paris(2026, 12, 10, 7, 0)
# Between the Thursday and the Monday runs: what the Monday digest covers.
SATURDAY = paris(2026, 12, 5, 10, 30)


@pytest.fixture
def company_user():
    return MembershipFactory(
        role=Role.COMPANY_MANAGER, user=UserFactory(first_name="Marie", email="marie.petit@batir.fr")
    ).user


@pytest.fixture
def establishment(company_user):
    return company_user.memberships.get().establishment


@pytest.fixture
def provider_establishment():
    return ProviderEstablishmentFactory(name="INEO DIGITAL")


@pytest.fixture
def provider_user(provider_establishment):
    return MembershipFactory(
        role=Role.PROVIDER_USER, establishment=provider_establishment, user=UserFactory(email="of@ineo.fr")
    ).user


@pytest.fixture
def dossier(establishment, provider_establishment):
    dossier = DossierFactory(
        number="3119000013.01",
        employer_establishment=establishment,
        provider_establishment=provider_establishment,
        title="Chef de projet digital",
        start_date=datetime.date(2026, 6, 10),
        end_date=datetime.date(2027, 10, 1),
    )
    EnrolmentFactory(dossier=dossier, person__first_name="Rémi", person__last_name="Ndombele")
    return dossier


# The real Celery worker (threaded, on the test Redis) of the heartbeat test, for the integration test.
from tests.common.test_celery import celery_worker  # noqa: E402, F401
