"""The pure rules of an invoice on a dossier paid by subrogation (invoicing.subrogation, R.6332-25 I)."""

import datetime
from decimal import Decimal as D

import pytest

from invoicing.subrogation import Agreement, Claim, expected_payment_on, invoicable_today, refusals, remaining

pytestmark = pytest.mark.no_database

START, END = datetime.date(2026, 3, 2), datetime.date(2026, 3, 20)
AFTER = datetime.date(2026, 3, 25)
AGREEMENT = Agreement(agreed_amount=D("2400.00"), starts_on=START, ends_on=END)
DURING = Agreement(agreed_amount=D("2400.00"), starts_on=START, ends_on=END, invoice_during_training=True)


def claim(amount="2400.00", start=START, end=END, on=AFTER, certificate=True):
    return Claim(invoice_date=on, period_start=start, period_end=end, amount=D(amount), has_certificate=certificate)


def test_after_the_training_the_agreed_amount_is_invoiced_with_the_certificate():
    assert refusals(AGREEMENT, D("0"), claim(), AFTER) == {}
    assert invoicable_today(AGREEMENT, D("0"), AFTER) == D("2400.00")
    assert expected_payment_on(AGREEMENT, AFTER) == AFTER + datetime.timedelta(days=30)


def test_the_total_never_exceeds_the_agreed_amount():
    assert refusals(AGREEMENT, D("1000.00"), claim("1400.00"), AFTER) == {}
    errors = refusals(AGREEMENT, D("1000.00"), claim("1400.01"), AFTER)
    assert errors == {
        "amount": "Le montant de 1\u00a0400,01\u00a0€ dépasse ce qui reste à facturer sur ce dossier "
        "(1\u00a0400,00\u00a0€ sur les 2\u00a0400,00\u00a0€ accordés)."
    }
    assert remaining(AGREEMENT, D("2400.00")) == D("0.00")
    assert invoicable_today(AGREEMENT, D("2400.00"), AFTER) == D("0.00")


def test_without_the_agreement_allowing_it_nothing_is_invoiced_before_the_end():
    assert invoicable_today(AGREEMENT, D("0"), END) == D("0.00")
    errors = refusals(AGREEMENT, D("0"), claim("500.00", end=datetime.date(2026, 3, 9), on=END), END)
    assert errors["period_end"] == (
        "La formation se termine le 20/03/2026 : l'accord ne prévoit pas de facturation en cours de formation, "
        "déposez la facture une fois la formation terminée."
    )
    day_after = END + datetime.timedelta(days=1)
    assert refusals(AGREEMENT, D("0"), claim(on=day_after), day_after) == {}


def test_during_the_training_when_the_agreement_allows_it_only_hours_already_attended():
    today = datetime.date(2026, 3, 10)
    assert invoicable_today(DURING, D("0"), today) == D("2400.00")
    assert refusals(DURING, D("0"), claim("800.00", end=datetime.date(2026, 3, 9), on=today), today) == {}
    errors = refusals(DURING, D("0"), claim("800.00", end=today, on=today), today)
    assert errors["period_end"] == (
        "La période facturée doit être terminée : facturez les heures suivies jusqu'au 09/03/2026 au plus tard."
    )
    assert invoicable_today(DURING, D("0"), START) == D("0.00")  # nothing attended yet


def test_a_period_outside_the_training_is_refused():
    errors = refusals(AGREEMENT, D("0"), claim(start=START - datetime.timedelta(days=1)), AFTER)
    assert (
        errors["period_end"]
        == "La période du 01/03/2026 au 20/03/2026 sort de la formation (du 02/03/2026 au 20/03/2026)."
    )
    errors = refusals(AGREEMENT, D("0"), claim(end=END + datetime.timedelta(days=1)), AFTER)
    assert "sort de la formation" in errors["period_end"]


def test_a_missing_attendance_certificate_is_refused():
    errors = refusals(AGREEMENT, D("0"), claim(certificate=False), AFTER)
    assert errors == {
        "attachment_attendance": "Joignez l'attestation d'assiduité : elle justifie les heures de formation facturées."
    }


def test_a_zero_amount_and_a_future_invoice_date_are_refused():
    errors = refusals(AGREEMENT, D("0"), claim("0", on=AFTER + datetime.timedelta(days=1)), AFTER)
    assert errors["amount"] == "Le montant de la facture doit être positif."
    assert errors["invoice_date"] == "La date de la facture ne peut pas être dans le futur."
