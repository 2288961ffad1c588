"""Invoices of a CFA on an apprenticeship dossier (oGestion keys): what can be invoiced, the invoices and their
statuses, and the deposit, through invoicing.services like the dossier's FACTURATION tab."""

import datetime
from decimal import Decimal

from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from api import scope
from api.auth import require_write
from api.schemas import ERRORS, amount
from invoicing import selectors, services
from invoicing.models import AttachmentKind, Invoice

router = Router(tags=["Factures (CFA)"])


class Facture(Schema):
    id: int
    numero: str
    date: datetime.date
    periode_debut: datetime.date
    periode_fin: datetime.date
    montant: str
    echeances: str
    statut: str
    statut_libelle: str
    deposee_le: datetime.datetime
    paiement_prevu_le: datetime.date | None
    motif_rejet: str


class Facturation(Schema):
    dossier: str
    probleme: str | None
    total: str
    deja_facture: str
    facturable_ce_jour: str
    factures: list[Facture]


def invoice_out(invoice) -> dict:
    return {
        "id": invoice.pk,
        "numero": invoice.number,
        "date": invoice.invoice_date,
        "periode_debut": invoice.period_start,
        "periode_fin": invoice.period_end,
        "montant": amount(invoice.amount),
        "echeances": invoice.instalment,
        "statut": invoice.status,
        "statut_libelle": invoice.status_label(),
        "deposee_le": invoice.received_at,
        "paiement_prevu_le": invoice.expected_payment_on,
        "motif_rejet": invoice.rejection_reason,
    }


def _billing_out(dossier) -> dict:
    billing = selectors.billing_of(dossier)  # NPEC schedule, or subrogation (skills plan...), as on FACTURATION
    invoices = Invoice.objects.filter(dossier=dossier).order_by("-received_at", "-id")
    return {
        "dossier": dossier.number,
        "probleme": billing.problem,
        "total": amount(billing.total),
        "deja_facture": amount(billing.invoiced),
        "facturable_ce_jour": amount(billing.invoicable_today if not billing.problem else Decimal(0)),
        "factures": [invoice_out(invoice) for invoice in invoices],
    }


@router.get("/dossiers/{numero}/factures", response={200: Facturation, **ERRORS}, summary="Facturation d'un dossier")
def billing(request, numero: str):
    scope.provider_only(request)
    return _billing_out(scope.dossier_or_404(request, numero))


@router.post("/dossiers/{numero}/factures", response={201: Facture, **ERRORS}, summary="Déposer une facture")
def deposit(
    request,
    numero: str,
    numero_facture: Form[str],
    date: Form[datetime.date],
    periode_debut: Form[datetime.date],
    periode_fin: Form[datetime.date],
    montant: Form[Decimal],
    pdf: File[UploadedFile],
    attestation_demarrage: File[UploadedFile] = None,
    attestation_realisation: File[UploadedFile] = None,
    facture_participation: File[UploadedFile] = None,
    attestation_assiduite: File[UploadedFile] = None,
):
    """Multipart form. Refused (400, with the reason in French) as on the portal: amount beyond what can be
    invoiced today, number already used, period outside the contract, missing certificate."""
    scope.provider_only(request)
    dossier = scope.dossier_or_404(request, numero)
    require_write(request)
    data = services.InvoiceInput(
        number=numero_facture[:40],
        invoice_date=date,
        period_start=periode_debut,
        period_end=periode_fin,
        amount=montant,
    )
    attachments = {
        AttachmentKind.START_CERTIFICATE: attestation_demarrage,
        AttachmentKind.COMPLETION_CERTIFICATE: attestation_realisation,
        AttachmentKind.PARTICIPATION_INVOICE: facture_participation,
        AttachmentKind.ATTENDANCE_CERTIFICATE: attestation_assiduite,  # a dossier paid by subrogation
    }
    invoice = selectors.deposit(scope.user_of(request), dossier, data, pdf, attachments)
    return Status(201, invoice_out(invoice))
