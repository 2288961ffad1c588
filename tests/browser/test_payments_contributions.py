"""Payments, establishments and the member account in headless Chromium: a provider finds a payment, opens it,
follows a line to its dossier and downloads the remittance advice (a real WeasyPrint PDF, its text checked); a
référent sends new bank details; a company user declares a contribution return and downloads the receipt."""

import datetime
import re
import subprocess
from decimal import Decimal
from pathlib import Path

from playwright.sync_api import expect

from accounts.models import Role
from banking.models import BankDetailsRequest
from contributions.models import ContributionRate
from payments.services import record_payment
from tests.browser.helpers import log_in
from tests.factories import (
    TINY_PDF,
    DossierFactory,
    EstablishmentFactory,
    MembershipFactory,
    PaymentFactory,
    ProviderEstablishmentFactory,
    UserFactory,
)


def pdf_text(path) -> str:
    raw = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return re.sub(r"\s+", " ", raw)


def test_provider_finds_a_payment_follows_a_line_and_downloads_the_remittance_advice(page, tmp_path):
    user = UserFactory(email="jing.tian@cma-occitanie.fr")
    establishment = ProviderEstablishmentFactory(
        name="CHAMBRE DE METIERS ET DE L'ARTISANAT OCCITANIE", postal_code="31240", city="SAINT JEAN"
    )
    other = ProviderEstablishmentFactory(organisation=establishment.organisation, name="CMA OCCITANIE ALBI")
    MembershipFactory(user=user, establishment=establishment, role=Role.PROVIDER_REFERENT)
    MembershipFactory(user=user, establishment=other, role=Role.PROVIDER_REFERENT)
    dossier = DossierFactory(number="4021000418.01", provider_establishment=establishment, title="MACON (CAP)")
    second = DossierFactory(number="4021000419.01", provider_establishment=establishment, title="MACON (CAP)")
    # Recorded as accounting does in the admin: the service files the remittance advice (WeasyPrint).
    record_payment(
        actor=UserFactory(staff=True),
        reference="VIR550",
        paid_on=datetime.date(2022, 9, 1),
        beneficiary=establishment,
        lines=[
            {
                "dossier": dossier,
                "invoice_date": datetime.date(2022, 7, 29),
                "invoice_number": "FEH1220340",
                "amount": Decimal("86355.75"),
            },
            {
                "dossier": second,
                "invoice_date": datetime.date(2022, 7, 29),
                "invoice_number": "FEH1220341",
                "amount": Decimal("1162.75"),
            },
        ],
    )
    PaymentFactory(reference="VIR551", beneficiary=other)

    log_in(page, user.email, "ogestion")
    page.get_by_role("link", name="Consulter mes règlements").click()
    expect(page.locator("#payment-results tbody tr")).to_have_count(2)
    page.get_by_label("Établissement").select_option(label=f"{establishment.name} — {establishment.siret}")
    page.get_by_role("button", name="Rechercher").click()
    expect(page.locator("#payment-results tbody tr")).to_have_count(1)
    expect(page.locator("#payment-results tbody tr")).to_contain_text("01/09/2022")

    page.get_by_role("link", name="VIR550", exact=True).click()
    expect(page.get_by_role("heading", name="Règlement N° VIR550")).to_be_visible()
    summary = page.locator(".payment-summary")
    expect(summary).to_contain_text(re.compile(r"Virement le 01/09/2022 d'un montant total TTC\s+87\s518,50\s€"))
    expect(summary).to_contain_text(f"({establishment.siret}) - 31240 / SAINT JEAN")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger l'avis de virement").click()
    assert download_info.value.suggested_filename == "Avis de virement VIR550.pdf"
    path = tmp_path / "avis.pdf"
    download_info.value.save_as(path)
    text = pdf_text(path)
    assert "Avis de virement" in text and "VIR550" in text
    assert "87 518,50 €" in text and "FEH1220340" in text

    page.get_by_role("link", name="4021000418.01").click()
    expect(page.get_by_role("heading", name="Dossier n° 4021000418.01")).to_be_visible()
    page.get_by_role("link", name=re.compile("RÈGLEMENTS")).click()
    expect(page.locator("#dossier-tabs")).to_contain_text("VIR550")
    expect(page.locator("#dossier-tabs")).to_contain_text(re.compile(r"86\s355,75\s€"))

    # The same advice from "Voir mes établissements / mes avis de virement".
    page.get_by_role("link", name="Voir mes établissements / mes avis de virement").click()
    expect(page.locator("#establishment-results")).to_contain_text(f"•••• {establishment.iban[-4:]}")
    page.get_by_label("Raison sociale").fill("artisanat")
    page.get_by_role("button", name="Rechercher").click()
    expect(page.locator("#establishment-results tbody tr")).to_have_count(1)
    page.get_by_role("link", name=establishment.name).click()
    expect(page.get_by_text(establishment.formatted_iban)).to_be_visible()
    expect(page.get_by_text(re.compile("Déposé le"))).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Avis de virement VIR550.pdf").click()
    assert Path(download_info.value.path()).read_bytes() == path.read_bytes()


