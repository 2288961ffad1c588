"""A small world for the API tests: a company with two establishments (keys may cover one), another company, a CFA;
dossiers, a message, a payment and a document on each side; `api_key()` makes a key and `call()` uses it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Portal, Role
from api import keys

# The wizard tests' company, establishment, manager and sample referentials, for the drafts and proposals tests.
from tests.egestion.requests.conftest import company, establishment, referentials, user  # noqa: F401
from tests.factories import (
    CompanyFactory,
    DocumentFactory,
    DossierFactory,
    EstablishmentFactory,
    MembershipFactory,
    MessageFactory,
    PaymentFactory,
    PaymentLineFactory,
    ProviderEstablishmentFactory,
    ProviderFactory,
    UserFactory,
)


@pytest.fixture
def world():
    company = CompanyFactory(name="MACONNERIE API")  # noqa: F811 (not the fixture)
    rennes = EstablishmentFactory(organisation=company, name="MACONNERIE API RENNES", city="RENNES")
    brest = EstablishmentFactory(organisation=company, name="MACONNERIE API BREST", city="BREST")
    manager = UserFactory(email="gestion@maconnerie-api.fr", first_name="Anne", last_name="Gestion")
    for place in (rennes, brest):
        MembershipFactory(user=manager, establishment=place, role=Role.COMPANY_MANAGER)
    provider = ProviderFactory(name="CFA API")
    cfa = ProviderEstablishmentFactory(organisation=provider, name="CFA API", cfa=True)
    referent = UserFactory(email="referent@cfa-api.fr")
    MembershipFactory(user=referent, establishment=cfa, role=Role.PROVIDER_REFERENT)

    other = EstablishmentFactory(name="AUTRE ENTREPRISE")
    other_manager = UserFactory(email="gestion@autre.fr")
    MembershipFactory(user=other_manager, establishment=other, role=Role.COMPANY_MANAGER)

    rennes_dossier = DossierFactory(employer_establishment=rennes, provider_establishment=cfa, title="MACON RENNES")
    brest_dossier = DossierFactory(employer_establishment=brest, title="MACON BREST")
    other_dossier = DossierFactory(employer_establishment=other, title="AUTRE")
    message = MessageFactory(dossier=rennes_dossier, title="Votre dossier est complet")
    other_message = MessageFactory(dossier=other_dossier)
    document = DocumentFactory(dossier=rennes_dossier)
    other_document = DocumentFactory(dossier=other_dossier)
    payment = PaymentFactory(
        beneficiary=rennes, remittance_advice=DocumentFactory(remittance_advice=True, establishment=rennes)
    )
    PaymentLineFactory(payment=payment, dossier=rennes_dossier)
    other_payment = PaymentFactory(beneficiary=other)
    return {
        "company": company,
        "rennes": rennes,
        "brest": brest,
        "manager": manager,
        "cfa": cfa,
        "referent": referent,
        "other": other,
        "other_manager": other_manager,
        "rennes_dossier": rennes_dossier,
        "brest_dossier": brest_dossier,
        "other_dossier": other_dossier,
        "message": message,
        "other_message": other_message,
        "document": document,
        "other_document": other_document,
        "payment": payment,
        "other_payment": other_payment,
    }


def make_key(user, portal, establishments, *, scope="write", days=30):  # noqa: F811
    allowed = list(establishments)
    return keys.create_key(
        user=user,
        portal=portal,
        name="Logiciel de paie",
        scope=scope,
        establishments=allowed,
        expires_on=timezone.localdate() + timedelta(days=days),
        allowed_establishments=allowed,
    )


@pytest.fixture
def company_key(world):
    return make_key(world["manager"], Portal.EGESTION, [world["rennes"], world["brest"]])


@pytest.fixture
def other_key(world):
    return make_key(world["other_manager"], Portal.EGESTION, [world["other"]])


@pytest.fixture
def provider_key(world):
    return make_key(world["referent"], Portal.OGESTION, [world["cfa"]])


class Caller:
    def __init__(self, client, secret):
        self.client = client
        self.secret = secret

    def _headers(self):
        return {"HTTP_AUTHORIZATION": f"Bearer {self.secret}"} if self.secret else {}

    def get(self, url, params=None):
        return self.client.get(url, params or {}, **self._headers())

    def post(self, url, data=None, **extra):
        if extra.get("multipart"):
            return self.client.post(url, data or {}, **self._headers())
        return self.client.post(url, data or {}, content_type="application/json", **self._headers())

    def patch(self, url, data):
        return self.client.patch(url, data, content_type="application/json", **self._headers())


@pytest.fixture
def call(client):
    def make(new_key):
        return Caller(client, new_key.secret if hasattr(new_key, "secret") else new_key)

    return make
