"""Login attempts are limited per address (a code by email then, tests/security/test_login_limits.py) and per IP,
and no error tells whether an address has an account."""

import re

from django.conf import settings

from accounts.models import Role
from tests.factories import DEFAULT_PASSWORD, MembershipFactory, UserFactory

LOGIN_URL = "/egestion/connexion/"
WRONG = "Pas-le-bon-1!"
MISMATCH = "L’adresse e-mail ou le mot de passe sont incorrects."
CODE_URL = "/comptes/login/code/confirm/"


def login(client, email, password):
    return client.post(LOGIN_URL, {"login": email, "password": password})


def error_block(response) -> str:
    return re.search(r'<div class="alert alert--error"[^>]*>.*?</div>\s*</div>', response.text, re.S).group(0)


def test_the_limits_are_explicit_and_counted_in_redis():
    assert settings.ACCOUNT_RATE_LIMITS["login_failed"] == "100/15m/ip"
    assert settings.ACCOUNT_RATE_LIMITS["login_failed_address"] == "5/15m/key"
    assert settings.CACHES["default"]["BACKEND"] == "common.cache.ResilientRedisCache"  # Redis, degrading safely


def test_after_five_failures_the_right_password_asks_for_the_emailed_code(client, company_manager):
    for _ in range(5):
        response = login(client, company_manager.email, WRONG)
        assert MISMATCH in response.text

    response = login(client, company_manager.email, DEFAULT_PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == CODE_URL
    assert not response.wsgi_request.user.is_authenticated
    assert client.get("/egestion/").status_code == 302


def test_the_limit_is_per_address_other_accounts_still_log_in(client, company_manager):
    other = UserFactory()
    MembershipFactory(user=other, role=Role.COMPANY_MANAGER)
    for _ in range(5):
        login(client, company_manager.email, WRONG)

    response = login(client, other.email, DEFAULT_PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/egestion/"


def test_the_address_is_matched_whatever_its_case(client, company_manager):
    for _ in range(5):
        login(client, company_manager.email.upper(), WRONG)

    assert login(client, company_manager.email, DEFAULT_PASSWORD)["Location"] == CODE_URL


def test_successful_logins_do_not_count(client, company_manager):
    for _ in range(6):
        assert login(client, company_manager.email, DEFAULT_PASSWORD).status_code == 302
        client.logout()


def test_unknown_address_and_wrong_password_get_the_same_error(client, company_manager):
    wrong_password = login(client, company_manager.email, WRONG)
    unknown_address = login(client, "personne@entreprise-test.fr", WRONG)

    assert wrong_password.status_code == unknown_address.status_code == 200
    assert error_block(wrong_password) == error_block(unknown_address)
    assert MISMATCH in error_block(wrong_password)


def test_unknown_addresses_are_limited_the_same_way(client, company_manager):
    """Otherwise the limit itself would tell which addresses have an account."""
    for _ in range(5):
        login(client, "personne@entreprise-test.fr", WRONG)
        login(client, company_manager.email, WRONG)

    assert login(client, "personne@entreprise-test.fr", WRONG)["Location"] == CODE_URL
    assert login(client, company_manager.email, WRONG)["Location"] == CODE_URL


def test_each_test_starts_with_no_failure_counted(client, company_manager):
    """The autouse fixture clears the cache: the failures of the tests above do not leak here."""
    assert login(client, company_manager.email, DEFAULT_PASSWORD).status_code == 302
