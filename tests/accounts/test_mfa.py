"""Second factor (TOTP): mandatory for Constructys staff before they reach the admin, optional for portal users."""

import io
import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY
from django.core import mail
from django.core.management import CommandError, call_command

from demo.world import DEMO_TOTP_SECRET
from tests.factories import DEFAULT_PASSWORD, TEST_TOTP_SECRET, UserFactory, totp_code

ACTIVATE_URL = "/comptes/2fa/totp/activate/"
PENDING_URL = "/comptes/double-authentification/"
AUTHENTICATE_URL = "/comptes/2fa/authenticate/"
REAUTHENTICATE_URL = "/comptes/reauthenticate/"


def confirm_password(client, next_url):
    """allauth asks for the password again (even right after a login) before the second factor is changed."""
    response = client.get(next_url)
    assert response.status_code == 302
    assert response["Location"].startswith(REAUTHENTICATE_URL)
    page = client.get(response["Location"])
    assert page.status_code == 200
    response = client.post(response["Location"], {"password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == next_url


@pytest.fixture
def staff():
    return UserFactory(email="gestionnaire@constructys.fr", superuser=True)


@pytest.fixture
def staff_without_totp():
    return UserFactory(email="nouveau@constructys.fr", staff=True, totp=False)


def test_staff_factory_users_have_an_authenticator_app_and_portal_users_none(staff, company_manager):
    assert Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists()
    assert not Authenticator.objects.filter(user=company_manager).exists()


def test_staff_without_totp_are_sent_from_the_admin_to_the_emailed_link_page(client, staff_without_totp):
    client.force_login(staff_without_totp)

    response = client.get("/admin/dossiers/dossier/")

    assert response.status_code == 302
    assert response["Location"] == PENDING_URL
    page = client.get(PENDING_URL)
    assert "La double authentification est obligatoire pour accéder au back office" in page.text


def test_staff_with_totp_open_the_admin_once_logged_in(client, staff):
    client.force_login(staff)

    assert client.get("/admin/").status_code == 200


def test_the_admin_login_is_allauths_and_asks_for_the_code(client, staff):
    page = client.get("/admin/login/?next=/admin/dossiers/dossier/")
    assert "Connexion à l'administration Constructys" in page.text

    response = client.post(
        "/admin/login/?next=/admin/dossiers/dossier/", {"login": staff.email, "password": DEFAULT_PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == AUTHENTICATE_URL
    assert client.get("/admin/").status_code == 302  # not logged in before the code
    code_page = client.get(AUTHENTICATE_URL)
    assert "Saisissez le code à 6 chiffres" in code_page.text

    wrong = client.post(AUTHENTICATE_URL, {"code": "000000" if totp_code() != "000000" else "111111"})
    assert wrong.status_code == 200
    assert "Code incorrect" in wrong.text

    done = client.post(AUTHENTICATE_URL, {"code": totp_code(TEST_TOTP_SECRET)})
    assert done.status_code == 302
    assert done["Location"] == "/admin/dossiers/dossier/"
    assert client.get("/admin/dossiers/dossier/").status_code == 200


def test_the_anonymous_admin_goes_to_its_login(client):
    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/admin/"


def test_a_logged_in_portal_user_is_refused_at_the_admin_login(client, company_manager):
    client.force_login(company_manager)

    response = client.get("/admin/login/")

    assert response.status_code == 403
    assert "Back office réservé aux équipes Constructys" in response.text
    assert client.get("/admin/", follow=True).status_code == 403


def test_a_logged_in_staff_member_goes_from_the_admin_login_to_the_index(client, staff):
    client.force_login(staff)

    response = client.get("/admin/login/")

    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_the_admin_form_cannot_switch_to_another_staff_account_without_its_code(client, staff):
    other = UserFactory(email="autre@constructys.fr", superuser=True)
    client.force_login(staff)

    client.post("/admin/login/", {"username": other.email, "password": DEFAULT_PASSWORD})

    assert int(client.session["_auth_user_id"]) == staff.pk


def test_staff_set_up_the_authenticator_app_through_the_emailed_link_then_reach_the_admin(client, staff_without_totp):
    client.post("/admin/login/", {"login": staff_without_totp.email, "password": DEFAULT_PASSWORD})
    assert client.get("/admin/")["Location"] == PENDING_URL
    client.get(PENDING_URL)
    link = re.search(r"https?://[^\s]+(/comptes/double-authentification/[^\s/]+/)", mail.outbox[-1].body).group(1)
    assert client.get(link)["Location"] == ACTIVATE_URL
    confirm_password(client, ACTIVATE_URL)
    page = client.get(ACTIVATE_URL)
    assert page.status_code == 200
    assert "Activer la double authentification" in page.text
    secret = client.session[SECRET_SESSION_KEY]
    assert secret in page.text

    response = client.post(ACTIVATE_URL, {"code": totp_code(secret)})

    assert response.status_code == 302
    assert Authenticator.objects.filter(user=staff_without_totp, type=Authenticator.Type.TOTP).exists()
    assert client.get("/admin/").status_code == 200
    assert mail.outbox[-1].subject == "Constructys - Double authentification activée"
    assert mail.outbox[-1].alternatives


def test_staff_cannot_turn_the_second_factor_off(client, staff):
    client.post("/admin/login/", {"login": staff.email, "password": DEFAULT_PASSWORD})
    client.post(AUTHENTICATE_URL, {"code": totp_code()})
    confirm_password(client, "/comptes/2fa/totp/deactivate/")

    page = client.get("/comptes/2fa/totp/deactivate/")
    client.post("/comptes/2fa/totp/deactivate/")

    assert "ne peut pas être désactivée" in page.text
    assert Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists()


def test_portal_users_reach_the_security_page_from_the_header(client, company_manager):
    client.force_login(company_manager)

    home = client.get("/egestion/")
    security = client.get("/comptes/2fa/")

    assert 'href="/comptes/2fa/"' in home.text
    assert "Sécurité du compte" in home.text
    assert security.status_code == 200
    assert "Activer la double authentification" in security.text


def test_a_portal_user_may_turn_totp_on_and_is_then_asked_the_code(client, company_manager):
    client.post("/egestion/connexion/", {"login": company_manager.email, "password": DEFAULT_PASSWORD})
    confirm_password(client, ACTIVATE_URL)
    client.get(ACTIVATE_URL)
    client.post(ACTIVATE_URL, {"code": totp_code(client.session[SECRET_SESSION_KEY])})
    secret = client.session.get(SECRET_SESSION_KEY)
    authenticator = Authenticator.objects.get(user=company_manager, type=Authenticator.Type.TOTP)
    assert secret is None and authenticator
    client.logout()

    response = client.post("/egestion/connexion/", {"login": company_manager.email, "password": DEFAULT_PASSWORD})

    assert response["Location"] == AUTHENTICATE_URL


def test_portal_users_without_totp_log_in_with_the_password_only(client, company_manager):
    response = client.post("/egestion/connexion/", {"login": company_manager.email, "password": DEFAULT_PASSWORD})

    assert response["Location"] == "/egestion/"


def test_demo_totp_prints_the_code_of_a_demo_staff_account():
    call_command("seed_demo", stdout=io.StringIO())
    out, err = io.StringIO(), io.StringIO()

    call_command("demo_totp", "admin@demo.constructys.fr", stdout=out, stderr=err)

    *explanation, last = out.getvalue().splitlines()
    assert last == totp_code(DEMO_TOTP_SECRET)  # the code on its own line, the last one
    assert "Code valable encore" in explanation[0] and not err.getvalue()
    with pytest.raises(CommandError, match="pas un compte de démonstration"):
        call_command("demo_totp", "entreprise@demo.constructys.fr")
    with pytest.raises(CommandError, match="pas un compte de démonstration"):
        call_command("demo_totp", "gestionnaire@constructys.fr")
