"""A payment recorded in the admin reaches the provider's endpoint through a real Celery worker and a real HTTP
receiver: exactly once, signed; a receiver that fails twice gets the event once, after two retries (issue 22)."""

import json
import time

import pytest
from django.urls import reverse

from accounts.models import Role
from payments.models import Payment, PaymentMode
from tests.factories import (
    DossierFactory,
    MembershipFactory,
    ProviderEstablishmentFactory,
)
from tests.webhooks.receiver import Receiver
from webhooks import services, signing
from webhooks.models import DeliveryStatus, EventType, WebhookDelivery

pytestmark = pytest.mark.celery_worker


@pytest.fixture
def worker_settings(local_webhooks):
    local_webhooks.WEBHOOKS_DELIVERY = "celery"
    return local_webhooks


@pytest.fixture
def provider():
    return ProviderEstablishmentFactory(name="CFA DU BATIMENT DE NANTES")


@pytest.fixture
def referent(provider):
    return MembershipFactory(role=Role.PROVIDER_REFERENT, establishment=provider).user


def admin_post(provider, dossier, reference="VIR550"):
    return {
        "reference": reference,
        "paid_on": "02/04/2025",
        "beneficiary": provider.pk,
        "iban_paid": "",
        "mode": PaymentMode.TRANSFER,
        "total_amount": "1875.00",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "1000",
        "lines-0-invoice_date": "10/03/2025",
        "lines-0-invoice_number": "FEH1220001",
        "lines-0-dossier": dossier.number,
        "lines-0-amount": "1875.00",
    }


def test_a_payment_recorded_in_the_admin_reaches_the_provider_once_signed(
    worker_settings, celery_worker, client, accountant, provider, referent
):
    dossier = DossierFactory(provider_establishment=provider, apprenticeship=False)
    receiver, elsewhere, employer_side = Receiver().start(), Receiver().start(), Receiver().start()
    try:
        endpoint = services.create_endpoint(
            provider.organisation, referent, portal="ogestion", url=receiver.url, events=[EventType.PAYMENT_RECORDED]
        )
        # Another provider, and the dossier's employer: neither is paid, neither hears of it.
        other = MembershipFactory(role=Role.PROVIDER_REFERENT, establishment=ProviderEstablishmentFactory())
        services.create_endpoint(
            other.establishment.organisation,
            other.user,
            portal="ogestion",
            url=elsewhere.url,
            events=[EventType.PAYMENT_RECORDED],
        )
        employer_manager = MembershipFactory(role=Role.COMPANY_MANAGER, establishment=dossier.employer_establishment)
        services.create_endpoint(
            dossier.employer_establishment.organisation,
            employer_manager.user,
            portal="egestion",
            url=employer_side.url,
            events=[EventType.PAYMENT_RECORDED, EventType.DOCUMENT_ISSUED],
        )

        client.force_login(accountant)
        response = client.post(reverse("admin:payments_payment_add"), admin_post(provider, dossier))
        assert response.status_code == 302

        assert receiver.wait_for(1), "no webhook received"
        time.sleep(1.5)  # nothing more comes
        [request] = receiver.requests
        elsewhere_count, employer_count = len(elsewhere.requests), len(employer_side.requests)
    finally:
        for server in (receiver, elsewhere, employer_side):
            server.stop()

    headers, body = request["headers"], request["body"]
    assert signing.verify(endpoint.secret, headers["X-Constructys-Timestamp"], body, headers["X-Constructys-Signature"])
    assert not signing.verify(
        endpoint.secret, headers["X-Constructys-Timestamp"], body + b" ", headers["X-Constructys-Signature"]
    )
    assert headers["X-Constructys-Event"] == "payment.recorded"
    event = json.loads(body)
    assert event["id"] == headers["X-Constructys-Event-Id"]
    payment = Payment.objects.get()
    assert event["data"]["reference"] == "VIR550" and event["data"]["total_amount"] == "1875.00"
    assert event["data"]["paid_on"] == "2025-04-02"
    assert event["data"]["beneficiary"] == {"siret": provider.siret, "name": "CFA DU BATIMENT DE NANTES"}
    assert event["data"]["lines"][0]["dossier_number"] == dossier.number
    assert event["data"]["id"] == payment.pk
    assert (elsewhere_count, employer_count) == (0, 0)
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (DeliveryStatus.SENT, 1, 200)


def test_a_receiver_that_fails_twice_gets_the_event_once_after_retries(
    worker_settings, celery_worker, accountant, provider, referent
):
    from payments.services import record_payment

    dossier = DossierFactory(provider_establishment=provider, apprenticeship=False)
    receiver = Receiver(answers=[503, 500]).start()
    try:
        endpoint = services.create_endpoint(
            provider.organisation, referent, portal="ogestion", url=receiver.url, events=[EventType.PAYMENT_RECORDED]
        )
        started = time.monotonic()
        record_payment(
            actor=accountant,
            reference="VIR551",
            paid_on=dossier.start_date,
            beneficiary=provider,
            lines=[
                {
                    "dossier": dossier,
                    "invoice_number": "F-1",
                    "invoice_date": dossier.start_date,
                    "amount": "1200.00",
                }
            ],
        )
        assert receiver.wait_for(3, timeout=30), f"{len(receiver.requests)} attempt(s) received"
        elapsed = time.monotonic() - started
        time.sleep(1.5)
        requests = list(receiver.requests)
    finally:
        receiver.stop()

    assert [request["answered"] for request in requests] == [503, 500, 200]
    assert len({request["headers"]["X-Constructys-Event-Id"] for request in requests}) == 1
    assert elapsed >= 3  # backoff: 1 s, then 2 s
    assert len(receiver.delivered()) == 1
    for request in requests:
        headers = request["headers"]
        assert signing.verify(
            endpoint.secret, headers["X-Constructys-Timestamp"], request["body"], headers["X-Constructys-Signature"]
        )
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 3)
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 0 and endpoint.is_active
