"""An accepted apprenticeship contract of the company manager's establishment, trained by a CFA with a référent."""

import datetime

import pytest

from accounts.models import Role
from dossiers.models import Scheme
from tests.factories import DossierFactory, MembershipFactory, ProviderEstablishmentFactory
from tests.funding.conftest import (  # noqa: F401  (a transmitted contract's fixtures, for the avenants)
    complete_request,
    draft,
    establishment,
    membership,
    sample_referentials,
    user,
)

START = datetime.date(2026, 9, 1)
END = datetime.date(2028, 8, 31)


@pytest.fixture
def cfa_referent():
    return MembershipFactory(
        role=Role.PROVIDER_REFERENT,
        establishment=ProviderEstablishmentFactory(cfa=True, name="CFA DU BATIMENT"),
        user__email="referent@cfa-batiment.fr",
    ).user


@pytest.fixture
def contract(company_manager, cfa_referent):
    return DossierFactory(
        scheme=Scheme.ALTE,
        title="MACON (CAP)",
        accepted=True,
        start_date=START,
        end_date=END,
        employer_establishment=company_manager.memberships.get().establishment,
        provider_establishment=cfa_referent.memberships.get().establishment,
    )
