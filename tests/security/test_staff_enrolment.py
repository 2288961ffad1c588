"""Issue 14, finding 6: staff set up their second factor only through a link emailed to them.

Before, a staff account without an authenticator app was sent from the admin to allauth's set-up page: whoever had
the password alone enrolled their own authenticator.
"""

import datetime
import html
import re

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY
from django.core import mail
from django.utils import timezone

from accounts.models import AccountEvent, AccountEventKind, TOTPEnrolmentLink, User
from tests.factories import DEFAULT_PASSWORD, UserFactory, totp_code

ACTIVATE_URL = "/comptes/2fa/totp/activate/"
REAUTHENTICATE_URL = "/comptes/reauthenticate/"
PENDING_URL = "/comptes/double-authentification/"
LINK_SENT = "Activez la double authentification"


@pytest.fixture
def newcomer():
    return UserFactory(email="nouveau@constructys.fr", staff=True, totp=False)


@pytest.fixture
def administrator():
    return UserFactory(email="admin@constructys.fr", superuser=True)


def log_in_to_the_admin(client, user):
    response = client.post("/admin/login/", {"login": user.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    return response


def enrolment_link(address) -> str:
    messages = [m for m in mail.outbox if address in m.to and "double authentification" in m.subject]
    assert messages, "no enrolment email"
    return re.search(r"https?://[^\s\"]+(/comptes/double-authentification/[^\s\"/]+/)", messages[-1].body).group(1)


def confirm_password_then_open(client, url):
    response = client.get(url)
    if response.status_code == 302 and response["Location"].startswith(REAUTHENTICATE_URL):
        client.post(response["Location"], {"password": DEFAULT_PASSWORD})
        response = client.get(url)
    return response


def enrol(client, user):
    page = confirm_password_then_open(client, ACTIVATE_URL)
    assert page.status_code == 200, page.get("Location")
    secret = client.session[SECRET_SESSION_KEY]
    client.post(ACTIVATE_URL, {"code": totp_code(secret)})


def test_the_password_alone_never_reaches_the_totp_set_up(client, newcomer):
    log_in_to_the_admin(client, newcomer)

    assert client.get("/admin/")["Location"] == PENDING_URL
    # Straight to allauth's set-up page, even after confirming the password: refused.
    response = confirm_password_then_open(client, ACTIVATE_URL)
    assert response.status_code == 302
    assert response["Location"] == PENDING_URL
    assert client.post(ACTIVATE_URL, {"code": "123456"})["Location"] == PENDING_URL
    assert not Authenticator.objects.filter(user=newcomer).exists()


def test_the_waiting_page_says_the_link_was_emailed_and_sends_the_first_one(client, newcomer):
    log_in_to_the_admin(client, newcomer)

    page = client.get(PENDING_URL)
    client.get(PENDING_URL)

    assert page.status_code == 200
    assert "Elle s'active uniquement avec le lien" in html.unescape(page.text)
    assert "Demandez à un administrateur" in page.text
    [message] = mail.outbox  # sent once, not at each visit
    assert message.to == [newcomer.email]
    assert message.subject == "Constructys - Activez la double authentification du back office"
    assert message.alternatives and enrolment_link(newcomer.email) in message.alternatives[0][0]


def test_the_emailed_link_opens_the_set_up_once_then_the_admin(client, newcomer):
    log_in_to_the_admin(client, newcomer)
    client.get(PENDING_URL)
    link = enrolment_link(newcomer.email)

    assert client.get(link)["Location"] == ACTIVATE_URL
    enrol(client, newcomer)

    assert Authenticator.objects.filter(user=newcomer, type=Authenticator.Type.TOTP).exists()
    assert client.get("/admin/").status_code == 200
    assert TOTPEnrolmentLink.objects.get(user=newcomer).used_at is not None


def test_the_link_is_single_use(client, newcomer):
    log_in_to_the_admin(client, newcomer)
    client.get(PENDING_URL)
    link = enrolment_link(newcomer.email)
    client.get(link)
    client.logout()
    other_session = type(client)()
    log_in_to_the_admin(other_session, newcomer)

    response = other_session.get(link)

    assert response.status_code == 410
    assert "déjà été utilisé" in response.text
    assert confirm_password_then_open(other_session, ACTIVATE_URL)["Location"] == PENDING_URL


def test_the_link_expires_after_24_hours(client, newcomer):
    log_in_to_the_admin(client, newcomer)
    client.get(PENDING_URL)
    link = enrolment_link(newcomer.email)

    with time_machine.travel(timezone.now() + datetime.timedelta(hours=25)):
        client.force_login(newcomer)
        response = client.get(link)

    assert response.status_code == 410
    assert "a expiré" in response.text


def test_someone_elses_link_does_not_work_and_stays_usable_by_its_owner(client, newcomer):
    colleague = UserFactory(email="collegue@constructys.fr", staff=True, totp=False)
    log_in_to_the_admin(client, newcomer)
    client.get(PENDING_URL)
    link = enrolment_link(newcomer.email)
    thief = type(client)()
    log_in_to_the_admin(thief, colleague)

    assert thief.get(link).status_code == 410
    assert client.get(link)["Location"] == ACTIVATE_URL


def test_a_visitor_following_the_link_logs_in_first_then_comes_back_to_it(client, newcomer):
    log_in_to_the_admin(client, newcomer)
    client.get(PENDING_URL)
    link = enrolment_link(newcomer.email)
    client.logout()

    response = client.get(link)
    assert response["Location"] == f"/admin/login/?next={link.replace('/', '%2F')}"
    response = client.post(response["Location"], {"login": newcomer.email, "password": DEFAULT_PASSWORD})
    assert response["Location"] == link
    assert client.get(link)["Location"] == ACTIVATE_URL


NO_INLINES = {
    "memberships-TOTAL_FORMS": "0",
    "memberships-INITIAL_FORMS": "0",
    "account_events-TOTAL_FORMS": "0",
    "account_events-INITIAL_FORMS": "0",
}


def admin_change_payload(user, **changes):
    data = {
        "email": user.email,
        "civility": user.civility,
        "last_name": user.last_name,
        "first_name": user.first_name,
        "function": user.function,
        "phone": user.phone,
        "is_active": "on",
        "date_joined_0": timezone.localtime(user.date_joined).strftime("%d/%m/%Y"),
        "date_joined_1": timezone.localtime(user.date_joined).strftime("%H:%M:%S"),
        **NO_INLINES,
        "_save": "Enregistrer",
    }
    data.update(changes)
    return data


def test_an_account_made_staff_in_the_admin_receives_the_link(client, administrator):
    client.force_login(administrator)
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "email": "recrue@constructys.fr",
            "usable_password": "true",
            "password1": "Tuile-Verte-Bardage-72!",
            "password2": "Tuile-Verte-Bardage-72!",
            **NO_INLINES,
        },
    )
    assert response.status_code == 302, re.findall(r'class="errorlist[^>]*>(.*?)</ul>', response.text, re.S)
    recruit = User.objects.get(email="recrue@constructys.fr")
    assert not mail.outbox

    response = client.post(f"/admin/accounts/user/{recruit.pk}/change/", admin_change_payload(recruit, is_staff="on"))

    assert response.status_code == 302, re.findall(r'class="errorlist[^>]*>(.*?)</ul>', response.text, re.S)
    [message] = mail.outbox
    assert message.to == ["recrue@constructys.fr"]
    assert "/comptes/double-authentification/" in message.body
    event = AccountEvent.objects.get(user=recruit, kind=AccountEventKind.TOTP_LINK_SENT)
    assert event.actor == administrator


