import pytest

from accounts.models import Role
from tests.factories import (
    DocumentFactory,
    DossierFactory,
    EnrolmentFactory,
    MembershipFactory,
    MessageFactory,
    PaymentFactory,
    PaymentLineFactory,
    ProviderEstablishmentFactory,
)


@pytest.fixture
def company_user():
    return MembershipFactory(role=Role.COMPANY_MANAGER).user


@pytest.fixture
def establishment(company_user):
    return company_user.memberships.get().establishment


@pytest.fixture
def provider_establishment():
    return ProviderEstablishmentFactory(name="CFA DU BATIMENT TOULOUSE")


@pytest.fixture
def provider_user(provider_establishment):
    return MembershipFactory(role=Role.PROVIDER_REFERENT, establishment=provider_establishment).user


@pytest.fixture
def dossier(establishment, provider_establishment):
    """A dossier of the company, trained by the provider, with one of everything."""
    dossier = DossierFactory(
        number="99301234.01",
        employer_establishment=establishment,
        provider_establishment=provider_establishment,
        title="HABILITATION ELECTRIQUE",
        scheme="PLAN",  # fixed: the factory's cycle of trainings depends on the tests run before
    )
    EnrolmentFactory(dossier=dossier, person__last_name="Lefebvre", person__first_name="Julien")
    DocumentFactory(dossier=dossier, name="Accord de prise en charge.pdf")
    DocumentFactory(dossier=dossier, received=True)
    MessageFactory(dossier=dossier, title="Pièce manquante", body="Merci de nous envoyer la convention signée.")
    payment = PaymentFactory(beneficiary=provider_establishment)
    PaymentLineFactory(payment=payment, dossier=dossier)
    return dossier


@pytest.fixture
def outsider():
    """A user of another organisation, in both portals."""
    membership = MembershipFactory(role=Role.COMPANY_MANAGER)
    MembershipFactory(user=membership.user, role=Role.PROVIDER_REFERENT)
    return membership.user
