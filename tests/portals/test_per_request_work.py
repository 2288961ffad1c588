"""Work a portal page does once, whatever its data (issue 18): the same number of queries with more rows, the
menu reversed once per process, one reverse() per list rather than one per row, and links that still lead where
{% url %} led."""

import pytest
from django import urls
from django.urls import reverse

from accounts.access import entity_session_key
from accounts.models import Role
from common import context_processors
from common.templatetags.portal import fill, url_pattern
from tests.factories import (
    DocumentFactory,
    DossierFactory,
    EnrolmentFactory,
    MembershipFactory,
    MessageFactory,
)
from tests.harness import assert_constant_queries, page_of


@pytest.fixture
def manager(db):
    return MembershipFactory(role=Role.COMPANY_MANAGER)


@pytest.fixture
def logged_in(client, manager):
    client.force_login(manager.user)
    return client


def more_of_everything(establishment):
    def grow():
        for dossier in DossierFactory.create_batch(12, employer_establishment=establishment):
            EnrolmentFactory(dossier=dossier)
            MessageFactory.create_batch(3, dossier=dossier)
            DocumentFactory(dossier=dossier)

    return grow


@pytest.mark.parametrize("page", ["home", "dossiers", "messages"])
def test_the_busiest_pages_cost_the_same_queries_with_more_dossiers_and_messages(logged_in, manager, page):
    grow = more_of_everything(manager.establishment)
    grow()  # more than a page of messages: the page count is read from then on
    url = reverse(f"egestion:{page}")
    assert_constant_queries(page_of(logged_in, url), grow=grow, warm_up=True)


def test_the_dossier_page_costs_the_same_queries_with_more_messages_and_documents(logged_in, manager):
    dossier = DossierFactory(employer_establishment=manager.establishment)
    MessageFactory(dossier=dossier)

    def grow():
        MessageFactory.create_batch(10, dossier=dossier)
        DocumentFactory.create_batch(5, dossier=dossier)
        EnrolmentFactory.create_batch(2, dossier=dossier)

    url = reverse("egestion:dossier", args=[dossier.number])
    assert_constant_queries(page_of(logged_in, url), grow=grow, warm_up=True)


class ReverseCounter:
    """Counts the reverse() calls of {% url %} while a page renders (the real reverse runs; the tag imports it
    from django.urls at each call)."""

    def __init__(self, monkeypatch):
        self.calls = 0
        real = urls.reverse

        def counting(*args, **kwargs):
            self.calls += 1
            return real(*args, **kwargs)

        monkeypatch.setattr(urls, "reverse", counting)


@pytest.mark.parametrize(
    ("page", "rows"),
    [("dossiers", lambda dossier: None), ("messages", lambda dossier: MessageFactory(dossier=dossier))],
)
def test_a_list_reverses_its_links_once_not_once_per_row(logged_in, manager, monkeypatch, page, rows):
    def grow():
        for dossier in DossierFactory.create_batch(10, employer_establishment=manager.establishment):
            rows(dossier)

    grow()
    counter = ReverseCounter(monkeypatch)
    url = reverse(f"egestion:{page}")
    logged_in.get(url)
    few, counter.calls = counter.calls, 0
    grow()
    response = logged_in.get(url)
    assert len(response.context["page"].object_list) == 20
    assert counter.calls == few


def test_the_ogestion_list_reverses_its_links_once(client, monkeypatch):
    from tests.factories import ProviderEstablishmentFactory

    site = ProviderEstablishmentFactory()
    client.force_login(MembershipFactory(role=Role.PROVIDER_REFERENT, establishment=site).user)
    url = reverse("ogestion:dossiers")
    DossierFactory.create_batch(3, provider_establishment=site)
    counter = ReverseCounter(monkeypatch)
    client.get(url)
    few, counter.calls = counter.calls, 0
    dossiers = DossierFactory.create_batch(10, provider_establishment=site)
    html = client.get(url).content.decode()
    assert counter.calls == few
    assert f'href="{reverse("ogestion:dossier", args=[dossiers[0].number])}"' in html


def test_the_list_links_lead_where_url_led(logged_in, manager):
    dossier = DossierFactory(employer_establishment=manager.establishment, number="31000042.01")
    message = MessageFactory(dossier=dossier)
    html = logged_in.get(reverse("egestion:dossiers")).content.decode()
    assert f'href="{reverse("egestion:dossier", args=[dossier.number])}"' in html
    html = logged_in.get(reverse("egestion:messages")).content.decode()
    assert f'href="{reverse("egestion:dossier_tab", args=[dossier.number, "messages"])}"' in html
    assert f'href="{reverse("egestion:dossier_message", args=[dossier.number, message.pk])}"' in html