def test_an_administrator_sends_a_new_link_and_the_previous_one_stops_working(client, administrator, newcomer):
    log_in_to_the_admin(client, newcomer)
    client.get(PENDING_URL)
    first = enrolment_link(newcomer.email)
    admin_client = type(client)()
    admin_client.force_login(administrator)

    response = admin_client.post(
        "/admin/accounts/user/",
        {"action": "send_totp_enrolment_link", "_selected_action": [newcomer.pk, administrator.pk]},
    )

    assert response.status_code == 302
    second = enrolment_link(newcomer.email)
    assert second != first
    assert len(mail.outbox) == 2  # nothing for the administrator, who has an authenticator app
    assert client.get(first).status_code == 410
    assert client.get(second)["Location"] == ACTIVATE_URL


def test_staff_with_an_authenticator_app_are_not_concerned(client):
    staff = UserFactory(email="gestionnaire@constructys.fr", staff=True)
    client.force_login(staff)

    assert client.get("/admin/").status_code == 200
    assert client.get(PENDING_URL)["Location"] == "/admin/"
    assert not mail.outbox


def test_the_demo_staff_accounts_keep_their_authenticator_and_get_no_link():
    import io

    from django.core.management import call_command

    call_command("seed_demo", stdout=io.StringIO())

    for email in ("admin@demo.constructys.fr", "gestionnaire@demo.constructys.fr", "comptabilite@demo.constructys.fr"):
        user = User.objects.get(email=email)
        assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    assert not TOTPEnrolmentLink.objects.exists()
    assert not mail.outbox
