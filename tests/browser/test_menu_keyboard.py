"""On a 390 px phone the left-hand menu folds behind a "Menu" toggle: a keyboard-only user opens it (Tab to the
toggle, then Enter or Space), sees where the focus is, reaches a link and follows it, and closes the menu again
with Escape (the focus back on the toggle) or with the toggle itself."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import log_in

pytestmark = pytest.mark.browser


def tab_to(page, selector, limit=60):
    """Press Tab until the element matching `selector` has the focus (fails if it never gets it)."""
    for _ in range(limit):
        if page.evaluate("selector => document.activeElement?.matches(selector) ?? false", selector):
            return
        page.keyboard.press("Tab")
    pytest.fail(f"{selector} never got the focus with Tab")


def focus_ring(page, selector) -> str:
    """The outline drawn around `selector` when it has the keyboard focus ("" when none is drawn)."""
    return page.evaluate(
        """selector => {
            const style = getComputedStyle(document.querySelector(selector));
            return style.outlineStyle === 'none' || parseFloat(style.outlineWidth) === 0 ? '' : style.outlineStyle;
        }""",
        selector,
    )


@pytest.fixture
def phone(browser, live_server, company_manager):
    context = browser.new_context(base_url=live_server.url, locale="fr-FR", viewport={"width": 390, "height": 844})
    context.set_default_timeout(30_000)
    page = context.new_page()
    log_in(page, company_manager.email)
    yield page
    context.close()


def test_the_folded_menu_with_the_keyboard_only(phone):
    page = phone
    menu = page.get_by_role("navigation", name="Menu principal")
    dossiers = menu.get_by_role("link", name="Suivre les dossiers de formation")
    expect(dossiers).to_be_hidden()

    # Enter opens it, the toggle shows it has the focus (a ring on the "Menu" label).
    tab_to(page, "#portal-nav-toggle")
    assert focus_ring(page, ".portal-nav__toggle-label")
    page.keyboard.press("Enter")
    expect(dossiers).to_be_visible()
    expect(page.locator("#portal-nav-toggle")).to_be_checked()  # what a screen reader announces: "Menu, cochée"

    # Tab reaches the links, each with its ring; Enter follows one.
    tab_to(page, ".portal-nav__link[href*='dossiers']")
    assert focus_ring(page, ".portal-nav__link[href*='dossiers']")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/egestion/dossiers/"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("dossiers")

    # On the new page the menu is folded again; Space opens it, Escape closes it and gives the focus back.
    expect(dossiers).to_be_hidden()
    tab_to(page, "#portal-nav-toggle")
    page.keyboard.press("Space")
    expect(dossiers).to_be_visible()
    tab_to(page, ".portal-nav__link")
    page.keyboard.press("Escape")
    expect(dossiers).to_be_hidden()
    assert page.evaluate("document.activeElement.id") == "portal-nav-toggle"
    expect(page.locator("#portal-nav-toggle")).not_to_be_checked()

    # The toggle closes it too.
    page.keyboard.press("Enter")
    expect(dossiers).to_be_visible()
    page.keyboard.press("Enter")
    expect(dossiers).to_be_hidden()
