"""Demo invoicing: contract terms for the demo CFA's apprenticeship dossiers and invoices in every status
("Déposée", "En contrôle", "Validée", "Payée", "Rejetée"). Idempotent: keyed on the dossier and the invoice number."""

import datetime
import importlib
import io
from decimal import Decimal

from django.core.management import call_command

from demo.pdf import render_pdf
from dossiers.models import Document, DossierStatus, Scheme
from invoicing import services
from invoicing.models import ContractTerms, Invoice, InvoiceStatus, PaymentRule
from payments.models import Payment

# From the most recent invoice back: what accounting has not finished with yet, then paid ones.
RECENT_STATUSES = [InvoiceStatus.DEPOSITED, InvoiceStatus.IN_REVIEW, InvoiceStatus.REJECTED, InvoiceStatus.VALIDATED]
PAID = "paid"
DEMO_NPEC = Decimal("7400.00")  # the sample NPEC of a CAP maçon (invoicing/samples/npec.csv)
FIRST_PAYMENT_REFERENCE = 560  # VIR560, VIR561...: after the demo's other payments (VIR548 to VIR555)
REJECTION_REASON = "Le numéro SIRET porté sur la facture n'est pas celui du CFA."


def _dossiers(world):
    referent = world.users["referent"]
    sites = [m.establishment_id for m in referent.memberships.filter(is_active=True)]
    from dossiers.models import Dossier

    return list(
        Dossier.objects.filter(
            provider_establishment_id__in=sites,
            scheme=Scheme.ALTE,
            status__in=[DossierStatus.ACCEPTED, DossierStatus.CLOSED],
        ).order_by("number")
    )


def ensure_statutory_rules() -> None:
    """The payment rules the migration writes, again after `manage.py flush` (which empties every table)."""
    if PaymentRule.objects.exists():
        return
    migration = importlib.import_module("invoicing.migrations.0002_statutory_payment_rules")
    for rule in migration.RULES:
        PaymentRule.objects.get_or_create(concluded_from=rule["concluded_from"], defaults=rule)


def seed_invoicing(world) -> None:
    """Contract terms for the demo CFA's apprenticeship dossiers, and an invoice for each instalment already due on
    the running contracts but the latest one's (left for the demo: "Déposer une facture" of its advance): the most
    recent ones "Déposée", "En contrôle", "Rejetée" and "Validée" (payment late), the older ones paid, one payment each
    (VIR560...). The money view of the demo référent then has figures in every column."""
    call_command("load_npec", "--sample", stdout=io.StringIO())
    ensure_statutory_rules()
    dossiers = _dossiers(world)
    for dossier in dossiers:
        ContractTerms.objects.update_or_create(
            dossier=dossier,
            defaults={
                "concluded_on": dossier.start_date - datetime.timedelta(days=20),
                "starts_on": dossier.start_date,
                "ends_on": dossier.end_date,
                "certification_code": "RNCP37651",
                "idcc": "1597",
                "level": 3,
                "annual_npec": DEMO_NPEC,
            },
        )
    running = [d for d in dossiers if d.status == DossierStatus.ACCEPTED]
    running.sort(key=lambda d: (d.start_date, d.number))
    due = []  # (dossier, instalment) already invoicable, not negative
    for dossier in running[:-1]:
        billing = services.billing_for(dossier, world.today)
        if not billing.problem:
            due += [
                (dossier, line.instalment)
                for line in billing.lines
                if line.is_invoicable and line.instalment.amount > 0
            ]
    due.sort(key=lambda pair: (pair[1].invoicable_from, pair[0].number))
    statuses = [PAID] * max(0, len(due) - len(RECENT_STATUSES)) + RECENT_STATUSES[::-1][-len(due) :]
    payment = FIRST_PAYMENT_REFERENCE
    for index, ((dossier, instalment), status) in enumerate(zip(due, statuses, strict=False)):
        invoice = _invoice(world, dossier, instalment, status, number=f"FA-{dossier.start_date:%Y}-{index + 101}")
        if status == PAID:
            _pay(world, invoice, f"VIR{payment}")
            payment += 1


def _invoice(world, dossier, instalment, status, number):
    referent = world.users["referent"]
    accountant = world.users.get("comptabilite")
    received = min(instalment.invoicable_from + datetime.timedelta(days=2), world.today)
    pdf = render_pdf(
        title=f"Facture n° {number}",
        subtitle=dossier.provider_establishment.name,
        facts=[("Dossier", dossier.number), ("Échéance", instalment.label), ("Montant TTC", f"{instalment.amount} €")],
    )
    invoice, _ = Invoice.objects.get_or_create(
        organisation=dossier.provider_establishment.organisation,
        number=number,
        defaults={
            "dossier": dossier,
            "invoice_date": received,
            "period_start": dossier.start_date,  # the contract executed up to the invoice (within the contract)
            "period_end": min(dossier.end_date, max(received, dossier.start_date)),
            "amount": instalment.amount,
            "instalment": instalment.label,
            "status": InvoiceStatus.VALIDATED if status == PAID else status,
            "received_at": datetime.datetime.combine(received, datetime.time(9), tzinfo=datetime.UTC),
            "expected_payment_on": max(received + datetime.timedelta(days=30), instalment.due_on),
            "rejection_reason": REJECTION_REASON if status == InvoiceStatus.REJECTED else "",
            "reviewed_by": accountant if status in (PAID, InvoiceStatus.VALIDATED, InvoiceStatus.REJECTED) else None,
            "uploaded_by": referent,
            **Invoice.pdf_fields(pdf, name=f"{number}.pdf"),
        },
    )
    return invoice


def _pay(world, invoice, reference):
    accountant = world.users.get("comptabilite")
    if accountant is None or Payment.objects.filter(reference=reference).exists():
        return
    # Paid within the delay, a few days before the date planned.
    paid_on = min(world.today, invoice.expected_payment_on - datetime.timedelta(days=3))
    payment = services.pay_invoices(actor=accountant, reference=reference, paid_on=paid_on, invoices=[invoice])
    # The demo's remittance advices share one naming (demo.world.DemoWorld.payments).
    Document.objects.filter(pk=payment.remittance_advice_id).update(name=f"Avis de virement - {payment.reference}.pdf")
