"""Portal content written in the back office: the "INFORMATIONS" on each home page and the "Mes Contacts"
advisors of each company."""

import datetime

from django.urls import reverse
from django.utils import timezone

from accounts.models import Region, Role
from content.models import Advisor, Announcement, AudiencePortal
from tests.factories import EstablishmentFactory, MembershipFactory


def test_the_home_pages_show_the_published_announcements(client):
    now = timezone.now()
    Announcement.objects.create(portal=AudiencePortal.ALL, title="Fermeture le 26 décembre", body="Bureaux fermés.")
    Announcement.objects.create(portal=AudiencePortal.OGESTION, title="Avis de virement", body="Nouveau format.")
    Announcement.objects.create(
        title="Expirée",
        body="…",
        published_until=now - datetime.timedelta(seconds=1),
        published_from=now - datetime.timedelta(days=2),
    )
    Announcement.objects.create(title="Masquée", body="…", is_active=False)
    company = MembershipFactory(role=Role.COMPANY_MANAGER).user
    provider = MembershipFactory(provider_referent=True).user

    client.force_login(company)
    egestion = client.get(reverse("egestion:home")).text
    client.force_login(provider)
    ogestion = client.get(reverse("ogestion:home")).text

    assert "Fermeture le 26 décembre" in egestion and "Avis de virement" not in egestion
    assert "Fermeture le 26 décembre" in ogestion and "Avis de virement" in ogestion
    for text in (egestion, ogestion):
        assert "Expirée" not in text and "Masquée" not in text


def test_mes_contacts_shows_the_advisors_of_the_company(client):
    establishment = EstablishmentFactory(region=Region.BRE)
    user = MembershipFactory(role=Role.COMPANY_MANAGER, establishment=establishment).user
    Advisor.objects.create(name="Yann Le Goff", phone="02 99 00 00 00", email="y.legoff@constructys.fr", region="BRE")
    assigned = Advisor.objects.create(name="Sophie Martin", region="OCC")
    assigned.organisations.add(establishment.organisation)
    Advisor.objects.create(name="Autre Région", region="OCC")
    client.force_login(user)

    text = client.get(reverse("egestion:home")).text

    assert "Yann Le Goff" in text and "y.legoff@constructys.fr" in text and "tel:0299000000" in text
    assert "Sophie Martin" in text and "Autre Région" not in text
    assert "Vos conseillers Constructys apparaîtront ici" not in text


def test_a_case_manager_may_not_edit_announcements(staff_client, case_manager, regional_manager):
    data = {
        "portal": "all",
        "title": "Info",
        "body": "Texte",
        "published_from_0": "01/12/2026",
        "published_from_1": "08:00:00",
        "position": 0,
        "is_active": "on",
    }

    assert staff_client(case_manager).post(reverse("admin:content_announcement_add"), data).status_code == 403
    assert staff_client(regional_manager).post(reverse("admin:content_announcement_add"), data).status_code == 302
    assert Announcement.objects.get().title == "Info"


def test_help_resources_are_written_in_the_admin_and_show_on_the_home_page(
    client, staff_client, regional_manager, case_manager
):
    from content.models import HelpResource

    data = {
        "portal": "egestion",
        "section": "howto",
        "kind": "page",
        "title": "Déclarer un arrêt de formation",
        "slug": "arret-de-formation",
        "position": 0,
        "is_published": "on",
        "summary": "Quand un stagiaire arrête sa formation.",
        "body": "## Étapes\n1. Ouvrez le dossier.\n2. Écrivez au gestionnaire.",
    }
    assert staff_client(case_manager).post(reverse("admin:content_helpresource_add"), data).status_code == 403
    assert staff_client(regional_manager).post(reverse("admin:content_helpresource_add"), data).status_code == 302
    assert HelpResource.objects.get(slug="arret-de-formation").title == "Déclarer un arrêt de formation"

    client.force_login(MembershipFactory(role=Role.COMPANY_MANAGER).user)
    home = client.get(reverse("egestion:home")).text
    assert "Déclarer un arrêt de formation" in home and "Quand un stagiaire arrête sa formation." in home
    page = client.get(reverse("egestion:help_page", args=["arret-de-formation"])).text
    assert "<h2>Étapes</h2>" in page and "<li>Écrivez au gestionnaire.</li>" in page
