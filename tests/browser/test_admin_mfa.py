"""The back office in headless Chromium: the authenticator app's code after the password, and its set-up for a
staff member who has none yet (through the emailed link)."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.browser.helpers import log_in_to_the_admin
from tests.factories import DEFAULT_PASSWORD, TEST_TOTP_SECRET, UserFactory, totp_code


@pytest.fixture
def case_manager():
    return UserFactory(email="gestionnaire@constructys.fr", superuser=True)


def test_staff_enter_the_code_of_their_authenticator_app(page, case_manager):
    log_in_to_the_admin(page, case_manager.email)

    expect(page.get_by_role("heading", name="Double authentification")).to_be_visible()
    page.goto("/admin/")  # not logged in before the code: the login resumes at the code
    expect(page).to_have_url(re.compile(r"/comptes/2fa/authenticate/$"))
    wrong = "000000" if totp_code() != "000000" else "111111"
    page.get_by_label("Code de vérification").fill(wrong)
    page.get_by_role("button", name="Valider").click()
    expect(page.get_by_text("Code incorrect")).to_be_visible()

    page.get_by_label("Code de vérification").fill(totp_code(TEST_TOTP_SECRET))
    page.get_by_role("button", name="Valider").click()

    expect(page).to_have_url(re.compile(r"/admin/dossiers/dossier/$"))
    expect(page.get_by_role("link", name="Dossiers de formation").first).to_be_visible()


def test_staff_without_an_authenticator_app_set_one_up_through_the_emailed_link(page):
    UserFactory(email="nouveau@constructys.fr", superuser=True, totp=False)
    log_in_to_the_admin(page, "nouveau@constructys.fr")

    # The password alone leads to a page saying the set-up link was emailed.
    expect(page.get_by_text("La double authentification est obligatoire pour accéder au back office")).to_be_visible()
    [message] = [m for m in mail.outbox if "double authentification" in m.subject]
    page.goto(re.search(r"https?://[^\s]+(/comptes/double-authentification/[^\s/]+/)", message.body).group(1))
    # allauth asks for the password again before a second factor is added.
    page.get_by_label("Mot de passe").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Confirmer").click()
    expect(page.get_by_role("heading", name="Activer la double authentification")).to_be_visible()
    expect(page.get_by_role("img", name="QR code")).to_be_visible()
    secret = page.locator("#authenticator_secret").input_value()
    page.get_by_label("Code affiché par l'application").fill(totp_code(secret))
    page.get_by_role("button", name="Activer").click()

    expect(page.get_by_role("heading", name="Codes de récupération")).to_be_visible()
    page.get_by_role("link", name="Aller au back office").click()
    expect(page.get_by_text("Gestion des dossiers et des registres")).to_be_visible()
