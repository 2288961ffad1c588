import itertools
import os
import shutil
import subprocess
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client, TestCase

from tests.harness import use_media_root

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
    from common import antivirus

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


def uses_database(item) -> bool:
    return item.get_closest_marker("django_db") is not None


@pytest.fixture(autouse=True)
def _terms_in_force(request):
    """The RGPD and CGU texts a migration publishes: tests that flush the database (browser tests) remove them,
    so every test starts from the state production is in."""
    if not uses_database(request.node):
        return
    request.getfixturevalue("db")
    from django.utils import timezone

    from accounts.models import ConsentKind, ConsentVersion

    for kind in ConsentKind:
        ConsentVersion.objects.get_or_create(
            kind=kind,
            version="1",
            defaults={"title": kind.label, "body": f"{kind.label}.", "published_at": timezone.now()},
        )
    # Likewise the NPEC payment rules of the invoicing migration (16 invoicing tests failed after a flush).
    from demo.invoicing import ensure_statutory_rules

    ensure_statutory_rules()


# One prefix per test: each test starts with an empty cache without emptying Redis (cache.clear() flushes the
# whole Redis database, the Celery queues of a test running in parallel included).
SESSION_CACHE_PREFIX = f"constructys-test:{uuid.uuid4().hex[:8]}"
_test_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def _own_cache_prefix(settings, monkeypatch):
    """A cache of the test's own. The processes the test starts with the test settings (a Celery worker) read the
    prefix from the environment."""
    prefix = f"{SESSION_CACHE_PREFIX}:{next(_test_numbers)}"
    settings.CACHES = {"default": {**settings.CACHES["default"], "KEY_PREFIX": prefix}}
    monkeypatch.setenv("TEST_CACHE_KEY_PREFIX", prefix)


@pytest.fixture(autouse=True)
def _isolated_media(settings, tmp_path):
    use_media_root(settings, tmp_path / "media")


@pytest.fixture(scope="session", autouse=True)
def _forget_the_session_cache_keys():
    """The keys the tests left in Redis (most have no expiry) are deleted at the end of the run."""
    yield
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=5)
    try:
        keys = list(client.scan_iter(match=f"{SESSION_CACHE_PREFIX}:*", count=1000))
        for start in range(0, len(keys), 1000):
            client.delete(*keys[start : start + 1000])
    except redis.RedisError:
        pass  # a test that stopped Redis: the keys go with it
    finally:
        client.close()


# --- personas: who uses the portals and the back office ----------------------------------------------------------
# Tests that need someone more specific (a name an email shows, several establishments) define it next to them.


@pytest.fixture
def company_manager():
    """Marie PETIT, the manager of the eGestion account of ENTREPRISE TEST (one establishment, in Paris)."""
    from accounts.models import Role
    from tests.factories import CompanyFactory, EstablishmentFactory, MembershipFactory, UserFactory

    company = CompanyFactory(name="ENTREPRISE TEST")
    user = UserFactory(email="marie.petit@entreprise-test.fr", first_name="Marie", last_name="Petit")
    MembershipFactory(
        user=user,
        establishment=EstablishmentFactory(organisation=company, name="ENTREPRISE TEST", city="PARIS"),
        role=Role.COMPANY_MANAGER,
    )
    return user


@pytest.fixture
def company_user():
    """A user of a company's eGestion account, not its manager."""
    from accounts.models import Role
    from tests.factories import EstablishmentFactory, MembershipFactory, UserFactory

    user = UserFactory()
    MembershipFactory(user=user, establishment=EstablishmentFactory(), role=Role.COMPANY_USER)
    return user


@pytest.fixture
def provider_referent():
    """Jing TIAN, référent in oGestion of the CMA Occitanie (one establishment, whose IBAN is missing)."""
    from accounts.models import Role
    from tests.factories import MembershipFactory, ProviderEstablishmentFactory, ProviderFactory, UserFactory

    provider = ProviderFactory(name="CHAMBRE DE METIERS ET DE L'ARTISANAT OCCITANIE")
    user = UserFactory(email="jing.tian@cma-occitanie.fr", first_name="Jing", last_name="Tian")
    MembershipFactory(
        user=user,
        establishment=ProviderEstablishmentFactory(organisation=provider, name=provider.name, iban=""),
        role=Role.PROVIDER_REFERENT,
    )
    return user


@pytest.fixture
def case_manager():
    from backoffice.roles import CASE_MANAGER
    from tests.factories import staff_user

    return staff_user(CASE_MANAGER, first_name="Camille", last_name="Gestion", email="camille@constructys.fr")


@pytest.fixture
def regional_manager():
    """A regional manager of every region (the region limit itself: tests/security/test_backoffice_roles.py)."""
    from accounts.models import Region
    from backoffice.models import StaffProfile
    from backoffice.roles import REGIONAL_MANAGER
    from tests.factories import staff_user

    user = staff_user(REGIONAL_MANAGER)
    StaffProfile.objects.create(user=user, regions=Region.values)
    return user


@pytest.fixture
def accountant():
    from backoffice.roles import ACCOUNTING
    from tests.factories import staff_user

    return staff_user(ACCOUNTING, email="compta@constructys.fr")


@pytest.fixture
def administrator():
    from backoffice.roles import ADMINISTRATOR
    from tests.factories import staff_user

    return staff_user(ADMINISTRATOR)


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
    # Generous: a transmission renders the CERFA PDF, slow on a loaded 2-core machine; a real failure still fails.
    context.set_default_timeout(30_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.hookimpl(tryfirst=True)  # before pytest-django sorts the tests by their use of the database
def pytest_collection_modifyitems(items):
    for item in items:
        if "page" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)
        # Every test may touch the database (in a transaction rolled back afterwards), except the pure ones.
        if not uses_database(item) and not item.get_closest_marker("no_database"):
            item.add_marker(pytest.mark.django_db)


def pytest_report_header(config):
    return f"database: {settings.DATABASES['default']['NAME']} on PostgreSQL; redis: {settings.REDIS_URL}"
