"""The CERFA wizard as two users the guides do not picture: one who uses only the keyboard (Tab, typing, Enter),
then sends their case manager a message the same way; one on a 390 px phone. Both go from step 1 to a transmitted
dossier, and axe-core (vendored) finds nothing "serious" or "critical" on any step.

The fields are preloaded as in test_cerfa_wizard.py (the look-ups and the uploads have their own tests there):
what is typed here is "Fait à" on the Valider step; the signed documents are already attached.
"""

import re

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from egestion.requests.apprenticeship.forms import STEP_SLUGS
from funding import services
from funding.apprenticeship import initial_draft_data
from funding.models import FundingRequest, RequestStatus
from messaging.models import Message
from tests.browser.a11y import horizontal_overflow, serious_violations
from tests.browser.test_cerfa_wizard import company_user  # noqa: F401  (fixture)
from tests.egestion.requests.utils import step_url, valid_data
from tests.factories import minimal_pdf

pytest.importorskip("funding.transmission")


def transmittable_draft(user) -> FundingRequest:
    """A draft with every field valid but "Fait à", and its two signed documents attached."""
    establishment = user.memberships.get().establishment
    draft = services.create_draft(
        user=user, establishment=establishment, initial_data=initial_draft_data(establishment)
    )
    data = valid_data(establishment)
    data.pop("signature_fait_a", None)
    services.save_draft(draft, data)
    for kind, name in (("cerfa", "cerfa-signe.pdf"), ("training_agreement", "convention-signee.pdf")):
        services.attach_document(
            draft, kind=kind, uploaded_file=SimpleUploadedFile(name, minimal_pdf(), "application/pdf"), user=user
        )
    return draft


def logged_in_page(browser, live_server, user, width):
    context = browser.new_context(
        base_url=live_server.url, locale="fr-FR", viewport={"width": width, "height": 800}, bypass_csp=True
    )
    context.set_default_timeout(30_000)
    client = Client()
    client.force_login(user)
    name = django_settings.SESSION_COOKIE_NAME
    context.add_cookies([{"name": name, "value": client.cookies[name].value, "url": live_server.url}])
    return context, context.new_page()


def tab_to(page, locator, limit=600):
    """Press Tab until `locator` has the focus, as a keyboard user would (fails if it never gets it)."""
    handle = locator.element_handle()
    for _ in range(limit):
        if handle.evaluate("element => element === document.activeElement"):
            return
        page.keyboard.press("Tab")
    pytest.fail(f"{locator} never got the focus with Tab")


def step_heading(page, number):
    return page.get_by_role("heading", name=re.compile(f"Étape {number} sur {len(STEP_SLUGS)}"))


def test_the_wizard_and_a_message_with_the_keyboard_only(browser, live_server, company_user):  # noqa: F811
    draft = transmittable_draft(company_user)
    context, page = logged_in_page(browser, live_server, company_user, 1280)
    page.goto(step_url(draft, STEP_SLUGS[0]))
    problems = []
    for number, slug in enumerate(STEP_SLUGS, start=1):
        expect(step_heading(page, number)).to_be_visible()
        problems += [f"{slug}: {violation}" for violation in serious_violations(page)]
        if slug == "validation":
            tab_to(page, page.get_by_label("Fait à"))
            page.keyboard.type("Rennes")
        if slug == "transmettre":
            tab_to(page, page.get_by_role("button", name="Transmettre", exact=True))
        else:
            tab_to(page, page.get_by_role("button", name="Suivant", exact=True))
        page.keyboard.press("Enter")
    # The transmission renders the CERFA PDF: slow on a loaded machine.
    expect(page.get_by_role("heading", name="Votre demande a été transmise à Constructys")).to_be_visible(
        timeout=60_000
    )
    draft.refresh_from_db()
    assert draft.status == RequestStatus.SUBMITTED and draft.data["signature_fait_a"] == "Rennes"

    # Then a message to the case manager, from the dossier's messages (its address typed), still with the keyboard.
    page.goto(reverse("egestion:dossier_tab", args=[draft.dossier.number, "messages"]))
    tab_to(page, page.get_by_role("link", name="Envoyer un message"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Envoyer un message à votre gestionnaire")).to_be_visible()
    problems += [f"message: {violation}" for violation in serious_violations(page)]
    tab_to(page, page.get_by_label("Titre"))
    page.keyboard.type("Date de début")
    tab_to(page, page.get_by_label("Contenu"))
    page.keyboard.type("Bonjour, l'apprenti commence le 1er septembre.")
    tab_to(page, page.get_by_role("button", name="VALIDER"))
    page.keyboard.press("Enter")
    expect(page.locator("tbody tr").first).to_contain_text("Date de début", timeout=30_000)
    assert Message.objects.get(dossier=draft.dossier).title == "Date de début"
    context.close()
    assert not problems, "\n".join(problems)


def test_the_wizard_on_a_390_px_phone(browser, live_server, company_user):  # noqa: F811
    draft = transmittable_draft(company_user)
    context, page = logged_in_page(browser, live_server, company_user, 390)
    page.goto(step_url(draft, STEP_SLUGS[0]))
    too_wide = []
    for number, slug in enumerate(STEP_SLUGS, start=1):
        expect(step_heading(page, number)).to_be_visible()
        if horizontal_overflow(page) > 0:
            too_wide.append(f"{slug}: {horizontal_overflow(page)} px too wide")
        if slug == "validation":
            page.get_by_label("Fait à").fill("Rennes")
        button = page.get_by_role("button", name="Transmettre" if slug == "transmettre" else "Suivant", exact=True)
        button.scroll_into_view_if_needed()
        button.click()
    # The transmission renders the CERFA PDF: slow on a loaded machine.
    expect(page.get_by_role("heading", name="Votre demande a été transmise à Constructys")).to_be_visible(
        timeout=60_000
    )
    draft.refresh_from_db()
    assert draft.status == RequestStatus.SUBMITTED
    context.close()
    assert not too_wide, "\n".join(too_wide)
