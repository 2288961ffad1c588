"""Webhooks in headless Chromium (issue 22): a CFA's référent registers an endpoint, copies its secret (shown
once), sends a test event that a real HTTP receiver gets, signed, and reads the delivery with the answer received;
the pages fit a phone and pass axe."""

import json
import re

from playwright.sync_api import expect

from accounts.models import Role
from tests.browser.a11y import (
    horizontal_overflow,
    menu_out_of_place,
    scrolling_tables,
    serious_violations,
    widest_elements,
)
from tests.browser.helpers import log_in
from tests.factories import MembershipFactory, ProviderEstablishmentFactory
from tests.webhooks.receiver import Receiver
from webhooks import signing
from webhooks.models import WebhookEndpoint


def test_a_referent_registers_an_endpoint_and_sends_it_a_test_event(browser, live_server, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = True  # the receiver runs on this machine
    settings.WEBHOOKS_DELIVERY = "inline"  # sent by the web process once committed: no worker in this test
    referent = MembershipFactory(
        role=Role.PROVIDER_REFERENT,
        establishment=ProviderEstablishmentFactory(name="CFA DU BATIMENT DE NANTES"),
        user__email="referent@cfa-nantes.fr",
    ).user
    receiver = Receiver().start()
    # As the page fixture's, with the CSP bypassed for axe's injected script.
    context = browser.new_context(
        base_url=live_server.url, locale="fr-FR", viewport={"width": 1366, "height": 900}, bypass_csp=True
    )
    context.set_default_timeout(30_000)
    page = context.new_page()
    try:
        log_in(page, referent.email, "ogestion")
        page.goto("/ogestion/mon-compte/acces-api/webhooks/")
        expect(page.get_by_text("Aucun point de réception")).to_be_visible()
        page.get_by_role("link", name="Ajouter un point de réception").click()
        page.get_by_label("Adresse de réception (URL HTTPS)").fill(receiver.url)
        page.get_by_label("Description").fill("Logiciel de gestion du CFA")
        page.get_by_label("Règlement enregistré").check()
        page.get_by_label("Facture validée").check()
        page.get_by_role("button", name="Enregistrer").click()

        endpoint = WebhookEndpoint.objects.get()
        expect(page.locator("#webhook-secret")).to_contain_text(endpoint.secret)
        page.reload()
        expect(page.locator("#webhook-secret")).to_have_count(0)  # shown once
        expect(page.get_by_text("Règlement enregistré, Facture validée")).to_be_visible()

        page.get_by_role("button", name="Envoyer un événement de test").click()
        expect(page.get_by_text(re.compile("Un événement de test est envoyé"))).to_be_visible()
        assert receiver.wait_for(1, timeout=10)
        page.reload()
        row = page.locator("table tbody tr").first
        expect(row).to_contain_text("Événement de test")
        expect(row).to_contain_text("Livré")
        expect(row).to_contain_text("HTTP 200")

        for width in (390, 1280):
            page.set_viewport_size({"width": width, "height": 900})
            for url in (
                "/ogestion/mon-compte/acces-api/webhooks/",
                "/ogestion/mon-compte/acces-api/webhooks/nouveau/",
                f"/ogestion/mon-compte/acces-api/webhooks/{endpoint.pk}/",
                f"/ogestion/mon-compte/acces-api/webhooks/{endpoint.pk}/supprimer/",
            ):
                page.goto(url)
                assert horizontal_overflow(page) <= 0, f"{url} at {width} px: {widest_elements(page)}"
                assert serious_violations(page) == [], url
                if width > 900:
                    assert scrolling_tables(page) == [] and menu_out_of_place(page) == "", url
    finally:
        context.close()
        receiver.stop()

    [request] = receiver.requests
    headers = request["headers"]
    assert headers["X-Constructys-Event"] == "webhook.test"
    assert signing.verify(
        endpoint.secret, headers["X-Constructys-Timestamp"], request["body"], headers["X-Constructys-Signature"]
    )
    assert json.loads(request["body"])["data"]["endpoint_url"] == receiver.url
