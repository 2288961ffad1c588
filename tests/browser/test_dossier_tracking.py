"""Dossier tracking in headless Chromium: eGestion (find a dossier by number, messages, documents, CSV extraction)
and oGestion (filter by trainee name, download a funding agreement)."""

import csv
import io
import re
from pathlib import Path

from playwright.sync_api import expect

from accounts.models import Role
from messaging.models import MessageRead
from tests.browser.helpers import log_in
from tests.factories import (
    TINY_PDF,
    DocumentFactory,
    DossierFactory,
    EnrolmentFactory,
    MembershipFactory,
    MessageFactory,
    ProviderEstablishmentFactory,
    UserFactory,
)


def test_egestion_dossier_messages_documents_and_export(page):
    user = UserFactory(email="marie.petit@batir-ensemble.fr")
    establishment = MembershipFactory(user=user, role=Role.COMPANY_MANAGER).establishment
    dossier = DossierFactory(number="99307777.01", employer_establishment=establishment)
    DossierFactory.create_batch(3, employer_establishment=establishment)
    DocumentFactory(dossier=dossier, name="Accord de prise en charge.pdf")
    DocumentFactory(dossier=dossier, received=True)
    message = MessageFactory(dossier=dossier, title="Pièce manquante", body="Merci de nous envoyer la convention.")

    log_in(page, user.email, "egestion")
    page.goto("/egestion/dossiers/")
    page.get_by_label("N° de dossier").fill("99307777")
    page.get_by_role("button", name="Rechercher").click()
    expect(page).to_have_url(re.compile(r"numero=99307777"))
    rows = page.locator("#dossier-results tbody tr")
    expect(rows).to_have_count(1)

    # Export the filtered list as CSV and check its rows.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Extraction CSV").click()
    content = Path(download_info.value.path()).read_text(encoding="utf-8-sig")
    exported = list(csv.reader(io.StringIO(content), delimiter=";"))
    assert [row[0] for row in exported[1:]] == ["99307777.01"]

    page.get_by_role("link", name="99307777.01").click()
    expect(page.get_by_role("heading", name="Dossier n° 99307777.01")).to_be_visible()
    messages_tab = page.get_by_role("link", name=re.compile("MESSAGE"))
    expect(messages_tab.locator(".dossier-tabs__count--unread")).to_have_text(re.compile("1"))
    messages_tab.click()
    expect(page).to_have_url(re.compile(r"/onglet/messages/$"))
    expect(page.locator(".message-row--unread")).to_have_count(1)

    # Read the message, then mark it unread.
    page.get_by_role("link", name="Pièce manquante").click()
    expect(page.get_by_text("Merci de nous envoyer la convention.")).to_be_visible()
    assert MessageRead.objects.filter(message=message, user=user).exists()
    page.get_by_role("button", name="Marquer comme non lu").click()
    expect(page.locator(".message-row--unread")).to_have_count(1)
    assert not MessageRead.objects.filter(message=message, user=user).exists()

    # Reply with "+": it appears at the top of the history.
    page.get_by_role("link", name="Envoyer un message").click()
    page.get_by_label("Titre").fill("Convention signée")
    page.get_by_label("Contenu").fill("Bonjour, voici la convention signée.")
    page.get_by_label("Pièces jointes").set_input_files(
        files=[{"name": "convention.pdf", "mimeType": "application/pdf", "buffer": TINY_PDF}]
    )
    page.get_by_role("button", name="VALIDER").click()
    expect(page.locator("tbody tr").first).to_contain_text("Convention signée")

    # Download an issued and a received document.
    page.get_by_role("link", name=re.compile("DOCUMENT\\(S\\) ÉMIS")).click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("Télécharger Accord de prise en charge")).click()
    assert download_info.value.suggested_filename == "Accord de prise en charge.pdf"
    assert Path(download_info.value.path()).read_bytes() == TINY_PDF
    page.get_by_role("link", name=re.compile("DOCUMENT\\(S\\) REÇUS")).click()
    expect(page).to_have_url(re.compile(r"/onglet/documents-recus/$"))
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("Télécharger CERFA")).click()
    assert download_info.value.suggested_filename == "CERFA FA13 signé.pdf"


def test_ogestion_filter_by_trainee_and_download_the_agreement(page):
    user = UserFactory(email="jing.tian@cma-occitanie.fr")
    establishment = ProviderEstablishmentFactory()
    MembershipFactory(user=user, establishment=establishment, role=Role.PROVIDER_REFERENT)
    wanted = DossierFactory(provider_establishment=establishment)
    EnrolmentFactory(dossier=wanted, person__last_name="Lefebvre", person__first_name="Julien")
    DocumentFactory(dossier=wanted, name="Accord de prise en charge.pdf")
    for other in DossierFactory.create_batch(3, provider_establishment=establishment):
        EnrolmentFactory(dossier=other, person__last_name="Moreau")

    log_in(page, user.email, "ogestion")
    page.goto("/ogestion/dossiers/")
    expect(page.locator("#dossier-results tbody tr")).to_have_count(4)
    page.get_by_label("Nom du stagiaire").fill("Lefebvre")
    page.get_by_role("button", name="Rechercher").click()
    expect(page.locator("#dossier-results tbody tr")).to_have_count(1)
    expect(page).to_have_url(re.compile(r"stagiaire=Lefebvre"))
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("Accord du dossier")).click()
    assert Path(download_info.value.path()).read_bytes() == TINY_PDF


def test_htmx_swaps_tabs_and_results_in_place_and_the_filters_keep_the_tab(page):
    user = UserFactory()
    establishment = MembershipFactory(user=user, role=Role.COMPANY_MANAGER).establishment
    DossierFactory.create_batch(2, employer_establishment=establishment, scheme="PLAN")
    closed = DossierFactory(employer_establishment=establishment, scheme="PLAN", status="closed")
    DossierFactory(employer_establishment=establishment, scheme="CPRO", status="closed")
    EnrolmentFactory(dossier=closed, person__last_name="Garnier")

    log_in(page, user.email, "egestion")
    page.goto("/egestion/dossiers/")
    page.evaluate("window.notReloaded = true")
    page.get_by_role("link", name=re.compile("HISTORIQUE")).click()
    expect(page).to_have_url(re.compile(r"onglet=historique"))
    expect(page.locator("#dossier-results tbody tr")).to_have_count(2)
    page.get_by_label("Dispositif").select_option("PLAN")
    page.get_by_role("button", name="Rechercher").click()
    expect(page).to_have_url(re.compile(r"dispositif=PLAN"))
    expect(page).to_have_url(re.compile(r"onglet=historique"))
    expect(page.locator("#dossier-results tbody tr")).to_have_count(1)
    assert page.evaluate("window.notReloaded") is True

    page.get_by_role("link", name=closed.number).click()
    page.evaluate("window.notReloaded = true")
    page.get_by_role("link", name=re.compile("INSCRIPTION")).click()
    expect(page).to_have_url(re.compile(r"/onglet/inscriptions/$"))
    expect(page.locator("#dossier-tabs")).to_contain_text("GARNIER")
    page.get_by_role("link", name=re.compile("RÈGLEMENT")).click()
    expect(page).to_have_url(re.compile(r"/onglet/reglements/$"))
    expect(page.locator("#dossier-tabs")).to_contain_text("Aucun règlement")
    assert page.evaluate("window.notReloaded") is True
    page.go_back()
    expect(page).to_have_url(re.compile(r"/onglet/inscriptions/$"))
