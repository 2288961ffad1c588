"""Créer mon compte (eGestion): SIRET + member number, the confirmation link, the manager claim, and the sign-ups
that wait for the manager."""

import pytest
from django.core import mail
from django.urls import reverse

from accounts import services
from accounts.models import AccountEvent, AccountEventKind, AccountToken, Membership, Role, User
from tests.egestion.utils import GOOD_PASSWORD, emails_to, link_in, signup_data, text
from tests.factories import CompanyFactory, EstablishmentFactory, UserFactory, accept_current_terms

SIGNUP_URL = "/egestion/inscription/"


def spaced(siret: str) -> str:
    return f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}"


def sign_up(client, establishment, **overrides):
    return client.post(SIGNUP_URL, signup_data(establishment, **overrides))


def confirm(client, link, password=GOOD_PASSWORD):
    """Follow a "Créer mon mot de passe" link and create the password."""
    return client.post(link, {"password1": password, "password2": password}, follow=True)


def test_the_login_page_links_to_the_public_sign_up_page(client):
    login = client.get("/egestion/connexion/")
    assert f'href="{SIGNUP_URL}"' in text(login)
    assert "Créer mon compte" in text(login)
    assert "ouvrira prochainement" not in text(login)

    page = client.get(SIGNUP_URL)
    assert page.status_code == 200
    for label in ("SIRET", "Numéro d'adhérent", "Civilité", "Nom", "Prénom", "Fonction", "Confirmez votre adresse"):
        assert label in text(page)
    assert "conditions générales d'utilisation" in text(page)


def test_sign_up_with_spaces_in_the_siret_creates_a_pending_account_and_sends_the_link(client, establishments):
    establishment = establishments[0]

    response = sign_up(
        client,
        establishment,
        siret=spaced(establishment.siret),
        email="Claire.Durand@Batir.fr",
        email_confirmation="claire.durand@batir.fr",
    )

    assert response.status_code == 302
    assert response.url == reverse("egestion:signup_done")
    done = client.get(response.url)
    assert "Vérifiez votre boîte e-mail" in text(done)
    assert "claire.durand@batir.fr" in text(done)
    user = User.objects.get(email="claire.durand@batir.fr")
    assert (user.first_name, user.last_name, user.function, user.civility) == ("Claire", "Durand", "Dirigeante", "mme")
    assert user.is_active and not user.has_usable_password()
    membership = Membership.include_inactive.get(user=user)
    assert (membership.establishment, membership.role, membership.is_active) == (
        establishment,
        Role.COMPANY_USER,
        False,
    )
    [message] = mail.outbox
    assert message.to == ["claire.durand@batir.fr"]
    assert "Créer mon mot de passe" in message.alternatives[0][0]
    assert link_in(message)
    assert AccountEvent.objects.filter(user=user, kind=AccountEventKind.SIGNUP).exists()


def test_a_wrong_check_digit_is_named_as_such(client, establishments):
    siret = establishments[0].siret
    wrong = siret[:-1] + str((int(siret[-1]) + 1) % 10)

    response = sign_up(client, establishments[0], siret=wrong)

    assert response.status_code == 200
    assert "Le SIRET saisi n'est pas valide : sa clé de contrôle est erronée." in text(response)
    assert 'aria-describedby="id_siret_helptext id_siret_error"' in text(response)
    assert not User.objects.filter(email="claire.durand@batir-ensemble.fr").exists()
    assert not mail.outbox


def test_a_siret_that_is_too_short_is_refused(client, establishments):
    response = sign_up(client, establishments[0], siret="123 456")

    assert "Le SIRET doit comporter 14 chiffres." in text(response)


@pytest.mark.parametrize("case", ["member_number_of_another_company", "unknown_siret", "unknown_member_number"])
def test_a_siret_and_member_number_that_do_not_match_get_the_same_generic_message(client, establishments, case):
    establishment = establishments[0]
    other = EstablishmentFactory(organisation=CompanyFactory(member_number="654321", name="AUTRE SOCIETE"))
    overrides = {
        "member_number_of_another_company": {"member_number": "654321"},
        "unknown_siret": {"siret": EstablishmentFactory.build(organisation=other.organisation).siret},
        "unknown_member_number": {"member_number": "999999"},
    }[case]

    response = sign_up(client, establishment, **overrides)

    assert response.status_code == 200
    assert services.SIGNUP_NO_MATCH in text(response)
    # Nothing about what exists in the registry.
    assert establishment.organisation.name not in text(response)
    assert "AUTRE SOCIETE" not in text(response)
    assert not User.objects.filter(email="claire.durand@batir-ensemble.fr").exists()
    assert not mail.outbox


def test_the_two_emails_must_be_the_same(client, establishments):
    response = sign_up(client, establishments[0], email_confirmation="claire.dur@batir-ensemble.fr")

    assert "Les deux adresses e-mail ne sont pas identiques." in text(response)
    assert not User.objects.exists()


def test_the_terms_must_be_accepted(client, establishments):
    data = signup_data(establishments[0])
    del data["accept_terms"]

    response = client.post(SIGNUP_URL, data)

    assert "pour accepter les conditions générales d'utilisation" in text(response)
    assert not User.objects.exists()


def test_every_field_is_required(client):
    response = client.post(SIGNUP_URL, {})

    assert text(response).count("Ce champ est obligatoire.") >= 8
    # The first invalid field takes the focus, and the summary links to each field.
    assert 'href="#id_siret"' in text(response)
    assert "autofocus" in text(response)


