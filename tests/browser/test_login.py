"""Log in to each space in headless Chromium, as a person would, and keep a screenshot of each home page."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import log_in, save_screenshot
from tests.factories import (
    UserFactory,
    totp_code,
)

PASSWORD = "Motdepasse-123!"


@pytest.mark.screenshots
def test_company_user_logs_in_to_egestion_from_the_landing_page(page, company_manager):
    page.goto("/")
    page.get_by_role("link", name="eGestion").first.click()
    expect(page).to_have_url(re.compile(r"/egestion/connexion/$"))
    log_in(page, company_manager.email, path=page.url)

    expect(page.get_by_role("heading", name="Bienvenue dans votre espace eGestion")).to_be_visible()
    expect(page.get_by_text("Marie PETIT").first).to_be_visible()
    expect(page.get_by_text("ENTREPRISE TEST").first).to_be_visible()
    expect(page.get_by_role("navigation").get_by_role("link", name="Suivre les dossiers de formation")).to_be_visible()
    save_screenshot(page, "egestion-home.png")

    page.get_by_role("button", name="Se déconnecter").click()
    page.goto("/egestion/")
    expect(page.get_by_role("button", name="Se connecter")).to_be_visible()


@pytest.mark.screenshots
def test_provider_referent_logs_in_to_ogestion(page, provider_referent):
    log_in(page, provider_referent.email, "ogestion")

    expect(page.get_by_role("heading", name="Bienvenue dans votre espace oGestion")).to_be_visible()
    expect(page.get_by_text("IBAN manquant").first).to_be_visible()
    expect(page.get_by_role("navigation").get_by_role("link", name="Gérer mes utilisateurs")).to_be_visible()
    save_screenshot(page, "ogestion-home.png")


def test_wrong_password_keeps_the_user_on_the_login_page_with_an_error(page, provider_referent):
    log_in(page, provider_referent.email, "ogestion", password="pas-le-bon-mot-de-passe", leaves_the_form=False)

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
    log_in(page, company_manager.email)

    dossiers_link = page.get_by_role("link", name="Suivre les dossiers de formation")
    expect(dossiers_link).to_be_hidden()
    page.get_by_text("Menu").first.click()
    expect(dossiers_link).to_be_visible()
    context.close()
