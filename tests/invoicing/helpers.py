"""Helpers of the invoicing tests: a CFA user, an apprenticeship dossier with its contract terms, an invoice."""

import contextlib
import datetime
from decimal import Decimal

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from invoicing.models import ContractTerms
from invoicing.services import InvoiceInput
from tests.factories import TINY_PDF, DossierFactory

D = Decimal
TODAY = timezone.localdate()


@contextlib.contextmanager
def on_today():
    """Keep the clock on TODAY, read once at import: a run that crosses midnight in Paris would otherwise compare
    TODAY with the next day's dates (the clock still ticks, from noon)."""
    noon = datetime.datetime.combine(TODAY, datetime.time(12), tzinfo=timezone.get_current_timezone())
    with time_machine.travel(noon, tick=True):
        yield


def pdf(name="facture.pdf"):
    return SimpleUploadedFile(name, TINY_PDF, content_type="application/pdf")


def apprenticeship(user, establishment=None, **terms):
    establishment = establishment or user.memberships.get().establishment
    starts_on = TODAY - datetime.timedelta(days=60)
    dossier = DossierFactory(
        apprenticeship=True, provider_establishment=establishment, start_date=starts_on, duration_days=729
    )
    ContractTerms.objects.create(
        dossier=dossier,
        concluded_on=starts_on - datetime.timedelta(days=10),
        starts_on=starts_on,
        ends_on=dossier.end_date,
        annual_npec=D("8000.00"),
        **{"level": 5, **terms},
    )
    return dossier


def advance(number="F-2026-001", amount="3200.00", dossier=None, **fields):
    values = {
        "number": number,
        "invoice_date": TODAY,
        "period_start": dossier.start_date if dossier else TODAY,
        "period_end": TODAY,
        "amount": D(amount),
        **fields,
    }
    return InvoiceInput(**values)
