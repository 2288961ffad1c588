"""The Content-Security-Policy in headless Chromium: the portals' pages (htmx swaps included), allauth's pages and
Django's admin run without a single violation, so an inline script or handler cannot come back unnoticed."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from tests.browser.helpers import log_in
from tests.factories import (
    DEFAULT_PASSWORD,
    DocumentFactory,
    DossierFactory,
    EnrolmentFactory,
    MembershipFactory,
    MessageFactory,
    UserFactory,
    totp_code,
)

# Runs before any page script and is not subject to the page's policy (Playwright injects it).
COLLECT_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__cspViolations.push(event.violatedDirective + " " + (event.blockedURI || "inline") + " " + event.sourceFile);
});
"""


@pytest.fixture
def watched(page):
    """The page, with every CSP violation and console error collected; the test fails if any occurred."""
    problems = []
    page.add_init_script(COLLECT_VIOLATIONS)

    def on_console(message):
        # A missing file is reported with its address by on_response.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            problems.append(f"console: {message.text}")

    def on_response(response):
        # The admin's pages declare no icon: the browser asks for /favicon.ico (not a policy matter).
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            problems.append(f"{response.status}: {response.url}")

    page.on("console", on_console)
    page.on("response", on_response)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))

    checked = []

    def check():
        checked.append(True)
        problems.extend(f"violation: {v}" for v in page.evaluate("window.__cspViolations || []"))
        assert problems == []

    page.check_policy = check
    yield page
    if not checked:
        check()


def test_the_portal_pages_and_htmx_swaps_run_without_violation(watched):
    page = watched
    user = UserFactory(email="marie.petit@batir-ensemble.fr")
    establishment = MembershipFactory(user=user, role=Role.COMPANY_MANAGER).establishment
    dossier = DossierFactory(number="99307777.01", employer_establishment=establishment, status="closed")
    DossierFactory.create_batch(2, employer_establishment=establishment)
    EnrolmentFactory(dossier=dossier, person__last_name="Garnier")
    DocumentFactory(dossier=dossier)
    MessageFactory(dossier=dossier, title="Pièce manquante")

    page.goto("/")
    log_in(page, user.email)
    expect(page.get_by_role("heading", name="Bienvenue dans votre espace eGestion")).to_be_visible()
    assert "script-src 'self'" in page.evaluate(
        "fetch('/egestion/').then(r => r.headers.get('content-security-policy'))"
    )
    page.goto("/egestion/dossiers/")
    page.get_by_role("link", name=re.compile("HISTORIQUE")).click()
    expect(page).to_have_url(re.compile(r"onglet=historique"))
    page.get_by_role("link", name="99307777.01").click()
    page.get_by_role("link", name=re.compile("INSCRIPTION")).click()
    # The dossier page opens on this tab already: wait for the swap itself, or its late answer would overwrite the
    # next tab's (a race seen once under load).
    expect(page).to_have_url(re.compile(r"/onglet/inscriptions/$"))
    expect(page.locator("#dossier-tabs")).to_contain_text("GARNIER")
    page.get_by_role("link", name=re.compile("MESSAGE")).click()
    expect(page).to_have_url(re.compile(r"/onglet/messages/$"))
    page.goto("/egestion/utilisateurs/")
    page.goto("/egestion/demandes/")
    page.goto("/comptes/2fa/")
    page.goto("/comptes/password/reset/")
    page.check_policy()


def test_the_totp_set_up_page_shows_its_qr_code_under_the_policy(watched):
    page = watched
    user = UserFactory(email="marie.petit@batir-ensemble.fr")
    MembershipFactory(user=user, role=Role.COMPANY_MANAGER)
    log_in(page, user.email)

    page.goto("/comptes/2fa/totp/activate/")
    page.get_by_label("Mot de passe").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Confirmer").click()

    expect(page.get_by_role("img", name="QR code")).to_be_visible()
    assert page.get_by_role("img", name="QR code").evaluate("img => img.naturalWidth") > 0
    page.check_policy()


def test_the_admin_runs_without_violation(watched):
    page = watched
    UserFactory(email="gestionnaire@constructys.fr", superuser=True)
    other = UserFactory(email="marie.petit@batir-ensemble.fr")
    MembershipFactory(user=other, role=Role.COMPANY_MANAGER)
    dossier = DossierFactory()

    log_in(page, "gestionnaire@constructys.fr", path="/admin/")
    page.get_by_label("Code de vérification").fill(totp_code())
    page.get_by_role("button", name="Valider").click()
    expect(page.get_by_text("Gestion des dossiers et des registres")).to_be_visible()

    # A change list with its actions, a change form with inlines, autocomplete and date widgets.
    page.goto("/admin/accounts/user/")
    page.locator("#action-toggle").check()
    page.goto(f"/admin/accounts/user/{other.pk}/change/")
    page.get_by_role("link", name=re.compile("Ajouter un objet Rattachement|Ajouter un autre")).first.click()
    page.goto(f"/admin/dossiers/dossier/{dossier.pk}/change/")
    page.goto("/admin/dossiers/dossier/add/")
    page.goto("/admin/accounts/establishment/")
    page.check_policy()
