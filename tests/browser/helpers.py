"""What the browser tests do the same way: log in (portals and back office), log out, keep a screenshot.

Screenshots go to `test-results/screenshots/` (ignored by git) during `make test`; `make screenshots` runs the
tests marked `screenshots` with SCREENSHOTS_DIR=docs/screenshots to refresh the pictures the docs show.
"""

import os
import re
from pathlib import Path

from playwright.sync_api import expect

from tests.factories import DEFAULT_PASSWORD, TEST_TOTP_SECRET, totp_code

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS_DIR = Path(os.environ.get("SCREENSHOTS_DIR") or ROOT / "test-results" / "screenshots")


def log_in(page, email, portal="egestion", *, password=DEFAULT_PASSWORD, path=None, leaves_the_form=True):
    """Log in through the login form of `portal` (or of the page at `path`), as a person would; then wait until
    the browser has left the login page, unless the login is meant to fail (`leaves_the_form=False`)."""
    page.goto(path or f"/{portal}/connexion/")
    page.locator("input[name=login]").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    if leaves_the_form:
        expect(page).not_to_have_url(re.compile(r"/connexion/"))


def log_in_to_the_admin(page, email):
    """The back office's login form, up to the password (the authenticator app's code comes next)."""
    page.goto("/admin/dossiers/dossier/")
    expect(page.get_by_role("heading", name="Connexion à l'administration Constructys")).to_be_visible()
    page.locator("input[name=login]").fill(email)
    page.get_by_label("Mot de passe").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


def admin_log_in(page, user):
    """A staff member of the factories (authenticator app set up) logs in to the back office, code included."""
    log_in_to_the_admin(page, user.email)
    page.get_by_label("Code de vérification").fill(totp_code(TEST_TOTP_SECRET))
    page.get_by_role("button", name="Valider").click()
    expect(page).to_have_url(re.compile(r"/admin/dossiers/dossier/$"))


def log_out(page):
    page.context.clear_cookies()


def save_screenshot(page, name):
    """A full-page screenshot; mark the test `@pytest.mark.screenshots` so that `make screenshots` retakes it."""
    SCREENSHOTS_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS_DIR / name, full_page=True)
