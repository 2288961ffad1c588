"""Gérer les utilisateurs: the company manager invites, chooses establishments, deactivates, reactivates and hands
over the manager role; nobody else reaches these pages, and no user of another company is ever found."""

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import AccountEvent, AccountEventKind, Membership, Role, User
from dossiers.models import Dossier
from tests.egestion.utils import GOOD_PASSWORD, emails_to, invitation_link_in, text
from tests.factories import DossierFactory, EstablishmentFactory, MembershipFactory, UserFactory
from tests.harness import assert_constant_queries

USERS_URL = "/egestion/utilisateurs/"


def user_urls(pk):
    """Every URL about one user, with the method that acts on it."""
    return [
        ("get", f"{USERS_URL}{pk}/"),
        ("post", f"{USERS_URL}{pk}/etablissements/"),
        ("get", f"{USERS_URL}{pk}/desactiver/"),
        ("post", f"{USERS_URL}{pk}/desactiver/"),
        ("post", f"{USERS_URL}{pk}/reactiver/"),
        ("get", f"{USERS_URL}{pk}/gestionnaire/"),
        ("post", f"{USERS_URL}{pk}/gestionnaire/"),
    ]


def test_the_menu_entry_leads_to_the_list_of_the_companys_users(client, manager, colleague, other_company_user):
    client.force_login(manager)

    response = client.get(reverse("egestion:users"))

    assert response.status_code == 200
    page = text(response)
    assert "Gérer les utilisateurs" in page
    assert "Les comptes eGestion de BATIR ENSEMBLE" in page
    assert "marie.petit@batir-ensemble.fr" in page
    assert "paul.martin@batir-ensemble.fr" in page
    assert "someone@ailleurs.fr" not in page
    assert "arrive prochainement" not in page


def test_the_list_searches_by_name_and_email_and_filters_by_status(client, manager, colleague, establishments):
    gone = UserFactory(email="ancien@batir-ensemble.fr", first_name="Jean", last_name="Ancien")
    Membership.include_inactive.create(
        user=gone, establishment=establishments[0], role=Role.COMPANY_USER, is_active=False
    )
    client.force_login(manager)

    by_name = text(client.get(USERS_URL, {"q": "martin"}))
    assert "paul.martin@batir-ensemble.fr" in by_name
    assert "marie.petit@batir-ensemble.fr" not in by_name
    by_email = text(client.get(USERS_URL, {"q": "marie.petit@"}))
    assert "marie.petit@batir-ensemble.fr" in by_email
    assert "paul.martin@batir-ensemble.fr" not in by_email
    inactive = text(client.get(USERS_URL, {"statut": "inactif"}))
    assert "ancien@batir-ensemble.fr" in inactive
    assert "paul.martin@batir-ensemble.fr" not in inactive
    active = text(client.get(USERS_URL, {"statut": "actif"}))
    assert "ancien@batir-ensemble.fr" not in active
    assert "paul.martin@batir-ensemble.fr" in active
    nobody = text(client.get(USERS_URL, {"q": "personne"}))
    assert "Aucun utilisateur ne correspond à votre recherche" in nobody


def test_htmx_filters_get_only_the_results(client, manager, colleague):
    client.force_login(manager)

    response = client.get(USERS_URL, {"q": "martin"}, headers={"HX-Request": "true"})

    assert response.text.lstrip().startswith('<div id="user-results"')
    assert "paul.martin@batir-ensemble.fr" in response.text
    assert "<html" not in response.text


def test_the_list_is_paginated(client, manager, establishments):
    for n in range(22):
        MembershipFactory(user=UserFactory(email=f"collegue{n:02d}@batir-ensemble.fr"), establishment=establishments[0])
    client.force_login(manager)

    first = text(client.get(USERS_URL))
    second = text(client.get(USERS_URL, {"page": 2}))

    assert "1 à 20 sur 23 utilisateurs" in first
    assert "Page 1 sur 2" in first
    assert "?page=2" in first
    assert "21 à 23 sur 23 utilisateurs" in second


def test_the_list_costs_the_same_number_of_queries_whatever_the_number_of_users(client, manager, establishments):
    client.force_login(manager)
    client.get(USERS_URL)  # warm up the session

    def more_users():
        for n in range(15):
            user = UserFactory()
            for establishment in establishments:
                MembershipFactory(user=user, establishment=establishment, is_active=n % 2 == 0)

    response = assert_constant_queries(lambda: client.get(USERS_URL), grow=more_users, at_most=12)
    assert response.text.count('class="badge badge--success">Actif') == 9  # the manager and 8 others