def test_referent_sends_new_bank_details_from_the_establishment_page(page, tmp_path):
    user = UserFactory()
    establishment = ProviderEstablishmentFactory(without_iban=True)
    MembershipFactory(user=user, establishment=establishment, role=Role.PROVIDER_REFERENT)
    rib = tmp_path / "rib.pdf"
    rib.write_bytes(TINY_PDF)

    log_in(page, user.email, "ogestion")
    expect(page.get_by_text("1 établissement sans IBAN enregistré")).to_be_visible()
    page.get_by_role("link", name=establishment.name).click()
    page.get_by_role("link", name="Envoyer de nouvelles coordonnées bancaires").click()
    page.get_by_label("Nouvel IBAN").fill("FR76 3000 4000 0312 3456 7890 144")
    page.get_by_label("Nouveau BIC").fill("BNPAFRPPXXX")
    page.get_by_label(re.compile(r"^RIB \(PDF")).set_input_files(str(rib))
    page.get_by_label(re.compile("Je certifie")).check()
    page.get_by_role("button", name="Envoyer pour validation").click()
    expect(page.get_by_text(re.compile("clé de contrôle est erronée"))).to_be_visible()
    page.get_by_label("Nouvel IBAN").fill("FR76 3000 4000 0312 3456 7890 143")
    page.get_by_label(re.compile(r"^RIB \(PDF")).set_input_files(str(rib))
    page.get_by_label(re.compile("Je certifie")).check()
    page.get_by_role("button", name="Envoyer pour validation").click()
    expect(page.get_by_text(re.compile("en attente de validation"))).to_be_visible()
    assert BankDetailsRequest.objects.get().iban == "FR7630004000031234567890143"


def test_company_user_declares_a_contribution_return_and_downloads_the_receipt(page, tmp_path):
    ContributionRate.objects.create(year=2025, label="Contribution légale", rate=Decimal("1.000"), min_headcount=11)
    ContributionRate.objects.create(year=2025, label="Contribution conventionnelle", rate=Decimal("0.200"), position=1)
    user = UserFactory()
    establishment = EstablishmentFactory(name="BATIR ENSEMBLE")
    MembershipFactory(user=user, establishment=establishment, role=Role.COMPANY_MANAGER)

    log_in(page, user.email, "egestion")
    page.get_by_role("link", name="Déclarer mes contributions").click()
    page.get_by_role("link", name="Saisir un bordereau de collecte").click()
    expect(page.get_by_role("heading", name="Saisie de votre bordereau de collecte")).to_be_visible()
    page.get_by_label("Année des salaires").select_option("2025")
    page.get_by_label("Effectif moyen annuel").fill("25")
    page.get_by_label("Masse salariale brute annuelle (€)").fill("1 234 567,89")
    page.get_by_label("Dont masse salariale brute des CDD (€)").fill("0")
    page.get_by_role("button", name="Valider mon bordereau").click()
    expect(page.get_by_role("heading", name="Bordereau de collecte 2025")).to_be_visible()
    expect(page.locator("tfoot")).to_contain_text(re.compile(r"14\s814,82\s€"))

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger l'accusé de réception (PDF)").click()
    path = tmp_path / "accuse.pdf"
    download_info.value.save_as(path)
    text = pdf_text(path)
    assert "Accusé de réception" in text and establishment.siret in text
    assert "14 814,82 €" in text and "Contribution conventionnelle" in text

    page.get_by_role("link", name="Retour à mon compte adhérent").click()
    expect(page.locator("tbody").first).to_contain_text(re.compile(r"14\s814,82\s€"))
