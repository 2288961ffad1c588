"""Accès API in headless Chromium: a company manager creates a key on "Mon compte" → "Accès API", the key answers,
then they revoke it (after confirming) and it answers 401; the API's documentation page runs under the CSP."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Role
from api.keys import create_key
from api.models import ApiKey
from tests.browser.a11y import horizontal_overflow, scrolling_tables, serious_violations, widest_elements
from tests.browser.helpers import log_in
from tests.factories import DossierFactory, EstablishmentFactory, MembershipFactory, UserFactory

COLLECT_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__cspViolations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""


def test_creating_then_revoking_a_key_on_acces_api(page):
    user = UserFactory(email="marie.petit@batir-ensemble.fr", first_name="Marie", last_name="Petit")
    establishment = EstablishmentFactory(name="BATIR ENSEMBLE")
    MembershipFactory(user=user, establishment=establishment, role=Role.COMPANY_MANAGER)
    dossier = DossierFactory(employer_establishment=establishment)

    log_in(page, user.email, "egestion")
    page.get_by_role("link", name="Marie PETIT").click()
    page.get_by_role("link", name="Gérer mes accès API").click()
    expect(page.get_by_role("heading", name="Accès API", level=1)).to_be_visible()

    page.get_by_label("Nom de la clé").fill("Logiciel de paie")
    page.get_by_label("Lecture seule").check()
    page.get_by_label(re.compile("BATIR ENSEMBLE")).check()
    page.get_by_role("button", name="Créer la clé").click()

    expect(page.get_by_text("Copiez cette clé maintenant")).to_be_visible()
    secret = page.get_by_label("Votre clé d'API").input_value()
    assert secret.startswith("ctys_")
    answer = page.request.get("/api/v1/dossiers", headers={"Authorization": f"Bearer {secret}"})
    assert answer.status == 200
    assert [row["numero"] for row in answer.json()["resultats"]] == [dossier.number]

    page.reload()  # shown once
    expect(page.get_by_text("Copiez cette clé maintenant")).to_have_count(0)
    row = page.get_by_role("row", name=re.compile("Logiciel de paie"))
    expect(row).to_contain_text("Active")
    row.get_by_role("link", name=re.compile("Révoquer")).click()
    expect(page.get_by_role("heading", name="Révoquer la clé « Logiciel de paie »")).to_be_visible()
    page.get_by_role("button", name="Révoquer la clé").click()

    expect(page.get_by_text("La clé « Logiciel de paie » est révoquée")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Logiciel de paie"))).to_contain_text("Révoquée le")
    assert ApiKey.objects.get().revoked_at is not None
    answer = page.request.get("/api/v1/dossiers", headers={"Authorization": f"Bearer {secret}"})
    assert answer.status == 401


def test_the_api_documentation_runs_under_the_policy(page):
    problems = []
    page.add_init_script(COLLECT_VIOLATIONS)
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.goto("/api/v1/docs")
    expect(page.get_by_text("API du portail Constructys").first).to_be_visible()
    expect(page.get_by_text("/api/v1/dossiers").first).to_be_visible()
    problems.extend(page.evaluate("window.__cspViolations || []"))
    assert problems == []


@pytest.mark.parametrize("width", (390, 1280))
def test_the_acces_api_pages_fit_the_screen_and_pass_axe(browser, live_server, width):
    """The checks of test_layout_a11y.py on these pages, with a key listed (the matrix's world has one too)."""
    user = UserFactory(email="marie.petit@batir-ensemble.fr", first_name="Marie", last_name="Petit")
    establishment = EstablishmentFactory(name="BATIMENTS ET OUVRAGES DU GRAND SUD-OUEST REUNIS")
    MembershipFactory(user=user, establishment=establishment, role=Role.COMPANY_MANAGER)
    key = create_key(
        user=user,
        portal="egestion",
        name="Logiciel de paie et de gestion des temps",
        scope="write",
        establishments=[establishment],
        expires_on=timezone.localdate() + timedelta(days=30),
        allowed_establishments=[establishment],
    ).key
    # axe-core is injected as an inline script: the context bypasses the CSP, as in test_layout_a11y.py.
    context = browser.new_context(
        base_url=live_server.url, locale="fr-FR", viewport={"width": width, "height": 900}, bypass_csp=True
    )
    page = context.new_page()
    log_in(page, user.email, "egestion")
    problems = []
    for url in (
        "/egestion/mon-compte/",
        "/egestion/mon-compte/acces-api/",
        f"/egestion/mon-compte/acces-api/{key.pk}/revoquer/",
    ):
        page.goto(url)
        if (overflow := horizontal_overflow(page)) > 0:
            problems.append(f"{url}: {overflow} px too wide ({'; '.join(widest_elements(page))})")
        if width > 900 and (tables := scrolling_tables(page)):
            problems.append(f"{url}: scrolls sideways: {'; '.join(tables)}")
        problems += [f"{url}: {violation}" for violation in serious_violations(page)]
    context.close()
    assert not problems, "\n".join(problems)
