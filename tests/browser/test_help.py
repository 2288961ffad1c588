"""The guides' help in Chromium (issue 17, item 3): from eGestion's home, a "mode opératoire" and the printable
guide; the favicon the pages declare is served."""

import importlib

from django.apps import apps
from playwright.sync_api import expect

from tests.browser.helpers import log_in, save_screenshot


def test_a_company_user_opens_the_guides_help_from_the_home_page(page, company_manager):
    # Browser tests flush the database: write the migration's help resources again.
    importlib.import_module("content.migrations.0003_seed_help_resources").seed(apps, None)
    log_in(page, company_manager.email)

    resources = page.get_by_role("region", name="Guides et modes opératoires")
    expect(
        resources.get_by_role("link", name="Présentation générale d'eGestion : guide imprimable (PDF)")
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Message non lu ? Message non vu")).to_be_visible()
    expect(page.get_by_role("heading", name="Informations réglementaires")).to_be_visible()
    save_screenshot(page, "egestion-home-help.png")

    resources.get_by_role("link", name="Compléter un CERFA et le transmettre").click()
    expect(page.get_by_role("heading", name="Compléter un CERFA et le transmettre")).to_be_visible()
    expect(page.get_by_role("heading", name="4. Signer le CERFA et déposer les documents")).to_be_visible()
    save_screenshot(page, "egestion-help-page.png")

    icon = page.locator('link[rel="icon"][type="image/png"]').get_attribute("href")
    assert page.request.get(icon).status == 200