def test_invitation_then_password_then_login(client, manager, establishments):
    client.force_login(manager)

    response = client.post(
        reverse("egestion:user_invite"),
        {
            "civility": "m",
            "last_name": "Bernard",
            "first_name": "Luc",
            "email": "Luc.Bernard@batir-ensemble.fr",
            "establishments": [establishments[1].pk],
        },
    )

    assert response.status_code == 302
    assert response.url == USERS_URL
    assert not User.objects.filter(email="luc.bernard@batir-ensemble.fr").exists()  # nothing before acceptance
    [invitation] = emails_to("luc.bernard@batir-ensemble.fr")
    assert "Répondre à l'invitation" in invitation.alternatives[0][0]
    assert "BATIR ENSEMBLE" in invitation.body
    listing = text(client.get(USERS_URL))
    assert "luc.bernard@batir-ensemble.fr" in listing
    assert "Invitation en attente" in listing

    client.logout()
    created = client.post(
        invitation_link_in(invitation),
        {"decision": "accept", "password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD},
        follow=True,
    )
    assert created.redirect_chain[-1][0] == "/egestion/connexion/"
    invited = User.objects.get(email="luc.bernard@batir-ensemble.fr")
    assert invited.get_full_name() == "Luc BERNARD"
    assert [m.establishment for m in Membership.objects.filter(user=invited)] == [establishments[1]]
    assert AccountEvent.objects.filter(user=invited, kind=AccountEventKind.INVITATION_ACCEPTED, actor=manager).exists()
    assert client.login(email="luc.bernard@batir-ensemble.fr", password=GOOD_PASSWORD)
    home = client.get("/egestion/", follow=True)
    assert home.status_code == 200


def test_inviting_someone_already_in_the_company_is_refused(client, manager, colleague, establishments):
    client.force_login(manager)

    response = client.post(
        reverse("egestion:user_invite"),
        {
            "civility": "m",
            "last_name": "Martin",
            "first_name": "Paul",
            "email": colleague.email.upper(),
            "establishments": [establishments[0].pk],
        },
    )

    assert response.status_code == 200
    assert "Cette personne a déjà un compte pour votre entreprise" in text(response)
    assert not mail.outbox


def test_the_invitation_refuses_an_establishment_of_another_company(client, manager):
    client.force_login(manager)
    foreign = EstablishmentFactory()

    response = client.post(
        reverse("egestion:user_invite"),
        {"civility": "m", "last_name": "X", "first_name": "Y", "email": "x@y.fr", "establishments": [foreign.pk]},
    )

    assert "Cet établissement ne fait pas partie de votre entreprise." in text(response)
    assert not User.objects.filter(email="x@y.fr").exists()


def test_the_establishments_chosen_restrict_what_the_user_sees(client, manager, colleague, establishments):
    first, second = establishments
    in_first, in_second = DossierFactory(employer_establishment=first), DossierFactory(employer_establishment=second)
    assert list(Dossier.objects.for_company_user(colleague)) == [in_first]
    client.force_login(manager)

    response = client.post(f"{USERS_URL}{colleague.pk}/etablissements/", {"establishments": [second.pk]})

    assert response.status_code == 302
    assert list(Dossier.objects.for_company_user(colleague)) == [in_second]
    event = AccountEvent.objects.get(user=colleague, kind=AccountEventKind.ESTABLISHMENTS_CHANGED)
    assert (event.actor, event.details["before"], event.details["after"]) == (manager, [first.pk], [second.pk])

    client.post(f"{USERS_URL}{colleague.pk}/etablissements/", {"establishments": [first.pk, second.pk]})
    assert set(Dossier.objects.for_company_user(colleague)) == {in_first, in_second}
    assert Membership.objects.filter(user=colleague, role=Role.COMPANY_USER).count() == 2


def test_at_least_one_establishment_is_required(client, manager, colleague):
    client.force_login(manager)

    response = client.post(f"{USERS_URL}{colleague.pk}/etablissements/", {})

    assert "Cochez au moins un établissement" in text(response)
    assert Membership.objects.filter(user=colleague).count() == 1


def test_the_managers_own_establishments_cannot_be_narrowed(client, manager, establishments):
    client.force_login(manager)

    client.post(f"{USERS_URL}{manager.pk}/etablissements/", {"establishments": [establishments[0].pk]})

    assert Membership.objects.filter(user=manager, role=Role.COMPANY_MANAGER).count() == 2


def test_deactivation_asks_for_a_confirmation_then_ends_login_and_sessions(client, manager, colleague):
    colleague_session = type(client)()
    colleague_session.force_login(colleague)
    assert colleague_session.get("/egestion/").status_code == 200
    client.force_login(manager)

    confirmation = client.get(f"{USERS_URL}{colleague.pk}/desactiver/")
    assert confirmation.status_code == 200
    assert "Désactiver le compte de Paul MARTIN ?" in text(confirmation)
    assert Membership.objects.filter(user=colleague).exists()  # nothing happened yet

    response = client.post(f"{USERS_URL}{colleague.pk}/desactiver/")

    assert response.status_code == 302
    colleague.refresh_from_db()
    assert not colleague.is_active
    assert not Membership.objects.filter(user=colleague).exists()
    assert AccountEvent.objects.filter(user=colleague, kind=AccountEventKind.DEACTIVATED, actor=manager).exists()
    assert not client.login(email=colleague.email, password="Motdepasse-123!")
    after = colleague_session.get("/egestion/")
    assert after.status_code == 302
    assert after.url.startswith("/connexion/?next=/egestion/")
    assert "Inactif" in text(client.get(USERS_URL, {"statut": "inactif"}))


def test_a_deactivated_user_is_reactivated(client, manager, colleague, establishments):
    client.force_login(manager)
    client.post(f"{USERS_URL}{colleague.pk}/desactiver/")

    page = text(client.get(f"{USERS_URL}{colleague.pk}/"))
    assert "Réactiver" in page
    response = client.post(f"{USERS_URL}{colleague.pk}/reactiver/")

    assert response.status_code == 302
    colleague.refresh_from_db()
    assert colleague.is_active
    assert [m.establishment for m in Membership.objects.filter(user=colleague)] == [establishments[0]]
    assert AccountEvent.objects.filter(user=colleague, kind=AccountEventKind.REACTIVATED, actor=manager).exists()
    assert client.login(email=colleague.email, password="Motdepasse-123!")


def test_the_manager_cannot_deactivate_themselves(client, manager):
    client.force_login(manager)

    assert "ne peut pas être désactivé" in text(client.get(f"{USERS_URL}{manager.pk}/desactiver/"))
    client.post(f"{USERS_URL}{manager.pk}/desactiver/")

    assert Membership.objects.filter(user=manager).count() == 2


def test_deactivation_needs_post(client, manager, colleague):
    client.force_login(manager)

    assert client.get(f"{USERS_URL}{colleague.pk}/reactiver/").status_code == 405
    client.get(f"{USERS_URL}{colleague.pk}/desactiver/")
    assert Membership.objects.filter(user=colleague).exists()


def test_the_manager_role_is_handed_over_after_a_confirmation(client, manager, colleague, company, establishments):
    client.force_login(manager)

    confirmation = client.get(f"{USERS_URL}{colleague.pk}/gestionnaire/")
    assert "Faire de Paul MARTIN le gestionnaire du compte ?" in text(confirmation)
    response = client.post(f"{USERS_URL}{colleague.pk}/gestionnaire/")

    assert response.status_code == 302
    assert response.url == reverse("egestion:home")
    assert {m.role for m in Membership.objects.filter(user=colleague)} == {Role.COMPANY_MANAGER}
    assert {m.establishment for m in Membership.objects.filter(user=colleague)} == set(establishments)
    assert {m.role for m in Membership.objects.filter(user=manager)} == {Role.COMPANY_USER}
    assert AccountEvent.objects.filter(user=colleague, kind=AccountEventKind.MANAGER_TRANSFERRED, actor=manager)
    assert AccountEvent.objects.filter(user=manager, kind=AccountEventKind.ROLE_CHANGED, actor=manager)
    [told] = emails_to(colleague.email)
    assert "gestionnaire du compte eGestion de BATIR ENSEMBLE" in told.subject
    assert emails_to(company.contact_email)
    # The former manager no longer manages users; the new one does.
    assert client.get(USERS_URL).status_code == 403
    client.force_login(colleague)
    assert client.get(USERS_URL).status_code == 200


def test_the_role_cannot_go_to_an_inactive_user(client, manager, establishments):
    waiting = UserFactory()
    Membership.include_inactive.create(
        user=waiting, establishment=establishments[0], role=Role.COMPANY_USER, is_active=False
    )
    client.force_login(manager)

    response = client.post(f"{USERS_URL}{waiting.pk}/gestionnaire/")

    assert response.status_code == 400
    assert not Membership.include_inactive.filter(user=waiting, role=Role.COMPANY_MANAGER).exists()
    assert Membership.objects.filter(user=manager, role=Role.COMPANY_MANAGER).count() == 2


def test_a_company_user_gets_403_on_every_user_management_url_and_is_told_who_manages(client, manager, colleague):
    client.force_login(colleague)

    for method, url in [
        ("get", USERS_URL),
        ("get", f"{USERS_URL}inviter/"),
        ("post", f"{USERS_URL}inviter/"),
        *user_urls(manager.pk),
        *user_urls(colleague.pk),
    ]:
        response = getattr(client, method)(url)
        assert response.status_code == 403, (method, url)
    page = text(client.get(USERS_URL))
    assert "Réservé au gestionnaire du compte" in page
    assert "Marie PETIT" in page
    assert Membership.objects.filter(user=manager, role=Role.COMPANY_MANAGER).count() == 2


def test_a_manager_gets_404_for_every_url_of_a_user_of_another_company(client, manager, other_company_user):
    client.force_login(manager)

    for method, url in user_urls(other_company_user.pk):
        response = getattr(client, method)(url, {"establishments": []} if method == "post" else None)
        assert response.status_code == 404, (method, url)
    assert Membership.objects.filter(user=other_company_user).exists()
    assert other_company_user.is_active


def test_a_manager_of_company_b_is_a_mere_user_of_company_a(client, manager, establishments, other_company_user):
    # Manager elsewhere, simple user here: only their own company's users can be managed.
    elsewhere = EstablishmentFactory()
    boss = UserFactory()
    MembershipFactory(user=boss, establishment=elsewhere, role=Role.COMPANY_MANAGER)
    MembershipFactory(user=boss, establishment=establishments[0], role=Role.COMPANY_USER)
    client.force_login(boss)

    assert client.get(f"{USERS_URL}{manager.pk}/").status_code == 404
    listing = text(client.get(USERS_URL))
    assert manager.email not in listing
    assert boss.email in listing


def test_a_manager_of_two_companies_picks_the_company(client, manager, establishments):
    other = EstablishmentFactory()
    MembershipFactory(user=manager, establishment=other, role=Role.COMPANY_MANAGER)
    stranger = UserFactory(email="employe@autre.fr")
    MembershipFactory(user=stranger, establishment=other)
    client.force_login(manager)

    first = text(client.get(USERS_URL))
    assert "Changer d'entreprise" in first
    picked = text(client.get(USERS_URL, {"entreprise": other.organisation_id}))
    assert "employe@autre.fr" in picked
    # The choice is kept for the next pages.
    assert client.get(f"{USERS_URL}{stranger.pk}/").status_code == 200


@pytest.mark.parametrize("url_name", ["users", "user_invite"])
def test_anonymous_visitors_are_sent_to_the_login(client, url_name):
    response = client.get(reverse(f"egestion:{url_name}"))

    assert response.status_code == 302
    assert response.url.startswith("/connexion/?next=/egestion/")


def test_the_user_services_refuse_anyone_but_the_companys_manager(company, establishments, manager, colleague):
    """The rule of the "Gérer les utilisateurs" pages holds for any caller of the services (admin, a future API):
    a user of the company, or the manager of another company, cannot invite, deactivate, give access or hand over
    the manager role."""
    from django.core.exceptions import PermissionDenied

    from accounts import invitations, services

    outsider = MembershipFactory(role=Role.COMPANY_MANAGER).user
    for actor in (colleague, outsider):
        with pytest.raises(PermissionDenied):
            services.deactivate_user(actor=actor, user=manager, organisation=company)
        with pytest.raises(PermissionDenied):
            services.transfer_manager(actor=actor, organisation=company, new_manager=actor)
        with pytest.raises(PermissionDenied):
            services.grant_company_access(
                actor=actor, user=colleague, organisation=company, establishments=establishments
            )
        with pytest.raises(PermissionDenied):
            invitations.invite(
                actor=actor,
                organisations=[company],
                portal="egestion",
                email="intrus@exemple.fr",
                establishments=[establishments[0]],
                role=Role.COMPANY_USER,
            )
    assert Membership.objects.get(user=manager, establishment=establishments[0]).role == Role.COMPANY_MANAGER
    assert not mail.outbox
    services.set_company_user_establishments(
        actor=manager, user=colleague, organisation=company, establishments=establishments
    )
    assert Membership.objects.filter(user=colleague).count() == 2
