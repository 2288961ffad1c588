"""Every portal page (eGestion, oGestion, Digit Invest) fits the screen of a phone (390 px) and of two laptops
(1 280 and 1 920 px) without sideways scrolling, and axe-core finds no "serious" or "critical" violation on it. On
the wide screens, no list scrolls sideways in its box either, and the left-hand menu sits at the top of the
sidebar and stays in sight down a long page.

The pages are the ones of the access matrix (tests/security/test_access_matrix.py) that an owner may open, with
the security suite's world; the CERFA wizard adds each of its steps. One Chromium context per width visits them in
sequence (the machine is small); a failure lists every page that overflows or fails axe, not only the first.
"""

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from egestion.requests.apprenticeship.forms import STEP_SLUGS as CERFA_STEPS
from egestion.requests.plan.views import STEP_SLUGS as PLAN_STEPS
from tests.browser.a11y import (
    horizontal_overflow,
    menu_out_of_place,
    scrolling_tables,
    serious_violations,
    widest_elements,
)
from tests.factories import DossierFactory, EstablishmentFactory, ProviderEstablishmentFactory
from tests.security.test_access_matrix import EGESTION, INVEST, MATRIX, OGESTION, OWNER_OF, url_of
from tests.security.world import build_world

WIDTHS = (390, 1280, 1920)
LONG_PROVIDER = "CENTRE DE FORMATION DES APPRENTIS DU BÂTIMENT ET DES TRAVAUX PUBLICS DE MIDI-PYRÉNÉES"
LONG_COMPANY = "SOCIÉTÉ DE CONSTRUCTION, DE RÉNOVATION ET D'ENTRETIEN DU PATRIMOINE BÂTI DU SUD-OUEST"
PORTAL_AUDIENCES = {audience for audience in OWNER_OF if audience.startswith((EGESTION, OGESTION, INVEST))}


def crowd_the_lists(world):
    """Dossiers of every state with the longest names the lists meet: the world alone has one short row."""
    provider = ProviderEstablishmentFactory(name=LONG_PROVIDER)
    company = EstablishmentFactory(name=LONG_COMPANY)
    for trait in ("submitted", "incomplete", "accepted", "refused", "cancelled", "received"):
        DossierFactory(employer_establishment=world.establishment_a, provider_establishment=provider, **{trait: True})
        DossierFactory(employer_establishment=company, provider_establishment=world.provider_p1, **{trait: True})


def portal_pages(world) -> dict[str, list[str]]:
    """persona key → the full HTML pages of the portals they own (downloads, PDFs and htmx fragments left out)."""
    pages = {}
    for name, entry in MATRIX.items():
        if not entry.get or entry.audience not in PORTAL_AUDIENCES:
            continue
        pages.setdefault(OWNER_OF[entry.audience], []).append(url_of(name, world))
    pages["owner_manager"] += [
        reverse("egestion:request_step", kwargs={"public_id": world.cerfa_draft.public_id, "step": step})
        for step in CERFA_STEPS
    ] + [
        reverse("egestion:plan_step", kwargs={"public_id": world.plan_draft.public_id, "step": step})
        for step in PLAN_STEPS
    ]
    return {persona: full_html_pages(world.users[persona], urls) for persona, urls in pages.items()}


def full_html_pages(user, urls) -> list[str]:
    client = Client()
    client.force_login(user)
    kept = []
    for url in dict.fromkeys(urls):
        response = client.get(url)
        is_html = response.status_code == 200 and response["Content-Type"].startswith("text/html")
        if is_html and b"<html" in response.content[:500].lower():
            kept.append(url)
    return kept


def session_cookie(user, base_url) -> dict:
    client = Client()
    client.force_login(user)
    name = django_settings.SESSION_COOKIE_NAME
    return {"name": name, "value": client.cookies[name].value, "url": base_url}


@pytest.mark.parametrize("width", WIDTHS)
def test_every_portal_page_fits_the_screen_and_passes_axe(browser, live_server, width, settings):
    world = build_world()
    crowd_the_lists(world)
    pages = portal_pages(world)
    assert len(pages["owner_manager"]) > 20 and len(pages["owner_referent"]) > 10
    problems = []
    for persona, urls in pages.items():
        context = browser.new_context(
            base_url=live_server.url, locale="fr-FR", viewport={"width": width, "height": 900}, bypass_csp=True
        )
        context.set_default_timeout(30_000)
        context.add_cookies([session_cookie(world.users[persona], live_server.url)])
        page = context.new_page()
        for url in urls:
            page.goto(url)
            overflow = horizontal_overflow(page)
            if overflow > 0:
                problems.append(f"{url}: {overflow} px too wide ({'; '.join(widest_elements(page))})")
            if width > 900 and (tables := scrolling_tables(page)):
                problems.append(f"{url}: scrolls sideways: {'; '.join(tables)}")
            if width > 900 and (misplaced := menu_out_of_place(page)):
                problems.append(f"{url}: {misplaced}")
            if width != 1920:  # the same markup at 1 920 as at 1 280: axe once per layout is enough
                problems += [f"{url}: {violation}" for violation in serious_violations(page)]
        context.close()
    assert not problems, "\n".join(problems)
