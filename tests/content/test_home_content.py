"""The home pages' announcements and help resources, kept rendered in the cache (content.home): what a member sees
is always what is published, after a change in the back office, a change racing a home page, or a date passing."""

import datetime

from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Portal, Role
from common.cache import ResilientRedisCache
from content import home
from content.models import Announcement, AudiencePortal, HelpResource
from tests.factories import MembershipFactory


def resource(**fields):
    values = {"portal": AudiencePortal.EGESTION, "section": "howto", "slug": "arret", "body": "Texte."}
    return HelpResource.objects.create(**{**values, **fields})


def queries_of(call):
    with CaptureQueriesContext(connection) as queries:
        result = call()
    return result, len(queries)


def test_the_second_home_page_reads_neither_announcements_nor_help_resources():
    Announcement.objects.create(portal=AudiencePortal.ALL, title="Fermeture le 26 décembre", body="Bureaux fermés.")
    resource(title="Déclarer un arrêt de formation")

    first, read_first = queries_of(lambda: home.home_content(Portal.EGESTION))
    second, read_second = queries_of(lambda: home.home_content(Portal.EGESTION))

    assert (read_first, read_second) == (2, 0)
    assert second == first
    assert "Fermeture le 26 décembre" in second.announcements
    assert "Déclarer un arrêt de formation" in second.help_resources


def test_a_change_saved_in_the_back_office_shows_on_the_next_home_page(client, regional_manager):
    announcement = Announcement.objects.create(portal=AudiencePortal.ALL, title="Fermeture le 26 décembre", body="…")
    client.force_login(MembershipFactory(role=Role.COMPANY_MANAGER).user)
    assert "Fermeture le 26 décembre" in client.get(reverse("egestion:home")).text

    data = {
        "portal": "all",
        "title": "Fermeture le 24 décembre",
        "body": "Bureaux fermés à midi.",
        "published_from_0": "01/01/2026",
        "published_from_1": "00:00:00",
        "position": 0,
        "is_active": "on",
    }
    change = reverse("admin:content_announcement_change", args=[announcement.pk])
    staff = Client()
    staff.force_login(regional_manager)
    assert staff.post(change, data).status_code == 302

    page = client.get(reverse("egestion:home")).text
    assert "Fermeture le 24 décembre" in page and "Fermeture le 26 décembre" not in page


def test_deleting_a_help_resource_removes_it_from_the_home_page():
    kept = resource(title="Déclarer un arrêt de formation")
    assert "Déclarer un arrêt de formation" in home.home_content(Portal.EGESTION).help_resources

    kept.delete()

    assert "Déclarer un arrêt de formation" not in home.home_content(Portal.EGESTION).help_resources


def test_a_change_made_while_a_home_page_renders_is_not_hidden_by_its_rendering(monkeypatch):
    """The home page read the database before the change committed: what it keeps is of the old generation, and the
    next home page reads again."""
    kept = resource(title="Ancien titre")
    rendered = home._rendered

    def rendered_then_changed(*args):
        content = rendered(*args)
        kept.title = "Nouveau titre"
        kept.save()  # a staff member's save, between this page's read and its write to the cache
        return content

    monkeypatch.setattr(home, "_rendered", rendered_then_changed)
    assert "Ancien titre" in home.home_content(Portal.EGESTION).help_resources
    monkeypatch.setattr(home, "_rendered", rendered)

    assert "Nouveau titre" in home.home_content(Portal.EGESTION).help_resources


def test_an_announcement_is_kept_only_until_its_publication_starts_or_ends():
    now = timezone.now()
    Announcement.objects.create(title="Bientôt", body="…", published_from=now + datetime.timedelta(minutes=10))
    Announcement.objects.create(title="En cours", body="…", published_until=now + datetime.timedelta(minutes=30))

    content = home.home_content(Portal.OGESTION)

    assert "En cours" in content.announcements and "Bientôt" not in content.announcements
    seconds_kept = cache._cache.get_client().ttl(cache.make_key("content:home:ogestion"))
    assert 0 < seconds_kept <= 10 * 60  # the next start, not the next end nor the hour kept at most


def test_each_portal_keeps_its_own_links_and_announcements():
    Announcement.objects.create(portal=AudiencePortal.OGESTION, title="Avis de virement", body="Nouveau format.")
    resource(portal=AudiencePortal.ALL, title="Guide", slug="guide")

    egestion, ogestion = home.home_content(Portal.EGESTION), home.home_content(Portal.OGESTION)

    assert "Avis de virement" in ogestion.announcements and "Avis de virement" not in egestion.announcements
    assert reverse("egestion:help_page", args=["guide"]) in egestion.help_resources
    assert reverse("ogestion:help_page", args=["guide"]) in ogestion.help_resources


def test_a_rendering_read_from_the_cache_is_then_read_from_the_worker_s_memory(monkeypatch):
    resource(title="Déclarer un arrêt de formation")
    monkeypatch.setattr("common.cache.time.monotonic", lambda: 1000.0)
    home.home_content(Portal.EGESTION)  # rendered and kept in the cache
    home.home_content(Portal.EGESTION)  # read from the cache, kept in memory
    reads = []
    monkeypatch.setattr(ResilientRedisCache, "get_many", lambda self, keys, *args: reads.append(keys) or {})

    content = home.home_content(Portal.EGESTION)

    assert reads == [] and "Déclarer un arrêt de formation" in content.help_resources


def test_a_change_saved_by_another_worker_shows_within_two_seconds(monkeypatch):
    kept = resource(title="Ancien titre")
    clock = [1000.0]
    monkeypatch.setattr("common.cache.time.monotonic", lambda: clock[0])
    home.home_content(Portal.EGESTION)
    assert "Ancien titre" in home.home_content(Portal.EGESTION).help_resources

    # Another worker's save: a new generation in the shared cache; this worker's memory was not told.
    HelpResource.objects.filter(pk=kept.pk).update(title="Nouveau titre")
    cache.set(home.GENERATION_KEY, "another-worker", timeout=None)
    assert "Ancien titre" in home.home_content(Portal.EGESTION).help_resources

    clock[0] += 2
    assert "Nouveau titre" in home.home_content(Portal.EGESTION).help_resources
