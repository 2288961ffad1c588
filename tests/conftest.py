import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client, TestCase

# Playwright's sync API keeps an asyncio loop in the main thread; the ORM calls the tests make around it are
# still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class OnCommitClient(Client):
    """A test client that runs the on-commit callbacks of each request (emails, tasks), as a real request would:
    the test's own transaction never commits, so they would otherwise never run."""

    def request(self, **request):
        with TestCase.captureOnCommitCallbacks(execute=True):
            return super().request(**request)


@pytest.fixture
def client():
    return OnCommitClient()


@pytest.fixture(scope="session", autouse=True)
def _clamd_running():
    """Every upload is scanned by clamd. `make test` starts the project-local one; an ad-hoc pytest run starts it
    here (scripts/services.sh, well under a second with the local signatures) and stops it at the end."""
    from dossiers import antivirus

    url = urlsplit(settings.CLAMAV_URL)
    if not settings.CLAMAV_ENABLED or antivirus.ping() or url.hostname not in {"127.0.0.1", "localhost"}:
        yield
        return
    script = Path(settings.BASE_DIR) / "scripts" / "services.sh"
    env = {**os.environ, "CLAMAV_PORT": str(url.port)}
    started = subprocess.run([script, "start-clamav"], env=env, capture_output=True, text=True)
    if started.returncode != 0 or not antivirus.ping():
        pytest.fail(f"clamd is needed to scan uploads (apt-get install clamav-daemon clamav):\n{started.stderr}")
    yield
    subprocess.run([script, "stop-clamav"], env=env, capture_output=True)


@pytest.fixture(autouse=True)
def _db_for_every_test(db):
    """Every test may touch the database (in a transaction rolled back afterwards)."""


@pytest.fixture(autouse=True)
def _terms_in_force(_db_for_every_test):
    """The RGPD and CGU texts a migration publishes: tests that flush the database (browser tests) remove them,
    so every test starts from the state production is in."""
    from django.utils import timezone

    from accounts.models import ConsentKind, ConsentVersion

    for kind in ConsentKind:
        ConsentVersion.objects.get_or_create(
            kind=kind,
            version="1",
            defaults={"title": kind.label, "body": f"{kind.label}.", "published_at": timezone.now()},
        )


@pytest.fixture(autouse=True)
def _isolated_cache_and_media(settings, tmp_path):
    from django.core.cache import cache

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**settings.STORAGES["default"], "OPTIONS": {"location": settings.MEDIA_ROOT, "base_url": None}},
    }
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="session")
def chromium_path():
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")
    if not path:
        pytest.fail("Debian's chromium is required for the browser tests: apt-get install chromium (make test does it)")
    return path


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="fr-FR", viewport={"width": 1366, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def pytest_collection_modifyitems(items):
    for item in items:
        if "page" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


def pytest_report_header(config):
    return f"database: {settings.DATABASES['default']['NAME']} on PostgreSQL; redis: {settings.REDIS_URL}"
