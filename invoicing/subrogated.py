"""FACTURATION of a dossier paid by subrogation (skills plan and the other schemes): what remains to invoice and
the deposit of an invoice with its attendance certificate. The rules are the pure invoicing.subrogation; the
apprenticeship contracts are invoiced by invoicing.services (the NPEC schedule)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from dossiers.models import Dossier, DossierStatus
from invoicing import subrogation as rules
from invoicing.models import AttachmentKind, Invoice, Subrogation
from invoicing.services import InvoiceInput, locked_for_deposit, number_refusal, record_invoice

ZERO = Decimal("0.00")
# The dossier's funding is agreed (or the training over and settled): only then does the provider invoice.
INVOICED_STATUSES = (DossierStatus.ACCEPTED, DossierStatus.CLOSED)
INSTALMENT_LABEL = "Subrogation"


@dataclass
class SubrogationBilling:
    dossier: Dossier
    today: datetime.date
    problem: str | None = None  # why nothing can be invoiced
    agreement: rules.Agreement | None = None
    invoiced: Decimal = ZERO
    is_subrogation = True

    @property
    def total(self) -> Decimal:
        return self.agreement.agreed_amount if self.agreement else ZERO

    @property
    def remaining(self) -> Decimal:
        return rules.remaining(self.agreement, self.invoiced) if self.agreement else ZERO

    @property
    def invoicable_from(self) -> datetime.date | None:
        return rules.invoicable_from(self.agreement) if self.agreement else None

    @property
    def invoicable_today(self) -> Decimal:
        return rules.invoicable_today(self.agreement, self.invoiced, self.today) if self.agreement else ZERO


def has_subrogation(dossier: Dossier) -> bool:
    return Subrogation.objects.filter(dossier=dossier).exists()


def subrogation_billing_for(dossier: Dossier, today: datetime.date | None = None) -> SubrogationBilling:
    """The agreed amount, what is invoiced (invoices not rejected) and what remains; `problem` says why nothing
    can be invoiced."""
    today = today or timezone.localdate()
    billing = SubrogationBilling(dossier, today)
    subrogation = Subrogation.objects.filter(dossier=dossier).select_related("dossier").first()
    if subrogation is None:
        billing.problem = (
            "Ce dossier n'est pas réglé par Constructys à l'organisme (pas de subrogation de paiement) : "
            "l'entreprise vous règle la formation, Constructys la rembourse."
        )
        return billing
    if dossier.status not in INVOICED_STATUSES:
        billing.problem = (
            f"Ce dossier est « {dossier.status_label} » : il se facture une fois la prise en charge accordée."
        )
        return billing
    billing.agreement = subrogation.agreement()
    if billing.agreement is None:
        billing.problem = (
            "Le montant accordé de ce dossier n'est pas encore connu : contactez votre gestionnaire Constructys."
        )
        return billing
    billing.invoiced = Invoice.objects.counted().filter(dossier=dossier).aggregate(total=Sum("amount"))[
        "total"
    ] or Decimal("0.00")
    return billing


@transaction.atomic
def deposit_subrogation_invoice(
    user, dossier: Dossier, data: InvoiceInput, pdf, attachments: dict | None = None, *, today=None
) -> Invoice:
    """Check and record the invoice of a subrogated dossier with its PDF and its attendance certificate (kind ->
    uploaded file). Raises PermissionDenied outside the user's dossiers, ValidationError (field -> message) when
    refused."""
    attachments = {kind: upload for kind, upload in (attachments or {}).items() if upload}
    dossier = locked_for_deposit(user, dossier)  # a second deposit sees the first in what is invoiced
    billing = subrogation_billing_for(dossier, today)
    if billing.problem:
        raise ValidationError(billing.problem)
    claim = rules.Claim(
        invoice_date=data.invoice_date,
        period_start=data.period_start,
        period_end=data.period_end,
        amount=data.amount,
        has_certificate=bool(attachments.get(AttachmentKind.ATTENDANCE_CERTIFICATE)),
    )
    errors = rules.refusals(billing.agreement, billing.invoiced, claim, billing.today)
    if used := number_refusal(dossier.provider_establishment.organisation_id, data.number):
        errors["number"] = used
    if errors:
        raise ValidationError(errors)
    received_at = timezone.now()
    certificate = {AttachmentKind.ATTENDANCE_CERTIFICATE: attachments[AttachmentKind.ATTENDANCE_CERTIFICATE]}
    return record_invoice(
        user,
        dossier,
        data,
        pdf,
        certificate,
        instalment=INSTALMENT_LABEL,
        received_at=received_at,
        expected=rules.expected_payment_on(billing.agreement, timezone.localdate(received_at)),
        note=" (subrogation)",
    )
