"""Gérer mes utilisateurs (oGestion): the référent's list, "Sélection d'un salarié", the user sheet, activation
emails, deactivation, and the walls between providers."""

import re

import pytest
from django.core import mail
from django.test import TestCase
from django.urls import reverse

from accounts import services
from accounts.models import AccountToken, Membership, Portal, Role, User
from tests.egestion.utils import invitation_link_in
from tests.factories import (
    MembershipFactory,
    PersonFactory,
    ProviderEstablishmentFactory,
    UserFactory,
    accept_current_terms,
)
from tests.harness import assert_constant_queries
from tests.ogestion.conftest import link_in

GOOD_PASSWORD = "Chantier-Solide-42!"


def sheet_data(establishments, **overrides):
    data = {
        "civility": "mme",
        "last_name": "Martin",
        "first_name": "Claire",
        "email": "claire.martin@cfa-btp.fr",
        "portal_user": "on",
        "establishments": [e.pk for e in establishments],
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def rows(response):
    """The user rows of the list: (name, login)."""
    return re.findall(
        r'<th scope="row"><a href="[^"]+">([^<]+)</a></th>.*?<td class="mono">([^<]+)</td>', response.text, re.S
    )


@pytest.fixture
def referent_client(client, provider_a):
    client.force_login(provider_a.referent)
    return client


# --- the list --------------------------------------------------------------------------------------------------


def test_list_shows_the_columns_and_the_providers_users_only(referent_client, provider_a, provider_b):
    response = referent_client.get(reverse("ogestion:users"))

    assert response.status_code == 200
    for column in ("Nom Prénom", "Désactivé", "Login"):
        assert f'<th scope="col">{column}</th>' in response.text
    assert rows(response) == [
        ("NIBOTEUR Natasha", "natasha.niboteur@cfa-btp.fr"),
        ("TIAN Jing", "jing.tian@cfa-btp.fr"),
    ]
    assert reverse("ogestion:user", args=[provider_a.colleague.pk]) in response.text
    assert provider_b.user.email not in response.text
    assert re.search(r'href="/ogestion/utilisateurs/" aria-current="page"', response.text)  # the menu entry


def test_list_filters_by_name_mail_and_status(referent_client, provider_a, django_capture_on_commit_callbacks):
    inactive = UserFactory(email="paul.ancien@cfa-btp.fr", first_name="Paul", last_name="Ancien")
    MembershipFactory(user=inactive, establishment=provider_a.a1, role=Role.PROVIDER_USER, is_active=False)
    url = reverse("ogestion:users")

    assert [r[1] for r in rows(referent_client.get(url, {"nom": "nibot"}))] == ["natasha.niboteur@cfa-btp.fr"]
    assert [r[1] for r in rows(referent_client.get(url, {"nom": "jing tian"}))] == ["jing.tian@cfa-btp.fr"]
    assert [r[1] for r in rows(referent_client.get(url, {"mail": "TIAN@"}))] == ["jing.tian@cfa-btp.fr"]
    assert [r[1] for r in rows(referent_client.get(url, {"statut": "inactif"}))] == ["paul.ancien@cfa-btp.fr"]
    active = referent_client.get(url, {"statut": "actif"})
    assert [r[1] for r in rows(active)] == ["natasha.niboteur@cfa-btp.fr", "jing.tian@cfa-btp.fr"]
    everyone = referent_client.get(url)
    assert len(rows(everyone)) == 3
    # The deactivated user's "Désactivé" box is ticked.
    assert everyone.text.count("yesno yesno--yes") == 1


def test_list_filter_without_match_shows_an_empty_state(referent_client, provider_a):
    response = referent_client.get(reverse("ogestion:users"), {"nom": "personne"})

    assert "Aucun utilisateur ne correspond à votre recherche" in response.text
    assert "Effacer les filtres" in response.text


def test_list_is_paginated_and_keeps_the_filters(referent_client, provider_a):
    for n in range(25):
        user = UserFactory(email=f"formateur{n:02d}@cfa-btp.fr", last_name="Formateur", first_name=f"N{n:02d}")
        MembershipFactory(user=user, establishment=provider_a.a2, role=Role.PROVIDER_USER)
    url = reverse("ogestion:users")

    first = referent_client.get(url, {"mail": "formateur"})
    assert len(rows(first)) == 20
    assert "1 à 20 sur 25 utilisateurs" in first.text
    assert "?mail=formateur&amp;page=2" in first.text
    second = referent_client.get(url, {"mail": "formateur", "page": 2})
    assert len(rows(second)) == 5


def test_the_unfiltered_pages_list_every_user_once_in_name_order(referent_client, provider_a, provider_b):
    for n in range(22):
        user = UserFactory(email=f"f{n:02d}@cfa-btp.fr", last_name=f"Formateur {n % 7}", first_name=f"N{n:02d}")
        MembershipFactory(user=user, establishment=provider_a.a2, role=Role.PROVIDER_USER, is_active=n % 5 > 0)
    url = reverse("ogestion:users")

    listed = [row[1] for number in (1, 2) for row in rows(referent_client.get(url, {"page": number}))]

    expected = services.users_of_organisations([provider_a.organisation]).values_list("email", flat=True)
    assert listed == list(expected) and len(listed) == 24  # the référent, the colleague, 22 more, no one of B
    assert "1 à 20 sur 24 utilisateurs" in referent_client.get(url).text


def test_list_filters_with_htmx_answer_the_results_only(referent_client, provider_a):
    response = referent_client.get(reverse("ogestion:users"), {"nom": "tian"}, headers={"HX-Request": "true"})

    assert "<html" not in response.text
    assert response.text.lstrip().startswith('<div id="user-results"')
    assert [r[1] for r in rows(response)] == ["jing.tian@cfa-btp.fr"]


def test_list_runs_a_constant_number_of_queries(referent_client, provider_a):
    url = reverse("ogestion:users")
    referent_client.get(url)  # warm up the session

    def more_users():
        for n in range(15):
            user = UserFactory()
            MembershipFactory(user=user, establishment=provider_a.a1, role=Role.PROVIDER_USER, is_active=n % 2 == 0)
            MembershipFactory(user=user, establishment=provider_a.a2, role=Role.PROVIDER_USER)

    response = assert_constant_queries(lambda: referent_client.get(url), grow=more_users, at_most=10)
    assert len(rows(response)) == 17


# --- Sélection d'un salarié --------------------------------------------------------------------------------------


def test_person_selection_lists_the_providers_persons(referent_client, provider_a, provider_b):
    provider_a.person.birth_date = "2000-01-01"
    provider_a.person.save()

    response = referent_client.get(reverse("ogestion:user_persons"))

    for column in ("Nom", "Prénom", "Date de naissance"):
        assert f'<th scope="col">{column}</th>' in response.text
    assert "DEJAN" in response.text and "Dylan" in response.text and "01/01/2000" in response.text
    assert "SECRET" not in response.text
    assert f"{reverse('ogestion:user_create')}?salarie={provider_a.person.pk}" in response.text
    assert reverse("ogestion:user_create") + '"' in response.text  # the "+" for a blank sheet


def test_a_person_who_already_has_an_account_links_to_the_sheet(referent_client, provider_a):
    PersonFactory(
        organisation=provider_a.organisation,
        establishment=provider_a.a1,
        last_name="Niboteur",
        email="natasha.niboteur@cfa-btp.fr",
    )

    response = referent_client.get(reverse("ogestion:user_persons"))

    assert "Déjà utilisateur" in response.text
    assert reverse("ogestion:user", args=[provider_a.colleague.pk]) in response.text


def test_choosing_a_person_prefills_the_sheet(referent_client, provider_a):
    response = referent_client.get(reverse("ogestion:user_create"), {"salarie": provider_a.person.pk})

    assert response.status_code == 200
    assert 'value="Dejan"' in response.text
    assert 'value="Dylan"' in response.text
    assert 'value="dylan.dejan@cfa-btp.fr"' in response.text
    assert f'<option value="{provider_a.person.civility}" selected>' in response.text


# --- creating a user -------------------------------------------------------------------------------------------


def accept_invitation(client, message):
    """The invited address accepts by creating its password (a new account); returns the account."""
    client.post(
        invitation_link_in(message), {"decision": "accept", "password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD}
    )
    return User.objects.get(email__iexact=message.to[0])


def test_creating_a_user_sends_an_invitation_that_creates_the_account(referent_client, provider_a):
    response = referent_client.post(reverse("ogestion:user_create"), sheet_data([provider_a.a1]), follow=True)

    assert response.redirect_chain[-1][0] == reverse("ogestion:users")
    assert "Une invitation a été envoyée à claire.martin@cfa-btp.fr" in response.text
    assert "claire.martin@cfa-btp.fr" in response.text  # listed by its address until accepted
    assert not User.objects.filter(email="claire.martin@cfa-btp.fr").exists()
    [email] = mail.outbox
    assert email.to == ["claire.martin@cfa-btp.fr"]
    assert email.subject == "Constructys - Invitation à rejoindre CFA DU BATIMENT OCCITANIE sur oGestion"
    assert "Jing TIAN vous invite à consulter les données de CFA DU BATIMENT OCCITANIE dans oGestion" in email.body
    assert "Répondre à l'invitation" in email.alternatives[0][0]
    assert referent_client.get(invitation_link_in(email)).status_code == 200

    user = accept_invitation(referent_client, email)

    assert (user.civility, user.last_name, user.first_name) == ("mme", "Martin", "Claire")
    assert user.has_usable_password()
    assert [(m.establishment, m.role) for m in Membership.objects.filter(user=user)] == [
        (provider_a.a1, Role.PROVIDER_USER)
    ]


def test_the_portal_user_profile_is_mandatory(referent_client, provider_a):
    response = referent_client.post(reverse("ogestion:user_create"), sheet_data([provider_a.a1], portal_user=None))

    assert response.status_code == 200
    assert "Le profil « Utilisateur portail OF » est à cocher obligatoirement." in response.text
    assert not User.objects.filter(email="claire.martin@cfa-btp.fr").exists()
    assert mail.outbox == []


def test_an_establishment_is_mandatory(referent_client, provider_a):
    response = referent_client.post(reverse("ogestion:user_create"), sheet_data([]))

    assert "Cochez au moins un établissement" in response.text
    assert not User.objects.filter(email="claire.martin@cfa-btp.fr").exists()


def test_both_profiles_make_a_referent_with_several_establishments(referent_client, provider_a):
    referent_client.post(reverse("ogestion:user_create"), sheet_data([provider_a.a1, provider_a.a3], referent="on"))

    user = accept_invitation(referent_client, mail.outbox[0])
    memberships = Membership.objects.filter(user=user).order_by("establishment__name")
    assert [(m.establishment, m.role) for m in memberships] == [
        (provider_a.a1, Role.PROVIDER_REFERENT),
        (provider_a.a3, Role.PROVIDER_REFERENT),
    ]
    # As a référent, the new user may manage users too.
    accept_current_terms(user)
    referent_client.force_login(user)
    assert referent_client.get(reverse("ogestion:users")).status_code == 200


def test_an_email_already_used_in_the_organisation_points_to_the_sheet(referent_client, provider_a):
    response = referent_client.post(
        reverse("ogestion:user_create"), sheet_data([provider_a.a1], email="Natasha.Niboteur@cfa-btp.fr")
    )

    assert "Un utilisateur de votre organisme a déjà cette adresse" in response.text
    assert reverse("ogestion:user", args=[provider_a.colleague.pk]) in response.text
    assert mail.outbox == []


def test_an_account_of_another_space_is_invited_not_attached(referent_client, provider_a):
    other = UserFactory(email="formateur@ailleurs.fr", first_name="Marc", last_name="Ailleurs")
    MembershipFactory(user=other, role=Role.COMPANY_USER)

    response = referent_client.post(
        reverse("ogestion:user_create"), sheet_data([provider_a.a2], email="formateur@ailleurs.fr"), follow=True
    )

    assert not Membership.objects.filter(user=other, establishment__organisation=provider_a.organisation).exists()
    assert "Une invitation a été envoyée à formateur@ailleurs.fr" in response.text
    assert "Ailleurs" not in response.text and "Marc" not in response.text
    [email] = mail.outbox
    assert "Répondre à l'invitation" in email.alternatives[0][0]


# --- the sheet of an existing user -----------------------------------------------------------------------------


def test_sheet_shows_identity_profile_and_assigned_establishments(referent_client, provider_a):
    response = referent_client.get(reverse("ogestion:user", args=[provider_a.colleague.pk]))

    text = response.text
    for label in ("Utilisateur", "Profil utilisateur", "Utilisateur portail OF", "Référents portail OF"):
        assert label in text
    assert "Profil ayant les droits de suivre les dossiers".lower() in text.lower()
    assert "possibilité de gérer des droits utilisateurs" in text
    for column in ("Affecté", "SIRET", "Raison sociale", "Adresse", "Code postal", "Ville"):
        assert f'<th scope="col">{column}</th>' in text
    assert provider_a.a1.siret in text
    assert provider_a.a3.siret not in text  # not assigned: shown with "Voir tous" only
    assert re.search(rf'value="{provider_a.a1.pk}" id="establishment-{provider_a.a1.pk}" checked', text)
    assert 'name="email"' in text and "disabled" in text.split('name="email"')[1].split(">")[0]
    assert "Voir tous (3)" in text


def test_voir_tous_shows_every_establishment_of_the_organisation(referent_client, provider_a, provider_b):
    url = reverse("ogestion:user", args=[provider_a.colleague.pk])

    response = referent_client.get(url, {"tous": "1"})

    for establishment in (provider_a.a1, provider_a.a2, provider_a.a3):
        assert establishment.siret in response.text
    assert provider_b.b1.siret not in response.text
    assert re.search(rf'value="{provider_a.a1.pk}" id="establishment-{provider_a.a1.pk}" checked', response.text)
    assert re.search(rf'value="{provider_a.a3.pk}" id="establishment-{provider_a.a3.pk}">', response.text)
    assert "Voir tous (" not in response.text


def test_voir_tous_with_htmx_swaps_the_table_and_keeps_the_ticks(referent_client, provider_a):
    url = reverse("ogestion:user", args=[provider_a.colleague.pk])

    response = referent_client.get(
        url,
        {"tous": "1", "selection": "1", "establishments": [provider_a.a2.pk]},
        headers={"HX-Request": "true"},
    )

    assert "<html" not in response.text
    assert response.text.lstrip().startswith('<div id="establishments"')
    assert re.search(rf'value="{provider_a.a2.pk}" id="establishment-{provider_a.a2.pk}" checked', response.text)
    assert re.search(rf'value="{provider_a.a1.pk}" id="establishment-{provider_a.a1.pk}">', response.text)
    assert provider_a.a3.siret in response.text


def test_validating_the_sheet_updates_identity_profile_and_establishments(referent_client, provider_a):
    user = provider_a.colleague
    data = sheet_data(
        [provider_a.a2, provider_a.a3], email=None, last_name="Niboteur-Durand", first_name="Natasha", referent="on"
    )

    response = referent_client.post(reverse("ogestion:user", args=[user.pk]), data, follow=True)

    assert "La fiche de" in response.text
    user.refresh_from_db()
    assert (user.last_name, user.civility, user.email) == ("Niboteur-Durand", "mme", "natasha.niboteur@cfa-btp.fr")
    active = Membership.objects.filter(user=user).order_by("establishment__name")
    assert [(m.establishment, m.role) for m in active] == [
        (provider_a.a2, Role.PROVIDER_REFERENT),
        (provider_a.a3, Role.PROVIDER_REFERENT),
    ]
    assert Membership.include_inactive.get(user=user, establishment=provider_a.a1).is_active is False
    assert mail.outbox == []


def test_a_referent_cannot_drop_their_own_referent_profile(referent_client, provider_a):
    referent = provider_a.referent
    data = sheet_data([provider_a.a1, provider_a.a2], email=None, last_name="Tian", first_name="Jing")

    response = referent_client.post(reverse("ogestion:user", args=[referent.pk]), data)

    assert "Vous ne pouvez pas retirer votre propre profil de référent." in response.text
    assert set(Membership.objects.filter(user=referent).values_list("role", flat=True)) == {Role.PROVIDER_REFERENT}


# --- activation email, deactivation ----------------------------------------------------------------------------


def referent_created_by_staff(provider_a):
    """An account without password, as the back office's "Créer un référent" makes one (its email sent)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return services.add_user(
            actor=None,
            organisation=provider_a.organisation,
            portal=Portal.OGESTION,
            email="claire.martin@cfa-btp.fr",
            establishments=[provider_a.a1],
            role=Role.PROVIDER_USER,
        )


def test_resending_the_activation_email_replaces_the_link(referent_client, provider_a, client):
    user = referent_created_by_staff(provider_a)
    old_link = link_in(mail.outbox[0])
    mail.outbox.clear()
    sheet = referent_client.get(reverse("ogestion:user", args=[user.pk]))
    assert "activation/" in sheet.text and "Renvoyer l'e-mail d'activation" in sheet.text

    response = referent_client.post(reverse("ogestion:user_resend_activation", args=[user.pk]), follow=True)

    assert "le lien envoyé précédemment ne fonctionne plus" in response.text
    [email] = mail.outbox
    new_link = link_in(email)
    assert new_link != old_link
    assert "Voici votre identifiant : claire.martin@cfa-btp.fr" in email.body
    referent_client.logout()
    assert referent_client.get(old_link).status_code == 410
    assert referent_client.get(new_link).status_code == 200
    referent_client.post(new_link, {"password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD})
    assert referent_client.login(email="claire.martin@cfa-btp.fr", password=GOOD_PASSWORD)


def test_no_activation_email_once_the_password_exists(referent_client, provider_a):
    url = reverse("ogestion:user", args=[provider_a.colleague.pk])
    assert "Renvoyer l'e-mail d'activation" not in referent_client.get(url).text

    response = referent_client.post(
        reverse("ogestion:user_resend_activation", args=[provider_a.colleague.pk]), follow=True
    )

    assert "Ce compte a déjà un mot de passe" in response.text
    assert mail.outbox == []


def test_deactivate_after_confirmation_then_reactivate(referent_client, provider_a):
    user = provider_a.colleague
    MembershipFactory(user=user, establishment=provider_a.a2, role=Role.PROVIDER_USER, is_active=False)  # removed
    deactivate_url = reverse("ogestion:user_deactivate", args=[user.pk])

    confirmation = referent_client.get(deactivate_url)
    assert "Désactiver le compte de" in confirmation.text
    assert Membership.objects.filter(user=user).exists()  # a GET changes nothing

    response = referent_client.post(deactivate_url, follow=True)
    assert "est désactivé" in response.text
    assert not Membership.objects.filter(user=user).exists()
    assert User.objects.get(pk=user.pk).is_active is False
    assert not referent_client.login(email=user.email, password="Motdepasse-123!")
    listed = referent_client.get(reverse("ogestion:users"), {"statut": "inactif"})
    assert [r[1] for r in rows(listed)] == [user.email]

    response = referent_client.post(reverse("ogestion:user_reactivate", args=[user.pk]), follow=True)
    assert "est réactivé" in response.text
    assert User.objects.get(pk=user.pk).is_active is True
    # Back to the establishment it had, not to the one removed earlier.
    assert list(Membership.objects.filter(user=user).values_list("establishment", flat=True)) == [provider_a.a1.pk]


def test_reactivating_an_active_user_changes_nothing(referent_client, provider_a):
    user = provider_a.colleague
    referent_client.post(reverse("ogestion:user_deactivate", args=[user.pk]))
    referent_client.post(reverse("ogestion:user_reactivate", args=[user.pk]))
    referent_client.post(
        reverse("ogestion:user", args=[user.pk]), sheet_data([provider_a.a2], email=None, last_name="Niboteur")
    )

    referent_client.post(reverse("ogestion:user_reactivate", args=[user.pk]))  # a stale second click

    assert list(Membership.objects.filter(user=user).values_list("establishment", flat=True)) == [provider_a.a2.pk]


def test_a_deactivated_users_sheet_cannot_be_edited(referent_client, provider_a):
    user = provider_a.colleague
    referent_client.post(reverse("ogestion:user_deactivate", args=[user.pk]))

    sheet = referent_client.get(reverse("ogestion:user", args=[user.pk]))
    assert "Réactiver" in sheet.text and ">Valider<" not in sheet.text
    # The establishment it had is still listed, unticked and read-only.
    assert re.search(rf'value="{provider_a.a1.pk}" id="establishment-{provider_a.a1.pk}" disabled', sheet.text)

    referent_client.post(reverse("ogestion:user", args=[user.pk]), sheet_data([provider_a.a1], email=None))
    assert not Membership.objects.filter(user=user).exists()


def test_deactivation_ends_a_pending_activation_link(referent_client, provider_a):
    user = referent_created_by_staff(provider_a)
    link = link_in(mail.outbox[0])

    referent_client.post(reverse("ogestion:user_deactivate", args=[user.pk]))

    assert not AccountToken.objects.filter(user=user).exists()
    assert referent_client.get(link).status_code == 410


def test_a_referent_cannot_deactivate_themselves(referent_client, provider_a):
    referent = provider_a.referent
    assert (
        reverse("ogestion:user_deactivate", args=[referent.pk])
        not in referent_client.get(reverse("ogestion:user", args=[referent.pk])).text
    )

    response = referent_client.post(reverse("ogestion:user_deactivate", args=[referent.pk]), follow=True)

    assert "Vous ne pouvez pas désactiver votre propre compte." in response.text
    assert Membership.objects.filter(user=referent).count() == 2


# --- who may do what -------------------------------------------------------------------------------------------


def user_urls(user, person):
    """Every user-management URL about `user` / `person`, with the method that acts."""
    return [
        ("get", reverse("ogestion:user", args=[user.pk])),
        ("post", reverse("ogestion:user", args=[user.pk])),
        ("get", reverse("ogestion:user", args=[user.pk]) + "?tous=1"),
        ("post", reverse("ogestion:user_resend_activation", args=[user.pk])),
        ("get", reverse("ogestion:user_deactivate", args=[user.pk])),
        ("post", reverse("ogestion:user_deactivate", args=[user.pk])),
        ("post", reverse("ogestion:user_reactivate", args=[user.pk])),
        ("get", f"{reverse('ogestion:user_create')}?salarie={person.pk}"),
    ]


def test_a_provider_user_gets_403_everywhere_and_no_menu_entry(client, provider_a):
    client.force_login(provider_a.colleague)
    urls = [
        ("get", reverse("ogestion:users")),
        ("get", reverse("ogestion:user_persons")),
        ("get", reverse("ogestion:user_create")),
        ("post", reverse("ogestion:user_create")),
        *user_urls(provider_a.referent, provider_a.person),
    ]

    for method, url in urls:
        response = getattr(client, method)(url, sheet_data([provider_a.a1]) if method == "post" else None)
        assert response.status_code == 403, (method, url)
    assert "réservée aux référents" in client.get(reverse("ogestion:users")).text
    assert reverse("ogestion:users") not in client.get(reverse("ogestion:home")).text
    assert Membership.objects.filter(user=provider_a.referent).count() == 2
    assert mail.outbox == []


def test_a_referent_gets_404_for_every_url_about_another_providers_user(referent_client, provider_a, provider_b):
    for method, url in user_urls(provider_b.user, provider_b.person):
        data = sheet_data([provider_a.a1], email=None) if method == "post" else None
        response = getattr(referent_client, method)(url, data)
        assert response.status_code == 404, (method, url)

    assert list(Membership.objects.filter(user=provider_b.user).values_list("establishment", flat=True)) == [
        provider_b.b1.pk
    ]
    assert User.objects.get(pk=provider_b.user.pk).last_name == "Voisin"
    assert mail.outbox == []


def test_a_referent_cannot_assign_another_providers_establishment(referent_client, provider_a, provider_b):
    create = referent_client.post(reverse("ogestion:user_create"), sheet_data([provider_a.a1, provider_b.b1]))
    edit = referent_client.post(
        reverse("ogestion:user", args=[provider_a.colleague.pk]), sheet_data([provider_b.b1], email=None)
    )

    for response in (create, edit):
        assert "Cet établissement ne fait pas partie de vos établissements." in response.text
    assert not User.objects.filter(email="claire.martin@cfa-btp.fr").exists()
    assert not Membership.include_inactive.filter(establishment=provider_b.b1, user=provider_a.colleague).exists()
    assert mail.outbox == []


def test_a_referent_of_two_providers_manages_both(client, provider_a, provider_b):
    # Jing is also référent of provider B: B's users and establishments join the same list and sheet.
    MembershipFactory(user=provider_a.referent, establishment=provider_b.b1, role=Role.PROVIDER_REFERENT)
    client.force_login(provider_a.referent)

    listed = client.get(reverse("ogestion:users"))
    assert provider_b.user.email in listed.text

    client.post(reverse("ogestion:user_create"), sheet_data([provider_a.a3, provider_b.b1]))
    assert len(mail.outbox) == 1
    user = accept_invitation(client, mail.outbox[0])
    client.force_login(provider_a.referent)
    assert set(Membership.objects.filter(user=user).values_list("establishment", flat=True)) == {
        provider_a.a3.pk,
        provider_b.b1.pk,
    }

    # Unticking every establishment of B ends the access to B only.
    client.post(reverse("ogestion:user", args=[user.pk]), sheet_data([provider_a.a3], email=None))
    assert list(Membership.objects.filter(user=user).values_list("establishment", flat=True)) == [provider_a.a3.pk]


def test_a_referent_who_is_a_simple_user_elsewhere_manages_only_where_they_are_referent(client, provider_a, provider_b):
    # Jing also has access to provider B's site, as a simple user: B's users stay out of reach.
    MembershipFactory(user=provider_a.referent, establishment=provider_b.b1, role=Role.PROVIDER_USER)
    client.force_login(provider_a.referent)

    listed = client.get(reverse("ogestion:users"))

    assert provider_a.colleague.email in listed.text and provider_b.referent.email not in listed.text
    assert client.get(reverse("ogestion:user", args=[provider_b.referent.pk])).status_code == 404


def test_a_fresh_establishment_outside_the_referents_scope_is_not_listed(referent_client, provider_a):
    elsewhere = ProviderEstablishmentFactory()

    response = referent_client.get(reverse("ogestion:user_create"), {"tous": "1"})

    assert elsewhere.siret not in response.text
    assert provider_a.a3.siret in response.text


def test_a_new_users_sheet_starts_with_the_referents_establishments(referent_client, provider_a):
    response = referent_client.get(reverse("ogestion:user_create"))

    assert provider_a.a1.siret in response.text and provider_a.a2.siret in response.text
    assert provider_a.a3.siret not in response.text
    assert "Voir tous (3)" in response.text
    assert 'name="establishments"' in response.text and " checked" not in response.text.split("Affecté")[1]
    assert re.search(r'name="portal_user"[^>]* checked', response.text)
