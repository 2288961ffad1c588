"""Every place that emits an event, in the transaction of its change: which organisations get it (the dossier's
employer and training provider, the company alone for its messages, the beneficiary of a payment, the CFA for its
invoices) and never another's; nothing when nobody listens or when the change rolls back."""

import datetime
from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Portal, Role
from backoffice import instruction
from common.uploads import check_upload
from dossiers.models import DossierStatus
from funding import avenants, ruptures
from funding import services as funding_services
from funding.models import RequestDocumentKind
from invoicing import services as invoicing
from messaging import services as messaging
from tests.contract_changes.conftest import cfa_referent, contract  # noqa: F401  (fixtures)
from tests.contract_changes.test_avenants import CONTRACT_NUMBER, NEW_MAITRE, accepted, signed, start  # noqa: F401
from tests.factories import (
    TINY_PDF,
    CompanyFactory,
    DossierFactory,
    EstablishmentFactory,
    MembershipFactory,
    ProviderEstablishmentFactory,
    minimal_pdf,
)
from tests.funding.conftest import complete_request, draft, establishment, membership, sample_referentials, user  # noqa: F401
from tests.invoicing.helpers import advance, apprenticeship, pdf
from tests.webhooks.helpers import ALL_EVENTS, administrator_of, listen
from webhooks import events, services
from webhooks.models import EventType, WebhookEndpoint, WebhookEvent

pytestmark = pytest.mark.django_db


def received(organisation) -> list[tuple[str, dict]]:
    return [
        (event.type, event.payload)
        for event in WebhookEvent.objects.filter(organisation=organisation).order_by("created_at", "id")
    ]


def types(organisation) -> list[str]:
    return [event_type for event_type, _ in received(organisation)]


@pytest.fixture
def dossier():
    return DossierFactory(
        number="3119000013.01",
        title="Chef de chantier",
        status=DossierStatus.SUBMITTED,
        start_date=datetime.date(2026, 9, 1),
        end_date=datetime.date(2027, 6, 30),
        agreed_amount="4500.00",
        provider_establishment=ProviderEstablishmentFactory(cfa=True),
    )


@pytest.fixture
def parties(dossier):
    """The employer's and the provider's organisations, each listening to everything, and a stranger too."""
    company = dossier.employer_establishment.organisation
    provider = dossier.provider_establishment.organisation
    stranger = EstablishmentFactory(organisation=CompanyFactory()).organisation
    for organisation in (company, provider, stranger):
        listen(organisation)
    return company, provider, stranger


def test_a_status_change_reaches_the_employer_and_the_provider_and_nobody_else(dossier, parties, case_manager):
    company, provider, stranger = parties

    instruction.mark_received(dossier, case_manager)

    [(event_type, payload)] = [event for event in received(company) if event[0] == "dossier.status_changed"]
    assert payload["from_status"] == "submitted" and payload["to_status"] == "received"
    assert payload["to_status_label"] == "Reçu"
    assert payload["dossier"]["number"] == "3119000013.01" and payload["dossier"]["title"] == "Chef de chantier"
    assert payload["dossier"]["start_date"] == "2026-09-01" and payload["dossier"]["agreed_amount"] == "4500.00"
    assert types(provider) == ["dossier.status_changed"]
    # The case manager's message goes to the company only (the provider does not see the thread).
    assert types(company) == ["dossier.status_changed", "message.received"]
    assert received(company)[1][1]["title"] == "Dossier 3119000013.01 reçu"
    assert types(stranger) == []
    # One event per organisation, with its own id.
    assert WebhookEvent.objects.filter(type="dossier.status_changed").count() == 2


def test_acceptance_issues_the_funding_agreement_as_a_document_event(dossier, parties, case_manager):
    company, provider, _ = parties

    instruction.accept(dossier, case_manager)

    document = dict(received(provider))["document.issued"]
    assert document["kind"] == "funding_agreement" and document["kind_label"] == "Accord de prise en charge"
    assert document["dossier_number"] == dossier.number and len(document["sha256"]) == 64
    assert "document.issued" in types(company)


def test_a_refused_change_rolls_back_and_emits_nothing(dossier, parties, case_manager):
    with pytest.raises(ValidationError):
        instruction.refuse(dossier, case_manager, reason="")

    assert not WebhookEvent.objects.exists()


def test_an_answer_with_an_attachment_is_a_message_and_an_issued_document_for_the_company(dossier, parties):
    company, provider, _ = parties
    upload = check_upload(SimpleUploadedFile("convention.pdf", TINY_PDF, content_type="application/pdf"))

    messaging.reply_as_case_manager(dossier, None, "Convention à signer", "Bonjour,\nla voici.", files=[upload])

    assert sorted(types(company)) == ["document.issued", "message.received"]
    message = dict(received(company))["message.received"]
    assert message["body"] == "Bonjour,\nla voici." and message["dossier_number"] == dossier.number
    assert types(provider) == ["document.issued"]


def test_a_company_message_is_not_an_event(dossier, parties):
    company, _, _ = parties
    author = MembershipFactory(establishment=dossier.employer_establishment).user

    messaging.send_company_message(dossier, author, "Question", "Bonjour")

    assert types(company) == []


