"""Log in to each space in headless Chromium, as a person would, and keep a screenshot of each home page."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from tests.factories import (
    CompanyFactory,
    EstablishmentFactory,
    MembershipFactory,
    ProviderEstablishmentFactory,
    ProviderFactory,
    UserFactory,
    totp_code,
)

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PASSWORD = "Motdepasse-123!"


@pytest.fixture
def company_manager():
    company = CompanyFactory(name="ENTREPRISE TEST")
    user = UserFactory(email="marie.petit@entreprise-test.fr", first_name="Marie", last_name="Petit")
    MembershipFactory(
        user=user,
        establishment=EstablishmentFactory(organisation=company, name="ENTREPRISE TEST", city="PARIS"),
        role=Role.COMPANY_MANAGER,
    )
    return user


@pytest.fixture
def provider_referent():
    provider = ProviderFactory(name="CHAMBRE DE METIERS ET DE L'ARTISANAT OCCITANIE")
    user = UserFactory(email="jing.tian@cma-occitanie.fr", first_name="Jing", last_name="Tian")
    MembershipFactory(
        user=user,
        establishment=ProviderEstablishmentFactory(organisation=provider, name=provider.name, iban=""),
        role=Role.PROVIDER_REFERENT,
    )
    return user


def log_in(page, path, email, password=PASSWORD):
    page.goto(path)
    page.get_by_label("Mot de passe").fill(password)
    page.locator("input[name=login]").fill(email)
    page.get_by_role("button", name="Se connecter").click()


def test_company_user_logs_in_to_egestion_from_the_landing_page(page, company_manager):
    page.goto("/")
    page.get_by_role("link", name="eGestion").first.click()
    expect(page).to_have_url(re.compile(r"/egestion/connexion/$"))
    log_in(page, page.url, company_manager.email)

    expect(page.get_by_role("heading", name="Bienvenue dans votre espace eGestion")).to_be_visible()
    expect(page.get_by_text("Marie PETIT").first).to_be_visible()
    expect(page.get_by_text("ENTREPRISE TEST").first).to_be_visible()
    expect(page.get_by_role("navigation").get_by_role("link", name="Suivre les dossiers de formation")).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "egestion-home.png", full_page=True)

    page.get_by_role("button", name="Se déconnecter").click()
    page.goto("/egestion/")
    expect(page.get_by_role("button", name="Se connecter")).to_be_visible()


def test_provider_referent_logs_in_to_ogestion(page, provider_referent):
    log_in(page, "/ogestion/connexion/", provider_referent.email)

    expect(page.get_by_role("heading", name="Bienvenue dans votre espace oGestion")).to_be_visible()
    expect(page.get_by_text("IBAN manquant").first).to_be_visible()
    expect(page.get_by_role("navigation").get_by_role("link", name="Gérer mes utilisateurs")).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "ogestion-home.png", full_page=True)


def test_wrong_password_keeps_the_user_on_the_login_page_with_an_error(page, provider_referent):
    log_in(page, "/ogestion/connexion/", provider_referent.email, password="pas-le-bon-mot-de-passe")

    expect(page.get_by_text("mot de passe").first).to_be_visible()
    expect(page.locator("input[name=login]")).to_have_value(provider_referent.email)
    assert page.url.endswith("/ogestion/connexion/")


def test_case_manager_logs_in_to_the_back_office(page):
    # A staff factory user has an authenticator app with TEST_TOTP_SECRET: the code is asked after the password.
    UserFactory(email="gestionnaire@constructys.fr", is_staff=True, is_superuser=True)

    page.goto("/admin/")
    page.locator("input[name=login]").fill("gestionnaire@constructys.fr")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_label("Code de vérification").fill(totp_code())
    page.get_by_role("button", name="Valider").click()

    expect(page.get_by_text("Gestion des dossiers et des registres")).to_be_visible()
    expect(page.get_by_role("link", name="Dossiers de formation").first).to_be_visible()


def test_menu_collapses_on_a_phone_and_opens_without_javascript(browser, live_server, company_manager):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, java_script_enabled=False
    )
    page = context.new_page()
    log_in(page, "/egestion/connexion/", company_manager.email)

    dossiers_link = page.get_by_role("link", name="Suivre les dossiers de formation")
    expect(dossiers_link).to_be_hidden()
    page.get_by_text("Menu").first.click()
    expect(dossiers_link).to_be_visible()
    context.close()
