"""Issue 14, finding 5: brute force is stopped without locking the owner out.

After 5 failed logins for an address, the right password leads to a 6-digit code emailed to the address (the owner
gets in); a wrong password gets the very same answer, so guessing on tells nothing. Per-IP limits count the real
client behind the production proxy and leave room for an office or an information session behind one address.
"""

import datetime
import html
import re
import time

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.cache.backends.base import BaseCache

from tests.factories import DEFAULT_PASSWORD, UserFactory, totp_code

LOGIN_URL = "/egestion/connexion/"
CODE_URL = "/comptes/login/code/confirm/"
WRONG = "Pas-le-bon-1!"
MISMATCH = "L’adresse e-mail ou le mot de passe sont incorrects."
CODE_SENT = "Si l'adresse et le mot de passe sont corrects, un code de connexion vient d'être envoyé"


def login(client, email, password, **extra):
    return client.post(LOGIN_URL, {"login": email, "password": password}, **extra)


def fail_five_times(client, email):
    for _ in range(5):
        assert MISMATCH in login(client, email, WRONG).text


def without_csrf_tokens(page: str) -> str:
    return re.sub(r'("X-CSRFToken": "|name="csrfmiddlewaretoken" value=")[^"]+', "", page)


def emailed_code(address) -> str:
    [message] = [m for m in mail.outbox if address in m.to and "code" in m.subject.lower()]
    return re.search(r"\b(\d{6})\b", message.body).group(1)


