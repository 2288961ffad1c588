"""A training provider paid by subrogation deposits its invoice in headless Chromium (issue 21): FACTURATION of a
skills-plan dossier shows what remains to invoice; without the attestation d'assiduité the invoice is refused with
the reason; with it, the invoice is deposited and nothing remains."""

import datetime
import re
from decimal import Decimal

from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Role
from dossiers.models import Scheme
from invoicing.models import Invoice, Subrogation
from tests.browser.helpers import log_in
from tests.factories import TINY_PDF, DossierFactory, MembershipFactory, ProviderEstablishmentFactory


def test_a_provider_deposits_a_subrogation_invoice_with_its_attendance_certificate(page, tmp_path):
    establishment = ProviderEstablishmentFactory(name="FORMABAT")
    referent = MembershipFactory(
        establishment=establishment, role=Role.PROVIDER_REFERENT, user__email="referent@formabat.fr"
    ).user
    today = timezone.localdate()
    dossier = DossierFactory(
        scheme=Scheme.PLAN,
        provider_establishment=establishment,
        start_date=today - datetime.timedelta(days=20),
        end_date=today - datetime.timedelta(days=2),
        agreed_amount=Decimal("1850.00"),
    )
    Subrogation.objects.create(dossier=dossier)
    invoice_pdf, certificate = tmp_path / "facture.pdf", tmp_path / "attestation.pdf"
    invoice_pdf.write_bytes(TINY_PDF)
    certificate.write_bytes(TINY_PDF)

    log_in(page, referent.email, "ogestion")
    page.goto(f"/ogestion/dossiers/{dossier.number}/facturation/")
    expect(page.get_by_role("heading", name="Facturation en subrogation")).to_be_visible()
    expect(page.get_by_text("Reste à facturer")).to_be_visible()
    page.get_by_role("link", name="Déposer une facture").click()

    def fill():
        page.get_by_label("N° de facture").fill("FB-2026-0042")
        page.get_by_label("Date de la facture").fill(today.isoformat())
        page.get_by_label("Période facturée : du").fill(dossier.start_date.isoformat())
        page.get_by_label("au", exact=True).fill(dossier.end_date.isoformat())
        page.get_by_label("Montant TTC (€)").fill("1 850,00")
        page.get_by_label(re.compile(r"^La facture")).set_input_files(str(invoice_pdf))

    fill()
    page.get_by_role("button", name="Déposer la facture").click()
    expect(page.get_by_role("alert")).to_contain_text("Joignez l'attestation d'assiduité")
    assert not Invoice.objects.exists()

    fill()
    page.get_by_label("Attestation d'assiduité").set_input_files(str(certificate))
    page.get_by_role("button", name="Déposer la facture").click()
    expect(page.get_by_text("Votre facture n° FB-2026-0042 a été déposée")).to_be_visible()
    expect(page.get_by_text("Le montant accordé est entièrement facturé.")).to_be_visible()
    expect(page.locator("#facture-fb-2026-0042")).to_contain_text("Déposée")
