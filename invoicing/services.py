"""What a provider may invoice on a dossier, the deposit of an invoice and its review by accounting.

Every check a user would run into is here (the portal's form, the admin and the tests call these functions), with a
French message naming what is wrong. The schedule comes from `invoicing.schedule` (pure) and the dated rules; the
amounts already invoiced are the invoices not rejected.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from common.emails import send_email_on_commit
from common.formats import format_amount
from common.history import log_change
from common.uploads import check_upload
from dossiers.models import Dossier, Scheme
from invoicing import schedule
from invoicing.models import (
    ATTACHMENT_FOR_DOCUMENT,
    OPEN_STATUSES,
    AttachmentKind,
    ContractTerms,
    Invoice,
    InvoiceAttachment,
    InvoiceStatus,
    regimes,
)
from webhooks import events, payloads

ZERO = Decimal("0.00")
REVIEW_PERMISSION = "invoicing.review_invoice"
PDF_ONLY = ("application/pdf",)


def euros(amount: Decimal) -> str:
    return format_amount(amount)  # 12 345,60 €


# What the FACTURATION tab shows ------------------------------------------------------------------------------------


@dataclass
class InstalmentLine:
    instalment: schedule.Instalment
    invoiced: Decimal  # the part of the invoices not rejected that covers it (first due, first covered)
    is_invoicable: bool  # its date has come

    @property
    def label(self) -> str:
        return self.instalment.label

    @property
    def status(self) -> str:
        amount = self.instalment.amount
        if amount < 0:
            return "Trop-perçu à rembourser"
        if amount and self.invoiced >= amount:
            return "Facturée"
        if self.invoiced:
            return "Facturée en partie"
        return "À facturer" if self.is_invoicable else "À venir"


@dataclass
class Billing:
    dossier: Dossier
    today: datetime.date
    problem: str | None = None  # why nothing can be invoiced
    terms: ContractTerms | None = None
    plan: schedule.Schedule | None = None
    lines: list[InstalmentLine] = field(default_factory=list)
    invoiced: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return self.plan.total if self.plan else ZERO

    @property
    def remaining(self) -> Decimal:
        """What is left to invoice on the whole contract (negative: the CFA was overpaid and owes it back)."""
        return self.total - self.invoiced

    @property
    def invoicable_today(self) -> Decimal:
        due = sum((line.instalment.amount for line in self.lines if line.is_invoicable), ZERO)
        return max(ZERO, min(due - self.invoiced, self.remaining))

    def documents_for(self, amount: Decimal) -> list[str]:
        """The certificates an invoice of `amount` needs: those of the instalments it covers, after what is already
        invoiced (first due, first covered)."""
        needed, start, end = [], self.invoiced, self.invoiced + amount
        position = ZERO
        for line in self.lines:
            low, position = position, position + max(line.instalment.amount, ZERO)
            if position > start and low < end:
                needed += [doc for doc in line.instalment.documents if doc in ATTACHMENT_FOR_DOCUMENT]
        return list(dict.fromkeys(needed))

    def due_on_for(self, amount: Decimal) -> datetime.date | None:
        """The latest due date of the instalments an invoice of `amount` covers."""
        dates, start, end, position = [], self.invoiced, self.invoiced + amount, ZERO
        for line in self.lines:
            low, position = position, position + max(line.instalment.amount, ZERO)
            if position > start and low < end:
                dates.append(line.instalment.due_on)
        return max(dates) if dates else None


def billing_for(dossier: Dossier, today: datetime.date | None = None) -> Billing:
    """The schedule of a dossier with what its invoices cover; `problem` says why there is none."""
    today = today or timezone.localdate()
    billing = Billing(dossier, today)
    from invoicing.selectors import contract_terms_for  # the terms in force: avenants and rupture applied

    terms = contract_terms_for(dossier)
    if terms is None:
        billing.problem = (
            "Ce dossier n'a pas encore d'échéancier de facturation : les conditions du contrat n'ont pas été "
            "enregistrées par Constructys."
        )
        return billing
    billing.terms = terms
    contract = terms.contract()
    if contract is None:
        billing.problem = (
            f"Aucun NPEC n'est connu pour la certification {terms.certification_code or '(non renseignée)'} et "
            f"l'IDCC {terms.idcc or '(non renseigné)'} au {terms.concluded_on:%d/%m/%Y} : contactez votre "
            "gestionnaire Constructys."
        )
        return billing
    try:
        billing.plan = schedule.compute_schedule(contract, schedule.regime_for(contract.concluded_on, regimes()))
    except schedule.ScheduleError as exc:
        billing.problem = str(exc)
        return billing
    billing.invoiced = sum(
        (amount for amount in Invoice.objects.counted().filter(dossier=dossier).values_list("amount", flat=True)),
        ZERO,
    )
    left = billing.invoiced
    for instalment in billing.plan.instalments:
        covered = min(left, max(instalment.amount, ZERO))
        left -= covered
        billing.lines.append(InstalmentLine(instalment, covered, instalment.invoicable_from <= today))
    return billing


def npec_funding(dossier: Dossier) -> schedule.Schedule | None:
    """What an apprenticeship contract is funded at (L.6332-14 I 1°): the NPEC of its certification for the
    employer's IDCC, in force on its date of conclusion, per year of execution and in total after the employer's
    participation (R.6332-25, R.6332-25-1), or None while its terms or the NPEC are unknown."""
    if dossier.scheme != Scheme.ALTE:
        return None
    return billing_for(dossier).plan


# Deposit -------------------------------------------------------------------------------------------------------------


@dataclass
class InvoiceInput:
    number: str
    invoice_date: datetime.date
    period_start: datetime.date
    period_end: datetime.date
    amount: Decimal


def may_invoice(user, dossier: Dossier) -> bool:
    """A provider user of the establishment that trains the dossier (oGestion membership)."""
    return Dossier.objects.for_provider_user(user).filter(pk=dossier.pk).exists()


NUMBER_USED = "Vous avez déjà déposé une facture n° {number} : chaque facture a un numéro qui lui est propre."


def number_refusal(organisation_id, number: str) -> str | None:
    """A provider never uses one invoice number twice (a rejected invoice frees its number)."""
    number = number.strip()
    if Invoice.objects.counted().filter(organisation_id=organisation_id, number__iexact=number).exists():
        return NUMBER_USED.format(number=number)
    return None


def locked_for_deposit(user, dossier: Dossier) -> Dossier:
    """The dossier, row-locked: two deposits (a second click) run one after the other and the second sees the
    first. PermissionDenied outside the user's dossiers."""
    if not may_invoice(user, dossier):
        raise PermissionDenied("Vous ne facturez pas ce dossier.")
    return Dossier.objects.select_for_update(of=("self",)).select_related("provider_establishment").get(pk=dossier.pk)