def test_sign_up_with_an_existing_address_shows_the_same_page_and_mails_that_address(client, establishments):
    existing = UserFactory(email="claire.durand@batir-ensemble.fr")

    response = sign_up(
        client,
        establishments[0],
        email="CLAIRE.durand@batir-ensemble.fr",
        email_confirmation="claire.durand@batir-ensemble.fr",
    )

    assert response.status_code == 302
    assert response.url == reverse("egestion:signup_done")
    [message] = mail.outbox
    assert message.to == [existing.email]
    assert "Vous avez déjà un compte" in message.subject
    assert "/egestion/connexion/" in message.body
    assert reverse("account_reset_password") in message.body
    assert "Me connecter à eGestion" in message.alternatives[0][0]
    assert not Membership.include_inactive.filter(user=existing).exists()
    assert not AccountToken.objects.filter(user=existing).exists()
    assert AccountEvent.objects.filter(user=existing, kind=AccountEventKind.SIGNUP, details__account_exists=True)


def test_a_sign_up_never_confirmed_gets_a_new_link(client, establishments):
    sign_up(client, establishments[0])
    first_link = link_in(mail.outbox[0])
    mail.outbox.clear()

    response = sign_up(client, establishments[0])

    assert response.url == reverse("egestion:signup_done")
    [message] = mail.outbox
    assert link_in(message) != first_link
    assert client.get(first_link).status_code == 410
    assert User.objects.filter(email="claire.durand@batir-ensemble.fr").count() == 1


def test_the_first_confirmed_sign_up_becomes_the_manager_and_the_contact_address_is_told(
    client, company, establishments
):
    sign_up(client, establishments[1])
    link = link_in(mail.outbox.pop())

    response = confirm(client, link)

    assert response.redirect_chain[-1][0] == "/egestion/connexion/"
    user = User.objects.get(email="claire.durand@batir-ensemble.fr")
    memberships = Membership.objects.filter(user=user)
    assert {m.establishment for m in memberships} == set(establishments)
    assert {m.role for m in memberships} == {Role.COMPANY_MANAGER}
    [contact_email] = emails_to("contact@batir.fr")
    assert "Claire DURAND" in contact_email.body
    assert "claire.durand@batir-ensemble.fr" in contact_email.body
    assert AccountEvent.objects.filter(user=user, kind=AccountEventKind.MANAGER_CLAIMED, organisation=company)

    assert client.login(email=user.email, password=GOOD_PASSWORD)
    home = client.get("/egestion/", follow=True)
    if "Accepter" in text(home):  # RGPD and CGU at first login
        home = client.post(
            "/comptes/conditions/",
            {"decision": "accept", "version": [v.pk for v in services.versions_to_accept(user)]},
            follow=True,
        )
    assert home.status_code == 200
    assert reverse("egestion:users") in text(home)


def test_a_second_sign_up_waits_for_the_manager_and_its_page_names_the_manager(client, manager, establishments):
    sign_up(client, establishments[0])
    link = link_in(mail.outbox.pop())

    confirm(client, link)

    user = User.objects.get(email="claire.durand@batir-ensemble.fr")
    assert not Membership.objects.filter(user=user).exists()
    assert Membership.include_inactive.filter(user=user, is_active=False).count() == 1
    [request_email] = emails_to(manager.email)
    assert "Claire DURAND" in request_email.body
    assert "/egestion/utilisateurs/" in request_email.body
    assert not emails_to("contact@batir.fr")

    accept_current_terms(user)
    client.force_login(user)
    response = client.get("/egestion/")

    assert response.status_code == 403
    assert "a déjà un <strong>gestionnaire du compte</strong>" in text(response)
    assert "Marie PETIT" in text(response)
    assert "marie.petit@batir-ensemble.fr" in text(response)
    assert "Gérer les utilisateurs" in text(response)


def test_the_manager_grants_access_to_a_waiting_sign_up(client, manager, establishments):
    sign_up(client, establishments[0])
    confirm(client, link_in(mail.outbox.pop()))
    user = User.objects.get(email="claire.durand@batir-ensemble.fr")
    mail.outbox.clear()

    client.force_login(manager)
    listing = client.get("/egestion/utilisateurs/")
    assert "Donner l'accès" in text(listing)
    assert "Demande d'accès" in text(listing)
    page = client.get(f"/egestion/utilisateurs/{user.pk}/")
    assert "demande l'accès à eGestion" in text(page)
    response = client.post(
        f"/egestion/utilisateurs/{user.pk}/etablissements/", {"establishments": [establishments[1].pk]}
    )

    assert response.status_code == 302
    assert [m.establishment for m in Membership.objects.filter(user=user)] == [establishments[1]]
    [granted] = emails_to(user.email)
    assert "BATIR ENSEMBLE" in granted.body
    accept_current_terms(user)
    client.force_login(user)
    assert client.get("/egestion/").status_code == 200


def test_a_company_without_active_manager_is_said_so(client, establishments):
    user = UserFactory()
    Membership.include_inactive.create(
        user=user, establishment=establishments[0], role=Role.COMPANY_USER, is_active=False
    )
    client.force_login(user)

    response = client.get("/egestion/")

    assert response.status_code == 403
    assert "pas de gestionnaire du compte actif" in text(response)


def test_sign_ups_for_one_address_are_rate_limited_so_nobody_is_flooded_with_emails(client, establishments):
    establishment = establishments[0]
    data = {"email": "cible@exemple.fr", "email_confirmation": "cible@exemple.fr"}

    answers = [sign_up(client, establishment, **data).status_code for _ in range(4)]

    assert answers == [302, 302, 302, 429]
    assert len(emails_to("cible@exemple.fr")) == 3


def test_the_page_after_signing_up_gives_the_links_validity_in_hours_as_the_email_does(client, settings):
    settings.ACCOUNT_TOKEN_HOURS = 48
    page = client.get(reverse("egestion:signup_done")).content.decode()
    assert "Le lien est valable 48 heures." in page
