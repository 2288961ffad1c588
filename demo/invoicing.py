"""Demo invoicing: contract terms for the demo CFA's apprenticeship dossiers and one invoice in every status
("Déposée", "En contrôle", "Validée", "Payée", "Rejetée"). Idempotent: keyed on the dossier and the invoice number."""

import datetime
import io
from decimal import Decimal

from django.core.management import call_command

from demo.pdf import render_pdf
from dossiers.models import Document, DossierStatus, Scheme
from invoicing import services
from invoicing.models import ContractTerms, Invoice, InvoiceStatus
from payments.models import Payment

STATUSES = [
    InvoiceStatus.DEPOSITED,
    InvoiceStatus.IN_REVIEW,
    InvoiceStatus.VALIDATED,
    "paid",
    InvoiceStatus.REJECTED,
]
DEMO_NPEC = Decimal("7400.00")  # the sample NPEC of a CAP maçon (invoicing/samples/npec.csv)
PAYMENT_REFERENCE = "VIR560"


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


def seed_invoicing(world) -> None:
    call_command("load_npec", "--sample", stdout=io.StringIO())
    referent = world.users["referent"]
    accountant = world.users.get("comptabilite")
    pairs = []  # (dossier, instalment): the first two instalments of each dossier the rules schedule
    for dossier in _dossiers(world):
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
        billing = services.billing_for(dossier)
        if not billing.problem:
            pairs += [(dossier, line.instalment) for line in billing.lines[:2]]
    pairs.sort(key=lambda pair: pair[1].invoicable_from)
    for index, (dossier, first) in enumerate(pairs[: len(STATUSES)]):
        status = STATUSES[index]
        number = f"FA-{dossier.start_date:%Y}-{index + 101}"
        received = min(first.invoicable_from, world.today) + datetime.timedelta(days=2)
        pdf = render_pdf(
            title=f"Facture n° {number}",
            subtitle=dossier.provider_establishment.name,
            facts=[("Dossier", dossier.number), ("Échéance", first.label), ("Montant TTC", f"{first.amount} €")],
        )
        invoice, created = Invoice.objects.get_or_create(
            organisation=dossier.provider_establishment.organisation,
            number=number,
            defaults={
                "dossier": dossier,
                "invoice_date": received,
                "period_start": dossier.start_date,
                "period_end": min(dossier.end_date, received),
                "amount": first.amount,
                "instalment": first.label,
                "status": InvoiceStatus.VALIDATED if status == "paid" else status,
                "received_at": datetime.datetime.combine(received, datetime.time(9), tzinfo=datetime.UTC),
                "expected_payment_on": max(received + datetime.timedelta(days=30), first.due_on),
                "rejection_reason": "Le numéro SIRET porté sur la facture n'est pas celui du CFA."
                if status == InvoiceStatus.REJECTED
                else "",
                "reviewed_by": accountant
                if status in ("paid", InvoiceStatus.VALIDATED, InvoiceStatus.REJECTED)
                else None,
                "uploaded_by": referent,
                **Invoice.pdf_fields(pdf, name=f"{number}.pdf"),
            },
        )
        if status == "paid" and not Payment.objects.filter(reference=PAYMENT_REFERENCE).exists() and accountant:
            payment = services.pay_invoices(
                actor=accountant,
                reference=PAYMENT_REFERENCE,
                paid_on=min(world.today, invoice.expected_payment_on),
                invoices=[invoice],
            )
            # The demo's remittance advices share one naming (demo.world.DemoWorld.payments).
            Document.objects.filter(pk=payment.remittance_advice_id).update(
                name=f"Avis de virement - {payment.reference}.pdf"
            )