def record_invoice(
    user, dossier: Dossier, data: InvoiceInput, pdf, attachments: dict, *, instalment, received_at, expected, note=""
) -> Invoice:
    """Check the files (antivirus, PDF for the invoice) then record the accepted invoice, its attachments (kind ->
    uploaded file) and a line of the dossier's history."""
    checked_pdf = check_upload(pdf, allowed=PDF_ONLY)
    checked = {kind: check_upload(upload) for kind, upload in attachments.items()}
    number = data.number.strip()
    try:
        # Two deposits of one number on two dossiers at once: the second meets the database's constraint
        # (invoice_number_once_per_provider) and is refused like the number check does.
        with transaction.atomic():
            invoice = Invoice.objects.create(
                dossier=dossier,
                organisation_id=dossier.provider_establishment.organisation_id,
                number=number,
                invoice_date=data.invoice_date,
                period_start=data.period_start,
                period_end=data.period_end,
                amount=data.amount,
                instalment=instalment,
                received_at=received_at,
                expected_payment_on=expected,
                uploaded_by=user,
                **checked_pdf.stored_fields(),
            )
    except IntegrityError:
        raise ValidationError({"number": NUMBER_USED.format(number=number)}) from None
    for kind, upload in checked.items():
        InvoiceAttachment.objects.create(invoice=invoice, kind=kind, uploaded_by=user, **upload.stored_fields())
    log_change(user, dossier, f"Facture {invoice.number} de {euros(invoice.amount)} déposée{note}.")
    return invoice


