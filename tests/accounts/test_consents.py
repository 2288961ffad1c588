"""RGPD and CGU: asked at the first login and after a new version; "Refuser" logs out, "Accepter" goes on."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from accounts import services
from accounts.middleware import CURRENT_VERSIONS_CACHE_KEY, PROCESS_SECONDS
from accounts.models import AccountEvent, AccountEventKind, Consent, ConsentKind, ConsentVersion, Role
from common.cache import ResilientRedisCache
from tests.factories import (
    DEFAULT_PASSWORD,
    EstablishmentFactory,
    MembershipFactory,
    ProviderEstablishmentFactory,
    UserFactory,
)

CONSENT_URL = "/comptes/conditions/"


@pytest.fixture
def versions():
    """The texts in force (the migration publishes version 1 of each; browser tests may have flushed them)."""
    return [
        ConsentVersion.objects.get_or_create(
            kind=kind, version="1", defaults={"title": title, "body": body, "published_at": timezone.now()}
        )[0]
        for kind, title, body in [
            (ConsentKind.RGPD, "Règlement général sur la protection des données", "Je m'engage à informer."),
            (ConsentKind.CGU, "Conditions générales d'utilisation", "J'accepte sans réserve."),
        ]
    ]


@pytest.fixture
def newcomer(versions):
    """A company manager logging in for the first time: nothing accepted yet."""
    user = UserFactory(first_name="Freddy", last_name="Din Mandengue", consented=False)
    MembershipFactory(
        user=user,
        establishment=EstablishmentFactory(address_line1="32 RUE RENE BOULANGER", postal_code="75010", city="PARIS"),
        role=Role.COMPANY_MANAGER,
    )
    return user


@pytest.fixture
def provider_newcomer(versions):
    user = UserFactory(consented=False)
    MembershipFactory(user=user, establishment=ProviderEstablishmentFactory(), role=Role.PROVIDER_REFERENT)
    return user


def test_factory_users_have_accepted_the_texts_in_force(versions):
    user = UserFactory()

    assert set(Consent.objects.filter(user=user).values_list("version", flat=True)) == {v.pk for v in versions}
    assert services.versions_to_accept(user) == []
    assert services.versions_to_accept(UserFactory(consented=False)) != []


def test_a_portal_page_sends_a_newcomer_to_the_consent_page_then_back(client, newcomer):
    client.force_login(newcomer)

    response = client.get("/egestion/dossiers/?page=2")

    assert response.status_code == 302
    assert response["Location"] == f"{CONSENT_URL}?next=%2Fegestion%2Fdossiers%2F%3Fpage%3D2"


def test_logging_in_for_the_first_time_leads_to_the_consent_page(client, newcomer):
    response = client.post("/egestion/connexion/", {"login": newcomer.email, "password": DEFAULT_PASSWORD}, follow=True)

    assert response.redirect_chain[-1][0] == f"{CONSENT_URL}?next=%2Fegestion%2F"
    assert "RGPD et CGU" in response.text


def test_the_consent_page_shows_both_texts_the_user_and_two_buttons(client, newcomer, versions):
    client.force_login(newcomer)

    response = client.get(CONSENT_URL, {"next": "/egestion/"})

    assert response.status_code == 200
    for version in versions:
        assert escape(version.title) in response.text
        assert escape(version.body.splitlines()[-1]) in response.text
    assert "Freddy DIN MANDENGUE" in response.text
    assert "32 RUE RENE BOULANGER" in response.text
    assert 'value="refuse"' in response.text and ">Refuser</button>" in response.text
    assert 'value="accept"' in response.text and ">Accepter</button>" in response.text


def test_accepting_records_user_version_and_time_and_goes_to_the_page_asked(client, newcomer, versions):
    client.force_login(newcomer)
    before = timezone.now()

    response = client.post(
        CONSENT_URL,
        {"decision": "accept", "version": [v.pk for v in versions], "next": "/egestion/dossiers/"},
    )

    assert response.status_code == 302
    assert response["Location"] == "/egestion/dossiers/"
    consents = Consent.objects.filter(user=newcomer)
    assert {c.version_id for c in consents} == {v.pk for v in versions}
    assert all(c.accepted_at >= before for c in consents)
    event = AccountEvent.objects.get(user=newcomer, kind=AccountEventKind.CONSENT_ACCEPTED)
    assert sorted(event.details["versions"]) == ["cgu 1", "rgpd 1"]
    assert client.get("/egestion/dossiers/").status_code == 200


def test_accepting_without_next_goes_to_the_home_of_the_users_portal(client, provider_newcomer, versions):
    client.force_login(provider_newcomer)

    response = client.post(CONSENT_URL, {"decision": "accept", "version": [v.pk for v in versions]})

    assert response["Location"] == "/ogestion/"


def test_an_outside_next_is_ignored(client, newcomer, versions):
    client.force_login(newcomer)

    response = client.post(
        CONSENT_URL, {"decision": "accept", "version": [v.pk for v in versions], "next": "https://evil.example/"}
    )

    assert response["Location"] == "/egestion/"


def test_refusing_logs_out_back_to_the_login_page_of_the_portal(client, provider_newcomer, versions):
    client.force_login(provider_newcomer)

    response = client.post(CONSENT_URL, {"decision": "refuse", "next": "/ogestion/"}, follow=True)

    assert response.redirect_chain[0][0] == "/ogestion/connexion/"
    assert "Bienvenue dans votre espace Organisme de formation" in response.text
    assert "Vous avez refusé le RGPD et les CGU" in response.text
    assert not response.wsgi_request.user.is_authenticated
    assert not Consent.objects.filter(user=provider_newcomer).exists()
    assert AccountEvent.objects.filter(user=provider_newcomer, kind=AccountEventKind.CONSENT_REFUSED).exists()
    assert client.get("/ogestion/").status_code == 302


def test_refusing_from_egestion_goes_to_the_egestion_login(client, newcomer):
    client.force_login(newcomer)

    response = client.post(CONSENT_URL, {"decision": "refuse", "next": "/egestion/messagerie/"})

    assert response["Location"] == "/egestion/connexion/"


def test_a_new_version_is_asked_again_at_the_next_page(client, versions):
    user = UserFactory()
    MembershipFactory(user=user, role=Role.COMPANY_MANAGER)
    client.force_login(user)
    assert client.get("/egestion/").status_code == 200

    new_cgu = ConsentVersion.objects.create(
        kind=ConsentKind.CGU, version="2", title="Conditions générales d'utilisation", body="Nouveau texte."
    )
    response = client.get("/egestion/")

    assert response.status_code == 302
    assert response["Location"].startswith(CONSENT_URL)
    page = client.get(response["Location"])
    assert "Nouveau texte." in page.text
    assert "Une nouvelle version a été publiée" in page.text
    client.post(CONSENT_URL, {"decision": "accept", "version": [new_cgu.pk]})
    assert Consent.objects.filter(user=user, version=new_cgu).exists()
    assert client.get("/egestion/").status_code == 200


def test_a_version_published_while_the_page_was_open_must_be_read_too(client, newcomer, versions):
    client.force_login(newcomer)
    ConsentVersion.objects.create(kind=ConsentKind.RGPD, version="2", title="RGPD", body="Version 2.")

    response = client.post(
        CONSENT_URL, {"decision": "accept", "version": [v.pk for v in versions], "next": "/egestion/dossiers/"}
    )

    assert response["Location"] == f"{CONSENT_URL}?next=%2Fegestion%2Fdossiers%2F"
    assert services.versions_to_accept(newcomer)


def test_a_version_to_come_is_not_asked_before_its_date(client, versions):
    user = UserFactory()
    MembershipFactory(user=user, role=Role.COMPANY_MANAGER)
    ConsentVersion.objects.create(
        kind=ConsentKind.CGU,
        version="3",
        title="CGU",
        body="Plus tard.",
        published_at=timezone.now() + datetime.timedelta(days=3),
    )
    client.force_login(user)

    assert client.get("/egestion/").status_code == 200


def test_login_and_terms_pages_are_not_gated(client, newcomer):
    client.force_login(newcomer)

    assert client.get(reverse("egestion:terms")).status_code == 200
    assert client.get("/egestion/connexion/").status_code == 302  # allauth sends a logged-in user on


def test_staff_in_the_admin_are_not_asked(client, versions):
    staff = UserFactory(is_staff=True, is_superuser=True, consented=False)
    client.force_login(staff)

    assert client.get("/admin/").status_code == 200


def test_htmx_requests_are_redirected_by_header(client, newcomer):
    client.force_login(newcomer)

    response = client.get("/egestion/", headers={"HX-Request": "true"})

    assert response["HX-Redirect"] == f"{CONSENT_URL}?next=%2Fegestion%2F"


def test_an_up_to_date_user_costs_no_consent_query_once_checked(client, versions):
    user = UserFactory()
    MembershipFactory(user=user, role=Role.COMPANY_MANAGER)
    client.force_login(user)
    client.get("/egestion/")  # the first page checks and remembers it in the session

    with CaptureQueriesContext(connection) as queries:
        assert client.get("/egestion/").status_code == 200

    assert not [q for q in queries.captured_queries if "accounts_consent" in q["sql"]]


class Clock:
    """time.monotonic as common.cache reads it, moved on by hand."""

    def __init__(self, monkeypatch):
        self.now = 1000.0
        monkeypatch.setattr("common.cache.time.monotonic", lambda: self.now)


def test_the_versions_in_force_are_read_from_the_worker_s_memory_between_pages(client, versions, monkeypatch):
    user = UserFactory()
    MembershipFactory(user=user, role=Role.COMPANY_MANAGER)
    client.force_login(user)
    Clock(monkeypatch)
    client.get("/egestion/")
    reads = []
    read = ResilientRedisCache.get
    monkeypatch.setattr(
        ResilientRedisCache, "get", lambda self, key, *args: reads.append(key) or read(self, key, *args)
    )

    assert client.get("/egestion/").status_code == 200
    assert client.get("/egestion/dossiers/").status_code == 200

    assert CURRENT_VERSIONS_CACHE_KEY not in reads


def test_a_version_published_by_another_worker_is_asked_within_two_seconds(client, versions, monkeypatch):
    user = UserFactory()
    MembershipFactory(user=user, role=Role.COMPANY_MANAGER)
    client.force_login(user)
    clock = Clock(monkeypatch)
    assert client.get("/egestion/").status_code == 200

    # Another worker's save: the version is in the database and the shared cache forgot the versions in force,
    # but this worker's memory was not told.
    ConsentVersion.objects.bulk_create([ConsentVersion(kind=ConsentKind.CGU, version="2", title="CGU", body="V2.")])
    cache.delete(CURRENT_VERSIONS_CACHE_KEY)
    assert client.get("/egestion/").status_code == 200

    clock.now += PROCESS_SECONDS
    response = client.get("/egestion/")
    assert response.status_code == 302 and response["Location"].startswith(CONSENT_URL)


def test_the_consent_page_without_anything_to_accept_goes_on(client, versions):
    user = UserFactory()
    MembershipFactory(user=user, role=Role.COMPANY_MANAGER)
    client.force_login(user)

    assert client.get(CONSENT_URL, {"next": "/egestion/dossiers/"})["Location"] == "/egestion/dossiers/"


def test_the_consent_page_needs_a_login(client):
    response = client.get(CONSENT_URL)

    assert response.status_code == 302
    assert "/connexion/" in response["Location"]
