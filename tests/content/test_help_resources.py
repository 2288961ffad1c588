"""The guides' help on the home pages (issue 17, item 3): the printable guide as a PDF, the "modes opératoires",
"MESSAGE NON LU ? MESSAGE NON VU" and the regulatory information as portal pages, each for its portal only,
written in the admin; the favicon."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from accounts.models import Role
from content.models import AudiencePortal, HelpKind, HelpResource, HelpSection, text_blocks
from tests.factories import MembershipFactory


@pytest.fixture
def company(client):
    return MembershipFactory(role=Role.COMPANY_MANAGER).user


@pytest.fixture
def provider():
    return MembershipFactory(provider_referent=True).user


@pytest.fixture
def seeded():
    """The resources the data migration writes (a database flushed by a browser test has lost them: write them
    again with the migration's own function)."""
    if not HelpResource.objects.filter(slug="guide-egestion").exists():
        importlib.import_module("content.migrations.0003_seed_help_resources").seed(apps, None)


def test_the_egestion_home_shows_the_resources_of_the_guide(client, company, seeded):
    client.force_login(company)
    page = client.get(reverse("egestion:home")).text
    assert "Présentation générale d&#x27;eGestion : guide imprimable" in page
    assert reverse("egestion:help_pdf", args=["guide-egestion"]) in page
    for slug in (
        "mode-operatoire-cerfa",
        "mode-operatoire-plan",
        "mode-operatoire-messages",
        "mode-operatoire-utilisateurs",
    ):
        assert reverse("egestion:help_page", args=[slug]) in page
    assert "Message non lu ? Message non vu" in page
    assert "Informations réglementaires" in page
    assert reverse("egestion:help_page", args=["informations-reglementaires"]) in page
    # oGestion's guide is not eGestion's.
    assert "guide-ogestion" not in page


def test_the_ogestion_home_shows_its_own_guide(client, provider, seeded):
    client.force_login(provider)
    page = client.get(reverse("ogestion:home")).text
    assert reverse("ogestion:help_pdf", args=["guide-ogestion"]) in page
    assert reverse("ogestion:help_page", args=["mode-operatoire-utilisateurs-ogestion"]) in page
    assert "mode-operatoire-cerfa" not in page


def test_a_mode_operatoire_is_a_portal_page(client, company, seeded):
    client.force_login(company)
    response = client.get(reverse("egestion:help_page", args=["message-non-lu"]))
    assert response.status_code == 200
    assert "Marquer comme non lu" in response.text and "<ol>" in response.text


def test_the_printable_guide_is_a_pdf(client, provider, seeded):
    client.force_login(provider)
    response = client.get(reverse("ogestion:help_pdf", args=["guide-ogestion"]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_a_resource_opens_only_in_its_portal_in_its_form_and_when_published(client, company, provider, seeded):
    client.force_login(company)
    assert client.get(reverse("egestion:help_pdf", args=["guide-ogestion"])).status_code == 404
    assert client.get(reverse("egestion:help_page", args=["guide-egestion"])).status_code == 404  # a PDF
    assert client.get(reverse("egestion:help_pdf", args=["mode-operatoire-cerfa"])).status_code == 404  # a page
    HelpResource.objects.filter(slug="mode-operatoire-cerfa").update(is_published=False)
    assert client.get(reverse("egestion:help_page", args=["mode-operatoire-cerfa"])).status_code == 404
    assert "mode-operatoire-cerfa" not in client.get(reverse("egestion:home")).text
    client.force_login(provider)
    assert client.get(reverse("ogestion:help_page", args=["message-non-lu"])).status_code == 404
    # A company user has no oGestion help, a provider no eGestion help.
    assert client.get(reverse("egestion:help_page", args=["message-non-lu"])).status_code == 403


def test_a_resource_for_both_portals_shows_in_both(client, company, provider):
    HelpResource.objects.create(
        portal=AudiencePortal.ALL,
        section=HelpSection.REGULATORY,
        kind=HelpKind.PAGE,
        slug="reforme-2027",
        title="Info Réforme 2027",
        body="Ce qui change.",
    )
    for user, portal in ((company, "egestion"), (provider, "ogestion")):
        client.force_login(user)
        assert "Info Réforme 2027" in client.get(reverse(f"{portal}:home")).text
        assert "Ce qui change." in client.get(reverse(f"{portal}:help_page", args=["reforme-2027"])).text


def test_what_staff_type_stays_text():
    blocks = text_blocks("## Étapes\n1. Ouvrir\n2. <b>Valider</b>\n\n- un\n- deux\n\nFin\nde texte")
    assert blocks == [
        ("heading", "Étapes"),
        ("steps", ["Ouvrir", "<b>Valider</b>"]),
        ("list", ["un", "deux"]),
        ("paragraph", "Fin de texte"),
    ]


def test_an_edited_pdf_is_generated_again(client, provider):
    resource = HelpResource.objects.create(
        portal=AudiencePortal.OGESTION, kind=HelpKind.PDF, slug="memo", title="Mémo", body="Première version."
    )
    client.force_login(provider)
    first = client.get(reverse("ogestion:help_pdf", args=["memo"])).content
    resource.body = "Deuxième version, plus longue que la première."
    resource.save()
    assert client.get(reverse("ogestion:help_pdf", args=["memo"])).content != first


def test_the_favicon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("img/favicon.ico")
    page = client.get(reverse("landing")).text
    assert "img/favicon.svg" in page and "img/favicon-32.png" in page and "apple-touch-icon" in page