@pytest.mark.no_database
@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("egestion:dossier", ["31000042.01"]),
        ("egestion:dossier", ["un numéro étrange&?#"]),
        ("egestion:dossier_message", ["31000042.01", 17]),
        ("egestion:dossier_tab", ["31000042.01", "documents-emis"]),
        ("egestion:request_resume", ["7f0c1a52-3c1e-4f5e-9d3a-2b8f0f6c1d10"]),
        ("ogestion:dossier", ["31000042.01"]),
    ],
)
def test_a_url_pattern_filled_gives_the_url_reverse_gives(name, args):
    filled = url_pattern(name, len(args))
    for arg in args:
        filled = fill(filled, arg)
    assert filled == reverse(name, args=args)


@pytest.mark.no_database
def test_a_url_pattern_quotes_like_reverse():
    assert fill(url_pattern("egestion:dossier"), "N° 12&3") == reverse("egestion:dossier", args=["N° 12&3"])


def test_the_menu_is_reversed_once_and_shows_admin_entries_to_administrators_only(client, db):
    context_processors.menu_links.cache_clear()
    user = MembershipFactory(role=Role.COMPANY_USER).user
    admin = MembershipFactory(role=Role.COMPANY_MANAGER).user
    pages = {}
    for who in (user, admin):
        client.force_login(who)
        pages[who] = client.get(reverse("egestion:home"))
        client.get(reverse("egestion:dossiers"))
    users_link = f'href="{reverse("egestion:users")}"'
    assert users_link in pages[admin].content.decode()
    assert users_link not in pages[user].content.decode()
    assert f'href="{reverse("egestion:messages")}"' in pages[user].content.decode()
    info = context_processors.menu_links.cache_info()
    assert (info.misses, info.hits) == (2, 2)  # once per kind of user, then reused


def test_the_active_menu_entry_is_still_marked(logged_in):
    html = logged_in.get(reverse("egestion:dossiers")).content.decode()
    assert f'<a class="portal-nav__link" href="{reverse("egestion:dossiers")}" aria-current="page">' in html


def users_link_shown(client, portal) -> bool:
    html = client.get(reverse(f"{portal}:home")).content.decode()
    assert f'href="{reverse(f"{portal}:dossiers")}"' in html  # the menu is there
    return f'href="{reverse(f"{portal}:users")}"' in html


@pytest.mark.parametrize(
    ("portal", "admin_traits", "user_traits"),
    [
        ("egestion", {"company_manager": True}, {"company_user": True}),
        ("ogestion", {"provider_referent": True}, {"provider_user": True}),
    ],
)
def test_a_menu_cached_for_an_administrator_never_reaches_a_non_administrator(
    client, db, portal, admin_traits, user_traits
):
    """The per-process menu is keyed by the role, and by nothing else: it must not carry "Gérer les utilisateurs"
    from the manager (or référent) who filled it to the next user, nor to the same person looking at an
    establishment where they are not an administrator."""
    context_processors.menu_links.cache_clear()
    admin = MembershipFactory(**admin_traits)
    client.force_login(admin.user)
    assert users_link_shown(client, portal)

    client.force_login(MembershipFactory(**user_traits).user)
    assert not users_link_shown(client, portal)

    # The administrator is a plain user of a second establishment: narrowed to it, no admin entry.
    second = MembershipFactory(user=admin.user, **user_traits)
    client.force_login(admin.user)
    session = client.session
    session[entity_session_key(portal)] = second.establishment_id
    session.save()
    assert not users_link_shown(client, portal)


def test_the_portal_database_session_runs_without_jit_and_with_a_statement_timeout(db):
    """PostgreSQL compiled some of the portal's short queries for longer than they ran (issues 18 and 21): every
    connection of the portal turns JIT off, and keeps the statement timeout that cuts a runaway query."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "30s"


def test_the_layout_links_and_assets_are_what_url_and_static_give(settings):
    from django.template import engines
    from django.templatetags.static import static

    render = (
        engines["django"]
        .from_string(
            "{% load portal %}{% site_url 'account_logout' %} {% site_url 'mfa_index' as security %}{{ security }} "
            "{% asset 'css/portal.css' %}"
        )
        .render
    )
    assert render({}).split() == [reverse("account_logout"), reverse("mfa_index"), static("css/portal.css")]
    settings.STATIC_URL = "/ailleurs/"  # looked up once per process, but per STATIC_URL
    assert render({}).split()[2] == static("css/portal.css") and static("css/portal.css").startswith("/ailleurs/")


def test_a_page_reverses_the_layouts_links_and_finds_its_assets_once_per_process(logged_in, monkeypatch):
    logged_in.get(reverse("egestion:payments"))
    counter = ReverseCounter(monkeypatch)
    looked_up = []
    monkeypatch.setattr("common.templatetags.portal.static", looked_up.append)

    html = logged_in.get(reverse("egestion:payments")).text

    assert counter.calls == 0 and looked_up == []
    assert f'action="{reverse("account_logout")}"' in html and 'href="/static/css/portal.css' in html
