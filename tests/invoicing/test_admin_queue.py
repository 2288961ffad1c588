"""Accounting's queue of invoices in the admin: oldest first with the 30-day deadline, validate, reject with the
reason typed on the invoice, and a payment whose lines carry the invoice numbers."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from invoicing import services
from invoicing.models import Invoice, InvoiceStatus
from payments.models import PaymentLine
from tests.invoicing.helpers import advance, apprenticeship, pdf

LIST = reverse("admin:invoicing_invoice_changelist")


@pytest.fixture
def invoices(cfa_user):
    older, newer = apprenticeship(cfa_user), apprenticeship(cfa_user)
    first = services.deposit_invoice(cfa_user, older, advance("F-1", dossier=older), pdf())
    second = services.deposit_invoice(cfa_user, newer, advance("F-2", dossier=newer), pdf())
    Invoice.objects.filter(pk=first.pk).update(received_at=timezone.now() - datetime.timedelta(days=40))
    return first, second


def test_the_queue_lists_the_oldest_first_with_its_deadline_overdue(client, accountant, invoices):
    client.force_login(accountant)
    page = client.get(LIST).content.decode()
    assert page.index("F-1") < page.index("F-2")
    overdue = timezone.localdate() - datetime.timedelta(days=10)
    assert f"{overdue:%d/%m/%Y} (dépassé)" in page


def test_accounting_validates_rejects_and_pays_from_the_list(client, accountant, invoices):
    first, second = invoices
    client.force_login(accountant)
    Invoice.objects.filter(pk=second.pk).update(rejection_reason="Facture non signée.")
    client.post(LIST, {"action": "validate_invoices", "_selected_action": [first.pk]})
    client.post(LIST, {"action": "reject_invoices", "_selected_action": [second.pk]})
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == InvoiceStatus.VALIDATED
    assert second.status_label() == "Rejetée : Facture non signée."
    form = client.post(LIST, {"action": "pay_invoices", "_selected_action": [first.pk]})
    assert "Régler les factures validées" in form.content.decode()
    client.post(
        LIST,
        {
            "action": "pay_invoices",
            "_selected_action": [first.pk],
            "reference": "VIR7001",
            "paid_on": timezone.localdate().strftime("%d/%m/%Y"),
        },
    )
    line = PaymentLine.objects.get()
    assert (line.payment.reference, line.invoice_number) == ("VIR7001", "F-1")
    assert Invoice.objects.get(pk=first.pk).status_label().startswith("Payée (VIR7001 du ")


def test_a_case_manager_sees_the_queue_but_cannot_decide(client, case_manager, invoices):
    client.force_login(case_manager)
    page = client.get(LIST).content.decode()
    assert "F-1" in page and "validate_invoices" not in page


@pytest.mark.parametrize("group", ["case_manager", "regional_manager", "administrator"])
def test_only_accounting_validates_or_rejects_even_with_a_forged_action(client, request, group, invoices):
    """docs/backoffice-permissions.md: invoices are V for every group but Comptabilité (VM, review_invoice)."""
    first, second = invoices
    Invoice.objects.filter(pk=second.pk).update(rejection_reason="Facture non signée.")
    client.force_login(request.getfixturevalue(group))
    client.post(LIST, {"action": "validate_invoices", "_selected_action": [first.pk]})
    client.post(LIST, {"action": "reject_invoices", "_selected_action": [second.pk]})
    assert {invoice.status for invoice in Invoice.objects.all()} == {InvoiceStatus.DEPOSITED}
    with pytest.raises(PermissionDenied):
        services.reject_invoice(second, request.getfixturevalue(group), "Facture non signée.")


def test_a_second_click_on_valider_changes_nothing_and_emails_once(
    client, accountant, invoices, django_capture_on_commit_callbacks
):
    first, _ = invoices
    client.force_login(accountant)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(LIST, {"action": "validate_invoices", "_selected_action": [first.pk]})
    first.refresh_from_db()
    reviewed_at, sent = first.reviewed_at, len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(LIST, {"action": "validate_invoices", "_selected_action": [first.pk]}, follow=True)
    assert "0 facture(s) validée(s)." in again.content.decode()
    first.refresh_from_db()
    assert (first.status, first.reviewed_at, len(mail.outbox)) == (InvoiceStatus.VALIDATED, reviewed_at, sent)
    assert sent >= 1
