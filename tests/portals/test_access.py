import pytest
from django.urls import reverse

from accounts.models import Role
from egestion.menu import MENU as EGESTION_MENU
from messaging.models import SenderSide
from ogestion.menu import MENU as OGESTION_MENU
from tests.factories import (
    DossierFactory,
    EstablishmentFactory,
    MembershipFactory,
    MessageFactory,
    MessageReadFactory,
    UserFactory,
)


def menu_urls(namespace, menu):
    return [reverse(f"{namespace}:{entry.url_name}") for entry in menu]


@pytest.mark.parametrize("url", ["/egestion/", "/egestion/dossiers/", "/ogestion/", "/ogestion/reglements/"])
def test_portal_pages_send_anonymous_visitors_to_that_portals_login(client, url):
    response = client.get(url, follow=True)

    portal = url.split("/")[1]
    assert response.redirect_chain[-1][0] == f"/{portal}/connexion/?next={url.replace('/', '%2F')}"
    assert response.status_code == 200


def test_public_pages_need_no_login(client):
    assert client.get("/").status_code == 200
    assert client.get("/egestion/connexion/").status_code == 200
    ogestion_login = client.get("/ogestion/connexion/")
    assert "Bienvenue dans votre espace Organisme de formation" in ogestion_login.text


def test_login_with_email_lands_on_the_portal_home(client, company_manager):
    response = client.post(
        "/egestion/connexion/", {"login": company_manager.email, "password": "Motdepasse-123!"}, follow=True
    )

    assert response.redirect_chain[-1][0] == "/egestion/"
    assert "Marie" in response.text


def test_wrong_password_is_refused_with_a_french_message(client, company_manager):
    response = client.post("/egestion/connexion/", {"login": company_manager.email, "password": "mauvais"})

    assert response.status_code == 200
    assert "L’adresse e-mail ou le mot de passe sont incorrects." in response.text


def test_every_egestion_menu_entry_answers_for_the_manager(client, company_manager):
    client.force_login(company_manager)

    for url in menu_urls("egestion", EGESTION_MENU):
        assert client.get(url).status_code == 200, url


def test_every_ogestion_menu_entry_answers_for_the_referent(client, provider_referent):
    client.force_login(provider_referent)

    for url in menu_urls("ogestion", OGESTION_MENU):
        assert client.get(url).status_code == 200, url


def test_features_still_to_come_say_so_instead_of_404(rf, company_manager):
    # Every menu entry of both portals is built now: the mechanism is checked on an entry of its own.
    from common.menus import MenuEntry, upcoming_urls
    from egestion.access import egestion_required

    entry = MenuEntry("later", "Consulter les règlements", "euro", "plus-tard/", upcoming="Vous consulterez ici…")
    [pattern] = upcoming_urls([entry], egestion_required, "egestion/base.html")
    request = rf.get("/egestion/plus-tard/")
    request.user, request.session = company_manager, {}

    response = pattern.callback(request)

    assert "arrive prochainement" in response.content.decode()
    assert "Consulter les règlements" in response.content.decode()


def test_user_management_entry_is_shown_to_the_manager_only(client, company_manager, company_user):
    users_url = reverse("egestion:users")
    client.force_login(company_manager)
    assert users_url in client.get("/egestion/").text

    client.force_login(company_user)
    assert users_url not in client.get("/egestion/").text


def test_company_user_cannot_enter_ogestion_and_is_told_why(client, company_manager):
    client.force_login(company_manager)

    response = client.get("/ogestion/")

    assert response.status_code == 403
    assert "n'a pas accès à oGestion" in response.text


def test_provider_user_cannot_enter_egestion(client, provider_referent):
    client.force_login(provider_referent)

    assert client.get("/egestion/").status_code == 403


def test_home_shows_the_user_and_the_organisation(client, company_manager):
    client.force_login(company_manager)
    organisation = company_manager.memberships.get().establishment.organisation

    response = client.get("/egestion/")

    assert "Marie PETIT" in response.text
    assert organisation.name in response.text


def test_egestion_home_counts_unread_messages_from_constructys(client, company_manager):
    establishment = company_manager.memberships.get().establishment
    dossier = DossierFactory(employer_establishment=establishment)
    MessageFactory.create_batch(2, dossier=dossier, sender_side=SenderSide.CONSTRUCTYS)
    MessageReadFactory(
        message=MessageFactory(dossier=dossier, sender_side=SenderSide.CONSTRUCTYS), user=company_manager
    )
    MessageFactory(dossier=DossierFactory(), sender_side=SenderSide.CONSTRUCTYS)  # someone else's
    client.force_login(company_manager)

    response = client.get("/egestion/")

    assert "Vous avez 2 nouveau(x) message(s)" in response.text


def test_egestion_home_without_unread_messages(client, company_manager):
    client.force_login(company_manager)

    assert "Vous n'avez pas de nouveaux messages" in client.get("/egestion/").text


def test_ogestion_home_flags_establishments_without_iban(client, provider_referent):
    establishment = provider_referent.memberships.get().establishment
    establishment.iban = ""
    establishment.save()
    client.force_login(provider_referent)

    response = client.get("/ogestion/")

    assert "IBAN manquant" in response.text
    assert establishment.siret in response.text


def test_portal_home_runs_a_constant_number_of_queries(client, company_manager, django_assert_max_num_queries):
    establishment = company_manager.memberships.get().establishment
    client.force_login(company_manager)
    client.get("/egestion/")  # warm up the session

    # One query per panel (messages, announcements, advisors, help resources, drafts due, "À venir") plus the
    # session, the user and the memberships: none of them grows with the data.
    with django_assert_max_num_queries(10) as few:
        client.get("/egestion/")
    for _ in range(3):
        MembershipFactory(user=company_manager, establishment=EstablishmentFactory(), role=Role.COMPANY_USER)
        dossier = DossierFactory(employer_establishment=establishment)
        MessageFactory.create_batch(3, dossier=dossier, sender_side=SenderSide.CONSTRUCTYS)

    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/egestion/")


def test_admin_login_page_is_reachable_and_staff_get_in(client):
    # allauth's login form, then the code of the authenticator app (tests/accounts/test_mfa.py).
    login_page = client.get("/admin/login/")
    assert login_page.status_code == 200
    assert 'name="login"' in login_page.text
    # A staff factory user has an authenticator app (TOTP), which the admin requires of staff.
    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)

    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/dossiers/dossier/").status_code == 200
