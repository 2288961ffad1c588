"""Digit Invest in headless Chromium: a CFA référent logs in with their oGestion credentials, accepts the Digit
Invest terms, files a request with two lines and a quote and submits it; a case manager accepts it in the admin;
the CFA user sees the granted amount."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from invest.models import Campaign, ExpenseCategory, InvestmentRequest, RequestStatus, TermsVersion
from tests.browser.helpers import log_in_to_the_admin, save_screenshot
from tests.factories import (
    DEFAULT_PASSWORD,
    MembershipFactory,
    ProviderEstablishmentFactory,
    ProviderFactory,
    UserFactory,
    minimal_pdf,
    totp_code,
)
from tests.invest.conftest import make_campaign


@pytest.fixture
def campaign():
    # Browser tests run on a database flushed between tests: publish the terms and the categories here.
    TermsVersion.objects.create(version="1", body="Vous vous engagez à transmettre des devis authentiques.")
    for position, name in enumerate(["Équipements pédagogiques", "Équipements numériques"], start=1):
        ExpenseCategory.objects.get_or_create(name=name, defaults={"position": position})
    return make_campaign()


@pytest.fixture
def cfa_referent():
    provider = ProviderFactory(name="BTP CFA")
    user = UserFactory(email="claire.roussel@btpcfa.fr", first_name="Claire", last_name="Roussel")
    MembershipFactory(
        user=user,
        establishment=ProviderEstablishmentFactory(organisation=provider, name="BTP CFA HAUTE-GARONNE", cfa=True),
        role=Role.PROVIDER_REFERENT,
    )
    return user


@pytest.mark.screenshots
def test_a_cfa_files_a_request_that_a_case_manager_accepts(
    page, browser, live_server, campaign, cfa_referent, tmp_path
):
    page.goto("/digit-invest/")
    expect(page).to_have_url(re.compile(r"/digit-invest/connexion/"))
    expect(page.get_by_role("heading", name="Digit Invest CFA")).to_be_visible()
    save_screenshot(page, "digit-invest-login.png")
    page.get_by_label("Adresse mail").fill(cfa_referent.email)
    page.get_by_label("Mot de passe").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Je me connecte").click()

    # First access: the Digit Invest terms.
    expect(page.get_by_text("Vous vous engagez à transmettre des devis authentiques.")).to_be_visible()
    page.get_by_role("button", name="J'ai lu et j'accepte").click()

    expect(page.get_by_role("heading", name="Mes demandes d'investissement")).to_be_visible()
    expect(page.get_by_role("link", name="campagne-investcfa@constructys.fr")).to_be_visible()
    expect(page.get_by_role("link", name="FAQ")).to_be_visible()
    page.get_by_role("main").get_by_role("link", name="Nouvelle demande").click()

    page.get_by_label("Intitulé du projet").fill("Plateau technique BIM")
    page.get_by_label("Description du projet").fill("Équiper la salle de maquettes numériques.")
    page.get_by_label("Catégorie de dépense").select_option(label="Équipements numériques")
    page.get_by_label("Désignation (ligne 1)").fill("Stations de travail")
    page.get_by_label("Quantité (ligne 1)").fill("12")
    page.get_by_label("Prix unitaire HT (ligne 1)").fill("1 850,00")
    page.get_by_label("Désignation (ligne 2)").fill("Licences logiciel BIM")
    page.get_by_label("Quantité (ligne 2)").fill("12")
    page.get_by_label("Prix unitaire HT (ligne 2)").fill("640,50")
    page.get_by_role("button", name="Enregistrer le brouillon").click()

    expect(page.get_by_text("Votre demande est enregistrée en brouillon.")).to_be_visible()
    # 12 × 1 850,00 + 12 × 640,50 = 29 886,00 HT, 35 863,20 TTC.
    amounts = page.locator(".invest-amounts")
    expect(amounts).to_contain_text("29 886,00 €")
    expect(amounts).to_contain_text("35 863,20 €")

    quote = tmp_path / "devis-stations.pdf"
    quote.write_bytes(minimal_pdf("Devis stations de travail"))
    for number, piece in enumerate(Campaign.objects.get().required_document_list, start=1):
        page.get_by_label(f"Fichier « {piece} »").set_input_files(quote)
        page.get_by_role("button", name=f"Joindre {piece}").click()
        expect(page.get_by_text(f"« devis-stations.pdf » joint à la demande comme « {piece} ».")).to_be_visible()
        expect(page.locator(f"#piece-{number}")).to_contain_text("Jointe")

    page.get_by_text("Transmettre ma demande").click()
    page.get_by_role("button", name="Confirmer la transmission").click()
    expect(page.get_by_text("Votre demande est transmise à Constructys.")).to_be_visible()
    expect(page.get_by_role("button", name="Enregistrer le brouillon")).to_have_count(0)
    investment = InvestmentRequest.objects.get()
    assert investment.status == RequestStatus.SUBMITTED
    request_url = page.url
    save_screenshot(page, "digit-invest-request.png")

    # The case manager decides in the admin (password, then the authenticator app's code).
    UserFactory(email="gestionnaire@constructys.fr", superuser=True)
    staff = browser.new_context(base_url=live_server.url, locale="fr-FR")
    admin = staff.new_page()
    log_in_to_the_admin(admin, "gestionnaire@constructys.fr")
    admin.get_by_label("Code de vérification").fill(totp_code())
    admin.get_by_role("button", name="Valider").click()
    admin.goto("/admin/invest/investmentrequest/?status__exact=submitted")
    admin.get_by_role("link", name=investment.reference).click()
    admin.get_by_role("link", name="Décider").click()
    admin.get_by_label("Accepter").check()
    admin.get_by_label("Montant accordé (€)").fill("30 000,00")
    admin.get_by_role("button", name="Enregistrer la décision").click()
    expect(admin.get_by_text("Décision enregistrée")).to_be_visible()
    staff.close()

    page.goto(request_url)
    expect(page.get_by_text("Acceptée").first).to_be_visible()
    expect(page.locator(".invest-granted")).to_have_text("30 000,00 €")

    page.get_by_role("link", name="Campagne et mes demandes").click()
    row = page.get_by_role("row", name=re.compile(investment.reference))
    expect(row).to_contain_text("Acceptée")
    expect(row).to_contain_text("30 000,00 €")
    save_screenshot(page, "digit-invest-home.png")