def test_invoices_validated_or_rejected_reach_the_cfa(accountant):
    # The statutory payment rules a data migration writes (a transactional test elsewhere may have flushed them).
    import_module("invoicing.migrations.0002_statutory_payment_rules").create_rules(django_apps, None)
    cfa_user = MembershipFactory(role=Role.PROVIDER_REFERENT, establishment=ProviderEstablishmentFactory(cfa=True)).user
    dossier = apprenticeship(cfa_user)
    provider = cfa_user.memberships.get().establishment.organisation
    company = dossier.employer_establishment.organisation
    listen(provider), listen(company)
    # A référent of another of the provider's establishments does not see these dossiers' invoices in oGestion.
    elsewhere = ProviderEstablishmentFactory(organisation=provider, cfa=True)
    restricted = services.create_endpoint(
        provider,
        administrator_of(provider, [elsewhere]),
        portal=Portal.OGESTION,
        url="https://ailleurs.exemple.fr/h",
        events=ALL_EVENTS,
    )
    first = invoicing.deposit_invoice(cfa_user, dossier, advance(dossier=dossier), pdf())
    invoicing.validate_invoice(first, accountant)
    other = apprenticeship(cfa_user)
    second = invoicing.deposit_invoice(cfa_user, other, advance(number="F-2", amount="10.00", dossier=other), pdf())
    invoicing.reject_invoice(second, accountant, "Le SIRET de la facture est erroné.")

    (validated_type, validated), (rejected_type, rejected) = received(provider)
    assert (validated_type, rejected_type) == ("invoice.validated", "invoice.rejected")
    assert validated["number"] == "F-2026-001" and validated["amount"] == "3200.00"
    assert validated["status_label"].startswith("Validée — paiement prévu le")
    assert rejected["rejection_reason"] == "Le SIRET de la facture est erroné." and rejected["status"] == "rejected"
    assert types(company) == []
    assert not restricted.deliveries.exists()


def test_a_rupture_is_a_rupture_and_a_status_change_for_both_parties(contract, company_manager, cfa_referent):  # noqa: F811
    company = contract.employer_establishment.organisation
    provider = contract.provider_establishment.organisation
    listen(company), listen(provider)

    ruptures.declare_rupture(
        contract,
        user=company_manager,
        rupture_date=datetime.date(2027, 2, 14),
        reason="02",
        initiative="commun",
        uploaded_file=SimpleUploadedFile("convention.pdf", minimal_pdf("Convention"), content_type="application/pdf"),
    )

    for organisation in (company, provider):
        assert types(organisation) == ["dossier.status_changed", "rupture.recorded"]
    rupture = dict(received(provider))["rupture.recorded"]
    assert rupture["rupture_date"] == "2027-02-14" and rupture["reason"] == "02" and rupture["reason_label"]
    assert rupture["dossier"]["status"] == DossierStatus.TERMINATED
    assert rupture["dossier"]["status_label"] == "Rompu le 14/02/2027"


def test_a_transmitted_avenant_reaches_both_parties(accepted, user):  # noqa: F811
    provider = ProviderEstablishmentFactory(cfa=True)
    accepted.provider_establishment = provider
    accepted.save()
    listen(accepted.employer_establishment.organisation), listen(provider.organisation)
    avenant = start(accepted, user)
    avenants.save_avenant(avenant, {**NEW_MAITRE, "contrat_numero_precedent": CONTRACT_NUMBER})
    funding_services.attach_document(avenant, kind=RequestDocumentKind.SIGNED_CERFA, uploaded_file=signed(), user=user)
    avenant.refresh_from_db()

    avenants.submit_avenant(avenant, user=user)

    for organisation in (accepted.employer_establishment.organisation, provider.organisation):
        [(event_type, payload)] = received(organisation)
        assert event_type == "avenant.recorded"
        assert payload["number"] == f"{accepted.number}-AV1" and payload["type"] == "36"
        assert payload["type_label"] and payload["effective_date"] == "2026-03-01"


def test_only_the_subscribed_events_and_live_endpoints_count_and_nobody_listening_costs_one_query(dossier):
    company = dossier.employer_establishment.organisation
    listen(company, events=[EventType.PAYMENT_RECORDED])
    WebhookEndpoint.objects.update(is_active=False)
    listen(company, events=[EventType.INVOICE_VALIDATED], url="https://autre.exemple.fr/h")

    built = []
    with CaptureQueriesContext(connection) as queries:
        assert (
            events.emit(
                "payment.recorded", lambda: built.append(1) or {}, establishments=[dossier.employer_establishment]
            )
            == []
        )

    assert len(queries.captured_queries) == 1 and built == []  # the payload is not even built


def test_a_manager_restricted_to_one_establishment_hears_only_of_its_dossiers(client):
    """An endpoint carries what its creator sees in eGestion (docs/webhooks.md): a manager restricted to Rennes who
    registers an endpoint hears of Rennes's dossiers, never of a Brest dossier's messages, which they cannot read."""
    company = CompanyFactory()
    rennes, brest = EstablishmentFactory(organisation=company), EstablishmentFactory(organisation=company)
    rennes_dossier, brest_dossier = (
        DossierFactory(employer_establishment=rennes),
        DossierFactory(employer_establishment=brest),
    )
    manager = MembershipFactory(establishment=rennes, role=Role.COMPANY_MANAGER).user
    client.force_login(manager)
    assert client.get("/egestion/mon-compte/acces-api/webhooks/").status_code == 200
    endpoint = services.create_endpoint(
        company, manager, portal=Portal.EGESTION, url="https://logiciel.exemple.fr/h", events=ALL_EVENTS
    )

    messaging.reply_as_case_manager(brest_dossier, None, "Pièce manquante", "Bonjour, il manque le RIB de Brest.")
    messaging.reply_as_case_manager(
        rennes_dossier, None, "Dossier complet", "Bonjour, le dossier de Rennes est complet."
    )

    [delivery] = endpoint.deliveries.select_related("event")
    assert delivery.event.payload["dossier_number"] == rennes_dossier.number
    assert "Brest" not in str(delivery.event.payload)
