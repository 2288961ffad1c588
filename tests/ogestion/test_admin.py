"""Back office: Constructys staff create a provider's first référent, and resend activation emails."""

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import AccountToken, Membership, Role, User
from tests.factories import (
    CompanyFactory,
    MembershipFactory,
    ProviderEstablishmentFactory,
    ProviderFactory,
    UserFactory,
    accept_current_terms,
)
from tests.ogestion.conftest import link_in


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(superuser=True, email="gestionnaire@constructys.fr"))
    return client


@pytest.fixture
def provider():
    organisation = ProviderFactory(name="CMA OCCITANIE")
    ProviderEstablishmentFactory(organisation=organisation, name="CMA OCCITANIE TOULOUSE")
    ProviderEstablishmentFactory(organisation=organisation, name="CMA OCCITANIE ALBI")
    return organisation


def test_a_providers_page_has_the_create_referent_button(staff_client, provider):
    url = reverse("admin:accounts_organisation_create_referent", args=[provider.pk])

    assert url in staff_client.get(reverse("admin:accounts_organisation_change", args=[provider.pk])).text
    company = CompanyFactory()
    assert (
        "Créer un référent"
        not in staff_client.get(reverse("admin:accounts_organisation_change", args=[company.pk])).text
    )


def test_staff_create_the_first_referent_and_the_activation_email_goes_out(staff_client, provider):
    url = reverse("admin:accounts_organisation_create_referent", args=[provider.pk])
    toulouse, albi = provider.establishments.order_by("name").reverse()
    page = staff_client.get(url)
    assert page.status_code == 200
    assert toulouse.siret in page.text and albi.siret in page.text

    response = staff_client.post(
        url,
        {
            "civility": "m",
            "last_name": "Devaux",
            "first_name": "Jean-Paul",
            "email": "JP.Devaux@cma-occitanie.fr",
            "establishments": [toulouse.pk, albi.pk],
        },
        follow=True,
    )

    assert response.redirect_chain[-1][0] == reverse("admin:accounts_organisation_change", args=[provider.pk])
    assert "l&#x27;e-mail d&#x27;activation lui a été envoyé" in response.text
    referent = User.objects.get(email="jp.devaux@cma-occitanie.fr")
    assert (referent.first_name, referent.last_name, referent.civility) == ("Jean-Paul", "Devaux", "m")
    assert set(Membership.objects.filter(user=referent).values_list("establishment", "role")) == {
        (toulouse.pk, Role.PROVIDER_REFERENT),
        (albi.pk, Role.PROVIDER_REFERENT),
    }
    [email] = mail.outbox
    assert email.to == ["jp.devaux@cma-occitanie.fr"]
    assert "Voici votre identifiant : jp.devaux@cma-occitanie.fr" in email.body
    assert "CMA OCCITANIE" in email.body
    staff_client.logout()
    assert staff_client.get(link_in(email)).status_code == 200
    # The new référent manages the provider's users in oGestion.
    accept_current_terms(referent)
    staff_client.force_login(referent)
    assert staff_client.get(reverse("ogestion:users")).status_code == 200


def test_the_referent_form_refuses_another_organisations_establishment(staff_client, provider):
    foreign = ProviderEstablishmentFactory()
    url = reverse("admin:accounts_organisation_create_referent", args=[provider.pk])

    response = staff_client.post(
        url, {"civility": "m", "last_name": "X", "first_name": "Y", "email": "x@y.fr", "establishments": [foreign.pk]}
    )

    assert response.status_code == 200
    assert not User.objects.filter(email="x@y.fr").exists()
    assert mail.outbox == []


def test_no_referent_for_a_member_company(staff_client):
    company = CompanyFactory()

    assert (
        staff_client.get(reverse("admin:accounts_organisation_create_referent", args=[company.pk])).status_code == 403
    )


def test_staff_without_the_permission_cannot_create_a_referent(client, provider):
    client.force_login(UserFactory(staff=True))

    assert client.get(reverse("admin:accounts_organisation_create_referent", args=[provider.pk])).status_code == 403


def test_resend_activation_action_skips_accounts_with_a_password(staff_client, provider):
    pending = User.objects.create_user(email="pending@cma-occitanie.fr")
    pending.set_unusable_password()
    pending.save()
    MembershipFactory(user=pending, establishment=provider.establishments.first(), role=Role.PROVIDER_USER)
    active = UserFactory(email="actif@cma-occitanie.fr")

    response = staff_client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "resend_activation_email", "_selected_action": [pending.pk, active.pk]},
        follow=True,
    )

    assert "renvoyé à 1 utilisateur(s) : pending@cma-occitanie.fr" in response.text
    assert "Pas d&#x27;e-mail pour actif@cma-occitanie.fr" in response.text
    [email] = mail.outbox
    assert email.to == ["pending@cma-occitanie.fr"]
    assert "/ogestion/connexion/" in email.body
    assert AccountToken.objects.filter(user=pending, used_at__isnull=True).count() == 1
