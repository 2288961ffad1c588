"""Invoices through the API follow FACTURATION: a dossier paid by subrogation (skills plan) is invoiced against its
agreed amount with the attestation d'assiduité, as on the portal (invoicing.selectors), not on an NPEC schedule."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import Portal
from dossiers.models import Scheme
from invoicing.models import Invoice, Subrogation
from tests.factories import DossierFactory, minimal_pdf

from .conftest import make_key

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan_dossier(world):
    end = timezone.localdate() - datetime.timedelta(days=3)
    dossier = DossierFactory(
        scheme=Scheme.PLAN,
        employer_establishment=world["rennes"],
        provider_establishment=world["cfa"],
        start_date=end - datetime.timedelta(days=20),
        end_date=end,
        agreed_amount="2400.00",
    )
    Subrogation.objects.create(dossier=dossier)
    return dossier


def deposit(call, key, dossier, **files):
    end = dossier.end_date
    return call(key).post(
        f"/api/v1/dossiers/{dossier.number}/factures",
        {
            "numero_facture": "OF-API-1",
            "date": timezone.localdate().isoformat(),
            "periode_debut": dossier.start_date.isoformat(),
            "periode_fin": end.isoformat(),
            "montant": "2400.00",
            "pdf": pdf_file("facture.pdf"),
            **files,
        },
        multipart=True,
    )


def pdf_file(name):
    return SimpleUploadedFile(name, minimal_pdf(name), content_type="application/pdf")


def test_a_subrogated_dossier_is_invoiced_through_the_api_with_its_attendance_certificate(world, call, plan_dossier):
    key = make_key(world["referent"], Portal.OGESTION, [world["cfa"]])
    billing = call(key).get(f"/api/v1/dossiers/{plan_dossier.number}/factures").json()
    assert billing["probleme"] is None and billing["facturable_ce_jour"] == "2400.00"

    refused = deposit(call, key, plan_dossier)
    assert refused.status_code == 400 and "attestation d'assiduité" in refused.json()["erreur"]["message"]
    assert not Invoice.objects.exists()

    accepted = deposit(call, key, plan_dossier, attestation_assiduite=pdf_file("attestation.pdf"))
    assert accepted.status_code == 201, accepted.content.decode()
    assert Invoice.objects.get().amount == 2400
