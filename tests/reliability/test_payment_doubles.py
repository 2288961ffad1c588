"""Payments without doubles (issue 15, item 5): a payment reference is used once, even when the same payment is saved
six times at once in the admin (one payment, five clear errors, no 500); an invoice of a dossier already settled by a
payment is refused on another one, unless "Régler à nouveau" is ticked with a written reason, kept on the line.

The concurrent cases run for real: six threads, each with its own database connection and test client, post at the
same moment against committed data (`transaction=True`)."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse

from backoffice.roles import ACCOUNTING
from payments import services
from payments.models import Payment, PaymentLine, PaymentMode
from tests.factories import DossierFactory, ProviderEstablishmentFactory, staff_user

ADD_URL = reverse("admin:payments_payment_add")


@pytest.fixture
def provider():
    return ProviderEstablishmentFactory(name="CFA DU BATIMENT DE NANTES")


@pytest.fixture
def dossier(provider):
    return DossierFactory(provider_establishment=provider, apprenticeship=False)


@pytest.fixture
def accountant():
    return staff_user(ACCOUNTING, email="compta@constructys.fr")


def payment_form(provider, dossier, reference="VIR550", invoice="FEH1220001", amount="1875.00", **line):
    data = {
        "reference": reference,
        "paid_on": "02/04/2025",
        "beneficiary": provider.pk,
        "mode": PaymentMode.TRANSFER,
        "total_amount": amount,
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "1000",
        "lines-0-invoice_date": "10/03/2025",
        "lines-0-invoice_number": invoice,
        "lines-0-dossier": dossier.number,
        "lines-0-amount": amount,
    }
    data.update({f"lines-0-{name}": value for name, value in line.items()})
    return data


def post_at_once(user, forms, url=ADD_URL):
    """Post each form from its own thread, connection and logged-in client, all released together; returns the
    responses (status code, text)."""
    barrier = threading.Barrier(len(forms))
    responses = [None] * len(forms)

    def save(index, data):
        try:
            client = Client(raise_request_exception=False)
            client.force_login(user)
            barrier.wait(timeout=30)
            response = client.post(url, data)
            responses[index] = (response.status_code, response.content.decode())
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(index, data)) for index, data in enumerate(forms)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return responses


@pytest.mark.django_db(transaction=True)
def test_six_simultaneous_saves_of_one_payment_give_one_payment_and_five_clear_errors(accountant, provider, dossier):
    responses = post_at_once(accountant, [payment_form(provider, dossier)] * 6)

    statuses = sorted(status for status, _ in responses)
    assert statuses == [200, 200, 200, 200, 200, 302]
    errors = [text for status, text in responses if status == 200]
    assert all("Un règlement porte déjà la référence VIR550" in text for text in errors)
    assert Payment.objects.count() == 1 and PaymentLine.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_one_invoice_saved_under_six_references_at_once_is_paid_once(accountant, provider, dossier):
    forms = [payment_form(provider, dossier, reference=f"VIR55{index}") for index in range(6)]

    responses = post_at_once(accountant, forms)

    assert sorted(status for status, _ in responses) == [200, 200, 200, 200, 200, 302]
    errors = [text for status, text in responses if status == 200]
    assert all(
        "La facture FEH1220001 du dossier" in text and "est déjà réglée par le règlement" in text for text in errors
    )
    assert Payment.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_six_simultaneous_edits_of_one_payment_issue_one_new_advice(accountant, provider, dossier):
    client = Client()
    client.force_login(accountant)
    client.post(ADD_URL, payment_form(provider, dossier))
    payment = Payment.objects.get()
    data = payment_form(provider, dossier, amount="2000.00")
    data.update({"lines-INITIAL_FORMS": "1", "lines-0-id": payment.lines.get().pk, "lines-0-payment": payment.pk})

    responses = post_at_once(accountant, [data] * 6, url=reverse("admin:payments_payment_change", args=[payment.pk]))

    assert [status for status, _ in responses] == [302] * 6
    assert sorted(payment.advices.values_list("version", flat=True)) == [1, 2]  # the five others changed nothing
    payment.refresh_from_db()
    assert (
        payment.total_amount == Decimal("2000.00")
        and payment.remittance_advice == payment.advices.get(version=2).document
    )


def test_an_invoice_already_settled_is_refused_then_accepted_with_a_reason(client, accountant, provider, dossier):
    client.force_login(accountant)
    assert client.post(ADD_URL, payment_form(provider, dossier, reference="VIR550")).status_code == 302

    refused = client.post(ADD_URL, payment_form(provider, dossier, reference="VIR551", invoice=" feh1220001 "))
    assert refused.status_code == 200
    assert "La facture feh1220001 du dossier" not in refused.text  # the message names the invoice as first paid
    assert f"La facture FEH1220001 du dossier {dossier.number} est déjà réglée par le règlement VIR550" in refused.text
    assert "cochez « Régler à nouveau » et indiquez le motif" in refused.text

    without_reason = client.post(ADD_URL, payment_form(provider, dossier, reference="VIR551", settle_again="on"))
    assert without_reason.status_code == 200
    assert "Indiquez pourquoi cette facture est réglée une nouvelle fois." in without_reason.text

    reason = "Second versement convenu : la facture était réglée en deux fois."
    accepted = client.post(
        ADD_URL, payment_form(provider, dossier, reference="VIR551", settle_again="on", duplicate_reason=reason)
    )
    assert accepted.status_code == 302
    assert Payment.objects.get(reference="VIR551").lines.get().duplicate_reason == reason


def test_a_reason_without_the_box_ticked_does_not_override(client, accountant, provider, dossier):
    client.force_login(accountant)
    client.post(ADD_URL, payment_form(provider, dossier, reference="VIR550"))

    response = client.post(ADD_URL, payment_form(provider, dossier, reference="VIR551", duplicate_reason="Oubli"))

    assert response.status_code == 200 and "est déjà réglée par le règlement VIR550" in response.text
    assert not Payment.objects.filter(reference="VIR551").exists()


def test_the_same_invoice_twice_in_one_payment_needs_a_reason(client, accountant, provider, dossier):
    client.force_login(accountant)
    data = payment_form(provider, dossier, amount="100.00")
    data.update(
        {
            "total_amount": "200.00",
            "lines-TOTAL_FORMS": "2",
            "lines-1-invoice_date": "10/03/2025",
            "lines-1-invoice_number": "FEH1220001",
            "lines-1-dossier": dossier.number,
            "lines-1-amount": "100.00",
        }
    )

    response = client.post(ADD_URL, data)

    assert response.status_code == 200
    assert "Cette facture figure déjà sur une autre ligne de ce règlement" in response.text
    assert not Payment.objects.exists()


def test_the_service_refuses_a_reference_or_an_invoice_used_before(accountant, provider, dossier):
    line = {"dossier": dossier, "invoice_date": datetime.date(2025, 3, 10), "invoice_number": "FEH1", "amount": 90}
    services.record_payment(
        actor=accountant, reference="VIR550", paid_on=datetime.date(2025, 4, 2), beneficiary=provider, lines=[line]
    )
    with pytest.raises(Exception, match="porte déjà la référence VIR550"):
        services.record_payment(
            actor=accountant, reference="VIR550", paid_on=datetime.date(2025, 4, 2), beneficiary=provider, lines=[line]
        )
    with pytest.raises(Exception, match="est déjà réglée par le règlement VIR550"):
        services.record_payment(
            actor=accountant, reference="VIR551", paid_on=datetime.date(2025, 4, 2), beneficiary=provider, lines=[line]
        )
    services.record_payment(
        actor=accountant,
        reference="VIR551",
        paid_on=datetime.date(2025, 4, 2),
        beneficiary=provider,
        lines=[{**line, "duplicate_reason": "Complément convenu avec le CFA."}],
    )
    assert PaymentLine.objects.filter(invoice_number="FEH1").count() == 2


def test_the_database_refuses_a_second_unexplained_settlement(accountant, provider, dossier):
    line = {"dossier": dossier, "invoice_date": datetime.date(2025, 3, 10), "invoice_number": "FEH1", "amount": 90}
    payment = services.record_payment(
        actor=accountant, reference="VIR550", paid_on=datetime.date(2025, 4, 2), beneficiary=provider, lines=[line]
    )
    first = payment.lines.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        PaymentLine.objects.create(
            payment=payment,
            dossier=dossier,
            invoice_date=first.invoice_date,
            invoice_number="fEh1",
            period_start=first.period_start,
            period_end=first.period_end,
            scheme=first.scheme,
            training_title=first.training_title,
            amount=Decimal("1.00"),
        )
