"""Issue 14, finding 4: inviting an address attached the account behind it at once and showed its name. Now an
invitation is created whatever the address, the inviter gets the same answer and sees only the address, nothing
is attached until the owner of the address accepts, staff accounts are never attached, and an account of the other
portal accepts only with its own password."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccountEvent, AccountEventKind, Invitation, InvitationStatus, Membership, Role, User
from tests.egestion.utils import GOOD_PASSWORD, invitation_link_in, text
from tests.factories import (
    DEFAULT_PASSWORD,
    CompanyFactory,
    EstablishmentFactory,
    MembershipFactory,
    ProviderEstablishmentFactory,
    UserFactory,
)

INVITE_URL = "/egestion/utilisateurs/inviter/"
USERS_URL = "/egestion/utilisateurs/"
MY_INVITATIONS = "/comptes/invitations/"


@pytest.fixture
def company():
    organisation = CompanyFactory(name="BATIR ENSEMBLE")
    EstablishmentFactory(organisation=organisation, name="BATIR ENSEMBLE LYON")
    EstablishmentFactory(organisation=organisation, name="BATIR ENSEMBLE ANNECY")
    return organisation


@pytest.fixture
def establishments(company):
    return list(company.establishments.order_by("name"))


@pytest.fixture
def manager(establishments):
    user = UserFactory(email="gerante@batir-ensemble.fr", first_name="Marie", last_name="Petit")
    for establishment in establishments:
        MembershipFactory(user=user, establishment=establishment, role=Role.COMPANY_MANAGER)
    return user


@pytest.fixture
def other_company_user():
    user = UserFactory(email="compta@concurrent.fr", first_name="Octave", last_name="Concurrent")
    MembershipFactory(user=user, establishment=EstablishmentFactory(), role=Role.COMPANY_USER)
    return user


@pytest.fixture
def provider_user():
    user = UserFactory(email="formateur@cfa.fr", first_name="Fabienne", last_name="Formatrice")
    MembershipFactory(user=user, establishment=ProviderEstablishmentFactory(), role=Role.PROVIDER_USER)
    return user


@pytest.fixture
def superuser():
    return UserFactory(email="admin@constructys.fr", first_name="Ada", last_name="Admin", superuser=True)


def invite(client, email, establishment):
    return client.post(
        INVITE_URL,
        {
            "civility": "m",
            "last_name": "Saisi",
            "first_name": "Nom",
            "email": email,
            "establishments": [establishment.pk],
        },
        follow=True,
    )


def what_the_inviter_sees(response, email) -> str:
    """The page after inviting, with the invited address replaced: the message and the row of the invitation."""
    page = text(response)
    message = re.search(r'<p class="message__text">(.*?)</p>', page, re.S).group(1)
    row = re.search(rf"<tr>\s*<th scope=\"row\" class=\"mono\">{re.escape(email)}</th>.*?</tr>", page, re.S).group(0)
    row = re.sub(r"\d\d/\d\d/\d{4} \d\d:\d\d", "DATE", row)
    return (message + row).replace(email, "ADDRESS")


def memberships_in(user, company):
    return Membership.include_inactive.filter(user=user, establishment__organisation=company)


@pytest.mark.parametrize("account", ["other_company_user", "provider_user", "superuser"])
def test_inviting_an_existing_account_attaches_nothing_and_answers_as_for_a_new_address(
    client, request, company, establishments, manager, account
):
    account = request.getfixturevalue(account)
    client.force_login(manager)

    new_address = invite(client, "personne@nouvelle.fr", establishments[0])
    existing = invite(client, account.email, establishments[0])

    assert existing.status_code == new_address.status_code == 200
    assert existing.redirect_chain == new_address.redirect_chain == [(USERS_URL, 302)]
    assert what_the_inviter_sees(existing, account.email) == what_the_inviter_sees(new_address, "personne@nouvelle.fr")
    assert not memberships_in(account, company).exists()
    listing = text(client.get(USERS_URL))
    assert account.last_name not in listing and account.last_name.upper() not in listing
    assert account.first_name not in listing
    assert Invitation.objects.get(email=account.email).status == InvitationStatus.PENDING


def test_a_staff_account_gets_no_email_and_can_never_accept(client, establishments, manager, superuser, company):
    client.force_login(manager)

    invite(client, superuser.email, establishments[0])

    assert not [message for message in mail.outbox if superuser.email in message.to]
    assert AccountEvent.objects.filter(user=superuser, kind=AccountEventKind.INVITATION_IGNORED, actor=manager).exists()
    client.force_login(superuser)
    assert "Vous n'avez aucune invitation en attente" in text(client.get(MY_INVITATIONS))
    invitation = Invitation.objects.get(email=superuser.email)
    response = client.post(MY_INVITATIONS, {"invitation": invitation.pk, "decision": "accept"})
    assert response.status_code == 404
    assert not memberships_in(superuser, company).exists()


def test_an_account_of_the_same_portal_accepts_from_its_list(
    client, establishments, manager, other_company_user, company
):
    client.force_login(manager)
    invite(client, other_company_user.email, establishments[1])
    client.force_login(other_company_user)

    listed = text(client.get(MY_INVITATIONS))
    invitation = Invitation.objects.get(email=other_company_user.email)
    assert "BATIR ENSEMBLE" in listed and "Marie PETIT" in listed
    assert 'name="password"' not in listed  # already an eGestion user: the session is enough

    response = client.post(MY_INVITATIONS, {"invitation": invitation.pk, "decision": "accept"})

    assert response.status_code == 302 and response.url == reverse("egestion:home")
    assert [(m.establishment, m.role) for m in memberships_in(other_company_user, company)] == [
        (establishments[1], Role.COMPANY_USER)
    ]
    assert User.objects.get(pk=other_company_user.pk).last_name == "Concurrent"  # identity not overwritten
    assert AccountEvent.objects.filter(
        user=other_company_user, kind=AccountEventKind.INVITATION_ACCEPTED, actor=manager
    ).exists()
    listing = text(client.force_login(manager) or client.get(USERS_URL))
    assert "Octave" in listing  # once accepted, the user is one of the company's
    assert client.post(MY_INVITATIONS, {"invitation": invitation.pk, "decision": "accept"}).status_code == 404


def test_an_account_of_the_other_portal_needs_its_own_password(client, establishments, manager, provider_user, company):
    client.force_login(manager)
    invite(client, provider_user.email, establishments[0])
    invitation = Invitation.objects.get(email=provider_user.email)
    client.force_login(provider_user)

    assert 'name="password"' in text(client.get(MY_INVITATIONS))
    without = client.post(MY_INVITATIONS, {"invitation": invitation.pk, "decision": "accept"})
    wrong = client.post(MY_INVITATIONS, {"invitation": invitation.pk, "decision": "accept", "password": "Faux-123456!"})
    assert without.status_code == wrong.status_code == 400
    assert "Mot de passe incorrect" in text(wrong)
    assert not memberships_in(provider_user, company).exists()

    right = client.post(
        MY_INVITATIONS, {"invitation": invitation.pk, "decision": "accept", "password": DEFAULT_PASSWORD}
    )

    assert right.status_code == 302
    assert memberships_in(provider_user, company).filter(role=Role.COMPANY_USER).count() == 1


def test_the_link_asks_an_existing_account_for_its_password_and_can_be_refused(
    client, establishments, manager, other_company_user, company
):
    client.force_login(manager)
    invite(client, other_company_user.email, establishments[0])
    [message] = [m for m in mail.outbox if other_company_user.email in m.to]
    link = invitation_link_in(message)
    client.logout()

    page = text(client.get(link))
    assert "confirmez avec son mot de passe" in page
    assert client.post(link, {"decision": "accept", "password": "Faux-123456!"}).status_code == 400
    assert not memberships_in(other_company_user, company).exists()

    refused = client.post(link, {"decision": "decline"})

    assert refused.status_code == 302
    assert Invitation.objects.get(email=other_company_user.email).status == InvitationStatus.DECLINED
    assert not memberships_in(other_company_user, company).exists()
    assert client.get(link).status_code == 410  # single use


def test_a_link_is_single_use_and_expires(client, establishments, manager, company):
    client.force_login(manager)
    invite(client, "nouveau@batir-ensemble.fr", establishments[0])
    invite(client, "tardif@batir-ensemble.fr", establishments[0])
    first, late = (
        invitation_link_in(next(m for m in mail.outbox if address in m.to))
        for address in ("nouveau@batir-ensemble.fr", "tardif@batir-ensemble.fr")
    )
    client.logout()
    data = {"decision": "accept", "password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD}

    assert client.post(first, data).status_code == 302
    assert client.post(first, data).status_code == 410
    Invitation.objects.filter(email="tardif@batir-ensemble.fr").update(expires_at=timezone.now() - timedelta(minutes=1))
    assert client.post(late, data).status_code == 410
    assert not User.objects.filter(email="tardif@batir-ensemble.fr").exists()
    assert "Expirée" in text(client.force_login(manager) or client.get(USERS_URL))


def test_a_new_invitation_replaces_the_previous_link(client, establishments, manager):
    client.force_login(manager)
    invite(client, "nouveau@batir-ensemble.fr", establishments[0])
    invite(client, "nouveau@batir-ensemble.fr", establishments[1])
    old, new = (invitation_link_in(m) for m in mail.outbox if "nouveau@batir-ensemble.fr" in m.to)
    client.logout()

    assert client.get(old).status_code == 410
    assert client.get(new).status_code == 200


def test_guessing_the_password_on_a_link_stops_after_five_tries(client, establishments, manager, other_company_user):
    client.force_login(manager)
    invite(client, other_company_user.email, establishments[0])
    [message] = [m for m in mail.outbox if other_company_user.email in m.to]
    link = invitation_link_in(message)
    client.logout()

    for _ in range(5):
        client.post(link, {"decision": "accept", "password": "Faux-123456!"})

    assert client.post(link, {"decision": "accept", "password": DEFAULT_PASSWORD}).status_code == 410
    assert not Membership.objects.filter(user=other_company_user, establishment__in=establishments).exists()


def test_an_invitation_of_another_address_answers_404(
    client, establishments, manager, other_company_user, provider_user
):
    client.force_login(manager)
    invite(client, other_company_user.email, establishments[0])
    invitation = Invitation.objects.get(email=other_company_user.email)
    client.force_login(provider_user)

    response = client.post(MY_INVITATIONS, {"invitation": invitation.pk, "decision": "accept", "password": "x"})

    assert response.status_code == 404
    assert Invitation.objects.get(pk=invitation.pk).status == InvitationStatus.PENDING


def test_an_ogestion_referent_cannot_attach_a_company_user_either(client, other_company_user):
    establishment = ProviderEstablishmentFactory()
    referent = UserFactory()
    MembershipFactory(user=referent, establishment=establishment, role=Role.PROVIDER_REFERENT)
    client.force_login(referent)

    response = client.post(
        reverse("ogestion:user_create"),
        {
            "civility": "m",
            "last_name": "X",
            "first_name": "Y",
            "email": other_company_user.email,
            "portal_user": "on",
            "establishments": [establishment.pk],
        },
        follow=True,
    )

    assert "Une invitation a été envoyée à compta@concurrent.fr" in text(response)
    assert "Octave" not in text(response)
    assert not Membership.objects.filter(user=other_company_user, establishment=establishment).exists()


def test_the_back_office_cannot_attach_a_staff_account_to_a_portal_either(establishments, company, superuser):
    from django.core.exceptions import ValidationError

    from accounts import services

    with pytest.raises(ValidationError, match="équipe Constructys"):
        services.add_user(
            actor=None,
            organisation=company,
            portal="egestion",
            email=superuser.email,
            establishments=[establishments[0]],
            role=Role.COMPANY_USER,
        )
    assert not memberships_in(superuser, company).exists()


def test_the_membership_admin_refuses_a_staff_account(client, establishments, company, superuser):
    """The admin's Membership page is the other way into a portal: a staff account is refused there too."""
    staff_member = UserFactory(staff=True, email="agent@constructys.fr")
    client.force_login(superuser)

    response = client.post(
        reverse("admin:accounts_membership_add"),
        {"user": staff_member.pk, "establishment": establishments[0].pk, "role": Role.COMPANY_USER, "is_active": "on"},
    )

    assert response.status_code == 200
    assert "Un compte de l&#x27;équipe Constructys ne peut pas accéder aux portails." in response.text
    assert not memberships_in(staff_member, company).exists()
