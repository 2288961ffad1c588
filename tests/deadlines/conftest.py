"""Dossiers with the data the échéances read: an apprenticeship contract transmitted with its CERFA data (the
hand-checked minor payload of tests/dossiers/cerfa/payloads.py), a skills-plan dossier."""

import datetime

import pytest

from accounts.models import Role
from funding.models import FundingRequest, RequestKind, RequestStatus
from tests.dossiers.cerfa.payloads import minor_payload
from tests.factories import DossierFactory, EstablishmentFactory, MembershipFactory, UserFactory


def apprenticeship_dossier(employer, *, status="submitted", **changes):
    """A transmitted apprenticeship contract of `employer` with its request's data (the minor payload: born
    15 March 2008, contract 1 September 2025 – 31 August 2027), some fields changed."""
    data = {**minor_payload(), "employeur_siret": employer.siret, **changes}
    dossier = DossierFactory(
        apprenticeship=True,
        status=status,
        employer_establishment=employer,
        start_date=datetime.date.fromisoformat(data["contrat_date_debut_execution"]),
        end_date=datetime.date.fromisoformat(data["contrat_date_fin"]),
    )
    FundingRequest.objects.create(
        kind=RequestKind.APPRENTICESHIP,
        status=RequestStatus.SUBMITTED,
        employer_establishment=employer,
        data=data,
        dossier=dossier,
    )
    return dossier


@pytest.fixture
def employer():
    return EstablishmentFactory(postal_code="35000", name="BATIR 35")


@pytest.fixture
def company_member(employer):
    return MembershipFactory(
        role=Role.COMPANY_MANAGER, establishment=employer, user=UserFactory(email="marie@batir35.fr")
    ).user