def refusals(billing: Billing, data: InvoiceInput, organisation_id, attachments: dict) -> dict[str, str]:
    """Field -> French message for each reason to refuse the invoice (empty: accepted)."""
    errors = {}
    terms = billing.terms
    if data.amount <= 0:
        errors["amount"] = "Le montant de la facture doit être positif."
    elif data.amount > billing.remaining:
        errors["amount"] = (
            f"Le montant de {euros(data.amount)} dépasse ce qui reste à facturer sur ce dossier "
            f"({euros(max(billing.remaining, ZERO))})."
        )
    elif data.amount > billing.invoicable_today:
        errors["amount"] = (
            f"Le montant de {euros(data.amount)} dépasse ce qui peut être facturé à ce jour "
            f"({euros(billing.invoicable_today)}) : les échéances suivantes ne sont pas encore dues."
        )
    if used := number_refusal(organisation_id, data.number):
        errors["number"] = used
    if data.period_end < data.period_start:
        errors["period_end"] = "La fin de la période précède son début."
    elif data.period_start < terms.starts_on or data.period_end > terms.last_day:
        errors["period_end"] = (
            f"La période du {data.period_start:%d/%m/%Y} au {data.period_end:%d/%m/%Y} sort du contrat "
            f"(du {terms.starts_on:%d/%m/%Y} au {terms.last_day:%d/%m/%Y})."
        )
    if data.invoice_date > billing.today:
        errors["invoice_date"] = "La date de la facture ne peut pas être dans le futur."
    if "amount" not in errors:
        for document in billing.documents_for(data.amount):
            kind = ATTACHMENT_FOR_DOCUMENT[document]
            if not attachments.get(kind):
                errors[f"attachment_{kind}"] = (
                    f"Joignez l'{AttachmentKind(kind).label.lower()} : cette échéance l'exige."
                )
    return errors


@transaction.atomic
def deposit_invoice(user, dossier: Dossier, data: InvoiceInput, pdf, attachments: dict | None = None, *, today=None):
    """Check and record an invoice of `user` on `dossier` with its PDF and certificates (kind -> uploaded file).
    Raises PermissionDenied outside the user's dossiers and ValidationError (field -> message) when refused."""
    attachments = {kind: upload for kind, upload in (attachments or {}).items() if upload}
    dossier = locked_for_deposit(user, dossier)
    billing = billing_for(dossier, today)
    if billing.problem:
        raise ValidationError(billing.problem)
    organisation_id = dossier.provider_establishment.organisation_id
    errors = refusals(billing, data, organisation_id, attachments)
    if errors:
        raise ValidationError(errors)
    received_at = timezone.now()
    due_on = billing.due_on_for(data.amount)
    delay = datetime.timedelta(days=billing.plan.regime.payment_delay_days)
    # Paid within the delay of receipt (R.6332-25 III 1°), never before the instalment is due.
    expected = max(timezone.localdate(received_at) + delay, due_on or billing.today)
    instalment = ", ".join(dict.fromkeys(_covered_labels(billing, data.amount)))[:120]
    return record_invoice(
        user, dossier, data, pdf, attachments, instalment=instalment, received_at=received_at, expected=expected
    )


def _covered_labels(billing: Billing, amount: Decimal) -> list[str]:
    labels, start, end, position = [], billing.invoiced, billing.invoiced + amount, ZERO
    for line in billing.lines:
        low, position = position, position + max(line.instalment.amount, ZERO)
        if position > start and low < end:
            labels.append(line.label)
    return labels


# Review (accounting) ------------------------------------------------------------------------------------------------


def _check_reviewer(staff_user) -> None:
    if not staff_user.has_perm(REVIEW_PERMISSION):
        raise PermissionDenied("Seule la comptabilité contrôle les factures des organismes.")


def _lock_open(invoice: Invoice) -> Invoice:
    invoice = (
        Invoice.objects.select_for_update(of=("self",)).select_related("dossier", "uploaded_by").get(pk=invoice.pk)
    )
    if invoice.status not in OPEN_STATUSES:
        raise ValidationError(f"La facture {invoice.number} a déjà été traitée ({invoice.get_status_display()}).")
    return invoice


