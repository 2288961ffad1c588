"""Who gets into Digit Invest: provider users attached to a CFA (a UAI) yes; others are told why."""

import pytest
from django.urls import reverse

from invest.models import TermsAcceptance
from tests.factories import DEFAULT_PASSWORD
from tests.invest.conftest import cfa_member

HOME = "/digit-invest/"


def test_the_login_page_has_the_labels_of_the_guide(client):
    response = client.get(reverse("invest:login"))
    html = response.content.decode()
    for label in ("Digit Invest CFA", "Adresse mail", "Mot de passe", "Je me connecte"):
        assert label in html
    # Forgotten passwords go through oGestion's; without an oGestion account, the three cases of the guide.
    assert reverse("account_reset_password") in html and reverse("ogestion:login") in html
    assert "demandez-lui de vous créer un compte utilisateur" in html
    assert "direction régionale Constructys" in html


def test_an_anonymous_visitor_is_sent_to_the_digit_invest_login(client):
    response = client.get(HOME, follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("invest:login"))


def test_a_cfa_user_logs_in_with_the_ogestion_password(client, world, campaign):
    response = client.post(reverse("invest:login"), {"login": world.referent.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("invest:home")
    page = client.get(HOME)
    assert page.status_code == 200
    assert "Campagne d&#x27;investissement des CFA 2026" in page.content.decode()


def test_a_wrong_password_reveals_nothing(client, world):
    known = client.post(reverse("invest:login"), {"login": world.referent.email, "password": "Mauvais-123!"})
    unknown = client.post(reverse("invest:login"), {"login": "inconnu@cfa.fr", "password": "Mauvais-123!"})
    assert known.status_code == unknown.status_code == 200
    assert known.context["form"].non_field_errors() == unknown.context["form"].non_field_errors()


def test_logins_are_rate_limited(client, world):
    """After 5 failures the right password asks for a code emailed to the address (accounts/login_limits.py)."""
    for _ in range(5):
        client.post(reverse("invest:login"), {"login": world.referent.email, "password": "Mauvais-123!"})
    response = client.post(reverse("invest:login"), {"login": world.referent.email, "password": DEFAULT_PASSWORD})
    assert response["Location"] == reverse("account_confirm_login_code")
    assert not response.wsgi_request.user.is_authenticated


def test_a_provider_user_of_a_cfa_gets_in(client, world, campaign):
    client.force_login(world.other_user)  # a "Utilisateur portail OF", not a référent
    assert client.get(HOME).status_code == 200


def test_a_provider_user_of_a_training_organisation_without_uai_is_told_why(client, world):
    client.force_login(world.of_user)
    response = client.get(HOME)
    assert response.status_code == 403
    assert "réservé aux <strong>CFA</strong>" in response.content.decode()


def test_a_company_user_is_told_why(client, world):
    client.force_login(world.company_user)
    response = client.get(HOME)
    assert response.status_code == 403
    assert "compte <strong>eGestion</strong>" in response.content.decode()


def test_an_inactive_membership_does_not_give_access(client, world):
    world.referent.memberships.update(is_active=False)
    client.force_login(world.referent)
    assert client.get(HOME).status_code == 403


def test_the_terms_are_accepted_at_first_access(client, world, terms, campaign):
    newcomer = cfa_member(terms, "nouveau@btpcfa.fr", world.cfa, accepted=False)
    client.force_login(newcomer)
    response = client.get(HOME)
    assert response.status_code == 302 and response["Location"].startswith(reverse("invest:terms"))
    page = client.get(response["Location"])
    assert "J'ai lu et j'accepte" in page.text
    accepted = client.post(reverse("invest:terms"), {"version": terms.pk, "next": HOME})
    assert accepted["Location"] == HOME
    assert TermsAcceptance.objects.filter(user=newcomer, version=terms).exists()
    assert client.get(HOME).status_code == 200


def test_a_new_terms_version_is_accepted_again(client, world, terms, campaign):
    from invest.models import TermsVersion

    client.force_login(world.referent)
    assert client.get(HOME).status_code == 200
    TermsVersion.objects.create(version="2", body="Nouvelles conditions.")
    assert client.get(HOME)["Location"].startswith(reverse("invest:terms"))


@pytest.mark.parametrize("url_name", ["request_new", "terms"])
def test_the_other_pages_are_closed_to_non_cfa_users_too(client, world, url_name):
    client.force_login(world.company_user)
    assert client.get(reverse(f"invest:{url_name}")).status_code == 403


def test_mon_compte_in_digit_invest_is_the_ogestion_account_page(client, world, campaign):
    client.force_login(world.other_user)
    home = client.get(HOME).content.decode()
    assert 'href="/digit-invest/mon-compte/"' in home

    response = client.get("/digit-invest/mon-compte/", follow=True)

    assert response.redirect_chain == [("/ogestion/mon-compte/", 302)]
    assert response.status_code == 200
