"""Issue 14, finding 7: only the account pages the portals need are routed; the rest of allauth answers 404.

allauth's e-mail management let a portal user add an unverified (or someone else's) address and make it the login,
and one of its actions answered 500.
"""

import re
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.urls import get_resolver, reverse

from accounts.models import Role
from tests.factories import DEFAULT_PASSWORD, MembershipFactory, UserFactory

NOT_ROUTED = [
    "/comptes/email/",
    "/comptes/signup/",
    "/comptes/password/change/",
    "/comptes/password/set/",
    "/comptes/confirm-email/",
    "/comptes/confirm-email/abc/",
    "/comptes/login/code/",
    "/comptes/2fa/trust/",
    "/comptes/2fa/webauthn/",
    "/comptes/sessions/",
    "/comptes/3rdparty/",
]
ROUTED_NAMES = {
    "account_login",
    "account_logout",
    "account_inactive",
    "account_reauthenticate",
    "account_confirm_login_code",
    "account_reset_password",
    "account_reset_password_done",
    "account_reset_password_from_key",
    "account_reset_password_from_key_done",
    "account_signup",  # reversible for allauth's "unknown account" email, answers 404
    "mfa_index",
    "mfa_authenticate",
    "mfa_reauthenticate",
    "mfa_activate_totp",
    "mfa_deactivate_totp",
    "mfa_view_recovery_codes",
    "mfa_generate_recovery_codes",
    "mfa_download_recovery_codes",
}


@pytest.fixture
def manager():
    user = UserFactory(email="marie.petit@entreprise-test.fr")
    MembershipFactory(user=user, role=Role.COMPANY_MANAGER)
    return user


@pytest.mark.parametrize("path", NOT_ROUTED)
def test_allauth_pages_the_portals_do_not_use_answer_404(client, manager, path):
    client.force_login(manager)

    assert client.get(path).status_code == 404
    assert client.post(path, {"email": "autre@exemple.fr"}).status_code == 404


@pytest.mark.parametrize("path", NOT_ROUTED)
def test_they_answer_404_to_visitors_too(client, path):
    assert client.get(path).status_code == 404


def test_a_portal_user_cannot_add_another_address_and_make_it_the_login(client, manager):
    client.force_login(manager)

    client.post("/comptes/email/", {"action_add": "", "email": "pirate@exemple.fr"})
    client.post("/comptes/email/", {"action_primary": "", "email": "pirate@exemple.fr"})
    client.post("/comptes/email/", {"action_remove": "", "email": manager.email})

    assert not EmailAddress.objects.filter(email="pirate@exemple.fr").exists()
    manager.refresh_from_db()
    assert manager.email == "marie.petit@entreprise-test.fr"
    client.logout()
    response = client.post("/egestion/connexion/", {"login": manager.email, "password": DEFAULT_PASSWORD})
    assert response["Location"] == "/egestion/"


def test_only_the_listed_allauth_pages_are_routed():
    """A new allauth page (an upgrade, a setting) is not exposed without being added here on purpose."""
    names = {
        name
        for name in get_resolver().reverse_dict
        if isinstance(name, str) and (name.startswith("account_") or name.startswith("mfa_"))
    }
    assert names == ROUTED_NAMES


def test_every_account_page_the_templates_link_to_is_routed():
    linked = set()
    for template in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        linked |= set(re.findall(r"\{% url '((?:account|mfa)_[a-z_]+)'", template.read_text()))
    assert linked
    assert linked <= ROUTED_NAMES
    for name in linked - {"account_reset_password_from_key"}:
        reverse(name)


def test_the_pages_the_portals_use_still_answer(client, manager):
    assert client.get("/comptes/password/reset/").status_code == 200
    assert client.get("/comptes/login/").status_code == 200
    client.force_login(manager)
    assert client.get("/comptes/2fa/").status_code == 200
    assert client.get("/comptes/signup/").status_code == 404