@transaction.atomic
def start_review(invoice: Invoice, staff_user) -> Invoice:
    _check_reviewer(staff_user)
    invoice = _lock_open(invoice)
    invoice.status = InvoiceStatus.IN_REVIEW
    invoice.save(update_fields=["status"])
    log_change(staff_user, invoice, "Mise en contrôle.")
    return invoice


@transaction.atomic
def validate_invoice(invoice: Invoice, staff_user) -> Invoice:
    _check_reviewer(staff_user)
    invoice = _lock_open(invoice)
    invoice.status = InvoiceStatus.VALIDATED
    invoice.reviewed_by, invoice.reviewed_at = staff_user, timezone.now()
    invoice.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    log_change(staff_user, invoice, f"Validée, paiement prévu le {invoice.expected_payment_on:%d/%m/%Y}.")
    _notify(invoice)
    return invoice


@transaction.atomic
def reject_invoice(invoice: Invoice, staff_user, reason: str) -> Invoice:
    _check_reviewer(staff_user)
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError("Indiquez le motif du rejet : il est envoyé à l'organisme.")
    invoice = _lock_open(invoice)
    invoice.status = InvoiceStatus.REJECTED
    invoice.rejection_reason = reason[:500]
    invoice.reviewed_by, invoice.reviewed_at = staff_user, timezone.now()
    invoice.save(update_fields=["status", "rejection_reason", "reviewed_by", "reviewed_at"])
    log_change(staff_user, invoice, f"Rejetée : {invoice.rejection_reason}")
    _notify(invoice)
    return invoice


def _dossier_url(invoice: Invoice) -> str:
    """The absolute link of the email (a relative one does not open from a mail client)."""
    try:
        path = reverse("ogestion:invoicing_billing", kwargs={"number": invoice.dossier.number})
    except NoReverseMatch:
        path = reverse("ogestion:home")
    return settings.SITE_URL + path


def _notify(invoice: Invoice) -> None:
    """The depositor learns the decision (HTML + text, once committed), and the provider's software (webhooks)."""
    validated = invoice.status == InvoiceStatus.VALIDATED
    events.emit(
        "invoice.validated" if validated else "invoice.rejected",
        lambda: payloads.invoice(invoice),
        # oGestion shows an invoice to those who see its dossier's training establishment (for_provider_user).
        establishments=[invoice.dossier.provider_establishment_id],
    )
    author = invoice.uploaded_by
    if author is None or not author.is_active or not author.email:
        return
    send_email_on_commit(
        "invoice_decided",
        {
            "invoice": invoice,
            "validated": invoice.status == InvoiceStatus.VALIDATED,
            "status_label": invoice.status_label(),
            "dossier_url": _dossier_url(invoice),
        },
        [author.email],
    )


# Payment ------------------------------------------------------------------------------------------------------------


@transaction.atomic
def pay_invoices(*, actor, reference: str, paid_on: datetime.date, invoices):
    """Record one payment (payments.services.record_payment: remittance advice included) settling validated,
    unpaid invoices of one establishment; each line carries its invoice's number."""
    from payments.services import record_payment

    invoices = list(Invoice.objects.filter(pk__in=[i.pk for i in invoices]).select_related("dossier"))
    if not invoices:
        raise ValidationError("Choisissez au moins une facture validée.")
    for invoice in invoices:
        if invoice.status != InvoiceStatus.VALIDATED:
            raise ValidationError(f"La facture {invoice.number} n'est pas validée.")
        if invoice.paid_reference:
            raise ValidationError(f"La facture {invoice.number} est déjà payée ({invoice.paid_reference}).")
    beneficiaries = {invoice.dossier.provider_establishment_id for invoice in invoices}
    if len(beneficiaries) != 1:
        raise ValidationError("Un règlement paie les factures d'un seul établissement.")
    lines = [
        {
            "dossier": invoice.dossier,
            "invoice_number": invoice.number,
            "invoice_date": invoice.invoice_date,
            "period_start": invoice.period_start,
            "period_end": invoice.period_end,
            "amount": invoice.amount,
        }
        for invoice in invoices
    ]
    return record_payment(
        actor=actor,
        reference=reference,
        paid_on=paid_on,
        beneficiary=invoices[0].dossier.provider_establishment,
        lines=lines,
    )