def test_after_five_failures_the_owner_gets_in_with_the_right_password_and_the_emailed_code(client, company_manager):
    fail_five_times(client, company_manager.email)

    response = login(client, company_manager.email, DEFAULT_PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == CODE_URL
    assert client.get("/egestion/").status_code == 302  # not logged in before the code
    [message] = mail.outbox
    assert message.to == [company_manager.email]
    assert message.subject == "Constructys - Votre code de connexion"
    assert message.alternatives and emailed_code(company_manager.email) in message.alternatives[0][0]
    page = client.get(CODE_URL)
    assert CODE_SENT in html.unescape(page.text)
    assert "Saisissez le code reçu par e-mail" in page.text

    done = client.post(CODE_URL, {"code": emailed_code(company_manager.email)})

    assert done.status_code == 302
    assert done["Location"] == "/egestion/"
    assert client.get("/egestion/").status_code == 200


def test_over_the_limit_a_wrong_password_gets_the_same_answer_and_no_email(client, company_manager):
    fail_five_times(client, company_manager.email)

    right = login(client, company_manager.email, DEFAULT_PASSWORD)
    right_page = client.get(right["Location"]).text
    other_client = type(client)()
    wrong = login(other_client, company_manager.email, WRONG)
    wrong_page = other_client.get(wrong["Location"]).text
    unknown = login(other_client, "personne@entreprise-test.fr", WRONG)

    assert right.status_code == wrong.status_code == 302
    assert right["Location"] == wrong["Location"] == CODE_URL
    assert without_csrf_tokens(right_page) == without_csrf_tokens(wrong_page)
    assert CODE_SENT in html.unescape(wrong_page)
    # Only the right password sent a code; neither the wrong one nor the unknown address (whose page is the same).
    assert len(mail.outbox) == 1
    assert unknown["Location"] == CODE_URL
    # The code of the wrong-password login never matches, not even the one the owner received.
    response = other_client.post(CODE_URL, {"code": emailed_code(company_manager.email)})
    assert "Code incorrect" in response.text
    assert other_client.get("/egestion/").status_code == 302


def test_an_attacker_cannot_lock_the_owner_out_by_failing_again_and_again(client, company_manager):
    attacker = type(client)()
    for _ in range(20):
        login(attacker, company_manager.email, WRONG)

    response = login(client, company_manager.email, DEFAULT_PASSWORD)
    client.post(response["Location"], {"code": emailed_code(company_manager.email)})

    assert client.get("/egestion/").status_code == 200


def test_the_code_allows_three_tries_then_the_login_starts_again(client, company_manager):
    fail_five_times(client, company_manager.email)
    login(client, company_manager.email, DEFAULT_PASSWORD)
    code = emailed_code(company_manager.email)
    wrong = "000000" if code != "000000" else "111111"

    assert "Code incorrect" in client.post(CODE_URL, {"code": wrong}).text
    assert "Code incorrect" in client.post(CODE_URL, {"code": wrong}).text
    third = client.post(CODE_URL, {"code": wrong})

    assert third.status_code == 302
    assert client.post(CODE_URL, {"code": code}).status_code == 302
    assert client.get("/egestion/").status_code == 302


def test_the_code_is_single_use(client, company_manager):
    fail_five_times(client, company_manager.email)
    login(client, company_manager.email, DEFAULT_PASSWORD)
    code = emailed_code(company_manager.email)
    client.post(CODE_URL, {"code": code})
    client.logout()

    # The used code does not open a new login: the password leads to a new code.
    assert client.post(CODE_URL, {"code": code})["Location"] != "/egestion/"
    login(client, company_manager.email, DEFAULT_PASSWORD)
    assert len(mail.outbox) == 2
    client.post(CODE_URL, {"code": code if code != emailed_code_last(company_manager.email) else "000000"})
    assert client.get("/egestion/").status_code == 302


def emailed_code_last(address) -> str:
    messages = [m for m in mail.outbox if address in m.to and "code" in m.subject.lower()]
    return re.search(r"\b(\d{6})\b", messages[-1].body).group(1)


def test_the_code_expires_after_ten_minutes(client, company_manager):
    fail_five_times(client, company_manager.email)
    login(client, company_manager.email, DEFAULT_PASSWORD)
    code = emailed_code(company_manager.email)

    with time_machine.travel(time.time() + 11 * 60):
        response = client.post(CODE_URL, {"code": code})

    assert response.status_code == 302
    assert client.get("/egestion/").status_code == 302


def test_staff_over_the_limit_still_enter_their_authenticator_code_after_the_emailed_one(client):
    staff = UserFactory(email="gestionnaire@constructys.fr", staff=True)
    for _ in range(5):
        client.post("/admin/login/", {"login": staff.email, "password": WRONG})

    response = client.post("/admin/login/", {"login": staff.email, "password": DEFAULT_PASSWORD})
    assert response["Location"] == CODE_URL
    response = client.post(CODE_URL, {"code": emailed_code(staff.email)})

    assert response["Location"] == "/comptes/2fa/authenticate/"
    assert client.get("/admin/").status_code == 302
    client.post("/comptes/2fa/authenticate/", {"code": totp_code()})
    assert client.get("/admin/").status_code == 200


def test_codes_for_one_address_are_bounded_even_with_the_right_password(client, company_manager, settings):
    """Someone who has the password but not the mailbox gets a few codes an hour, not unlimited guesses."""
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_code_address": "2/h/key"}
    fail_five_times(client, company_manager.email)
    for _ in range(3):
        response = login(type(client)(), company_manager.email, DEFAULT_PASSWORD)
        assert response["Location"] == CODE_URL

    assert len(mail.outbox) == 2


def test_a_password_reset_makes_the_password_enough_again(client, company_manager):
    from allauth.account.adapter import get_adapter
    from django.test import RequestFactory

    fail_five_times(client, company_manager.email)
    get_adapter()._delete_login_attempts_cached_email(RequestFactory().get("/"), email=company_manager.email)

    assert login(client, company_manager.email, DEFAULT_PASSWORD)["Location"] == "/egestion/"


# --- Per-IP limits: the real client, and room for an office ------------------------------------------------------


def test_per_ip_limits_leave_room_for_an_office_behind_one_address(client, company_manager):
    """40 colleagues behind the office's address each mistype their password once, then log in."""
    for n in range(40):
        assert MISMATCH in login(client, f"collegue{n}@entreprise-test.fr", WRONG).text

    assert login(client, company_manager.email, DEFAULT_PASSWORD)["Location"] == "/egestion/"


def test_the_figures_are_those_of_the_readme():
    limits = settings.ACCOUNT_RATE_LIMITS
    assert limits["login"] == "120/m/ip"
    assert limits["login_failed"] == "100/15m/ip"
    assert limits["login_failed_address"] == "5/15m/key"
    assert limits["login_code_address"] == "10/h/key"
    assert limits["signup"] == "60/h/ip"
    readme = (settings.BASE_DIR / "README.md").read_text()
    for figure in ("120 per minute", "100 per 15 minutes", "5 per 15 minutes", "60 per hour", "10 codes per hour"):
        assert figure in readme


def forwarded(address, proxy="10.0.0.2"):
    return {"REMOTE_ADDR": proxy, "HTTP_X_FORWARDED_FOR": address}


def test_behind_the_proxy_the_per_ip_limit_counts_each_client_not_the_proxy(client, company_manager, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": "3/15m/ip"}
    for n in range(3):
        login(client, f"a{n}@exemple.fr", WRONG, **forwarded("203.0.113.7"))

    blocked = login(client, company_manager.email, DEFAULT_PASSWORD, **forwarded("203.0.113.7"))
    # A client cannot pick its address: the proxy appends the real one, the last entry is the one counted.
    spoofed = login(client, company_manager.email, DEFAULT_PASSWORD, **forwarded("198.51.100.9, 203.0.113.7"))
    other_client = login(client, company_manager.email, DEFAULT_PASSWORD, **forwarded("198.51.100.9"))

    assert "Trop de tentatives" in blocked.text
    assert other_client["Location"] == "/egestion/"
    assert "Trop de tentatives" in spoofed.text


def test_without_a_proxy_the_forwarded_header_is_not_trusted(client, company_manager, settings):
    """In development (TRUSTED_PROXY_COUNT=0) a client could otherwise pick a new address at each attempt."""
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed": "3/15m/ip"}
    for n in range(3):
        login(client, f"a{n}@exemple.fr", WRONG, **forwarded(f"203.0.113.{n}", proxy="192.0.2.1"))

    assert (
        "Trop de tentatives"
        in login(client, company_manager.email, DEFAULT_PASSWORD, **forwarded("198.51.100.9", proxy="192.0.2.1")).text
    )


def test_the_proxy_count_comes_from_the_environment_and_the_compose_file_sets_one():
    import os
    import subprocess
    import sys

    code = "import django; django.setup(); from django.conf import settings; print(settings.TRUSTED_PROXY_COUNT)"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "TRUSTED_PROXY_COUNT": "1"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "1"
    assert settings.TRUSTED_PROXY_COUNT == 0
    compose = (settings.BASE_DIR / "docker-compose.yml").read_text()
    assert re.search(r'TRUSTED_PROXY_COUNT: "1"', compose)


# --- Redis down: the limits let people in --------------------------------------------------------------------


class NothingStoredCache(BaseCache):
    """The cache as it behaves when Redis is down (see the "redis-celery" work): reads find nothing, writes keep
    nothing, `add` takes nothing."""

    def __init__(self, location, params):
        super().__init__(params)

    def add(self, key, value, timeout=None, version=None):
        return False

    def get(self, key, default=None, version=None):
        return default

    def set(self, key, value, timeout=None, version=None):
        return None

    def touch(self, key, timeout=None, version=None):
        return False

    def delete(self, key, version=None):
        return False

    def clear(self):
        return None


def test_with_the_cache_down_logins_go_through_at_once(client, company_manager, settings):
    settings.CACHES = {"default": {"BACKEND": f"{__name__}.NothingStoredCache"}}
    started = datetime.datetime.now()

    for _ in range(6):
        assert MISMATCH in login(client, company_manager.email, WRONG).text
    response = login(client, company_manager.email, DEFAULT_PASSWORD)

    assert response["Location"] == "/egestion/"
    assert (datetime.datetime.now() - started).total_seconds() < 5


@pytest.mark.parametrize(
    "login_url", ["/ogestion/connexion/", "/digit-invest/connexion/", "/admin/login/", "/comptes/login/"]
)
def test_every_login_page_answers_a_wrong_password_over_the_limit_with_the_code_page(
    client, company_manager, login_url
):
    for _ in range(5):
        client.post(login_url, {"login": company_manager.email, "password": WRONG})

    response = client.post(login_url, {"login": company_manager.email, "password": WRONG})

    assert response.status_code == 302
    assert response["Location"] == CODE_URL
    assert not mail.outbox
