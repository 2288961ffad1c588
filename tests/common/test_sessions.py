"""The session engine (common.sessions): Django's database sessions read by a prepared query; a live session
logs the user in, an expired or unknown one does not, and a logout is final."""

import datetime

from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from tests.factories import MembershipFactory, accept_current_terms


def _company_user():
    user = MembershipFactory(role=Role.COMPANY_MANAGER).user
    accept_current_terms(user)
    return user


def test_a_live_session_keeps_the_user_logged_in_and_an_expired_one_does_not(client):
    client.force_login(_company_user())
    assert client.get("/egestion/").status_code == 200
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get("/egestion/")
    assert response.status_code == 302 and response["Location"].startswith("/connexion/")


def test_an_unknown_session_key_is_a_stranger(client):
    client.cookies["sessionid"] = "x" * 32
    response = client.get("/egestion/")
    assert response.status_code == 302 and response["Location"].startswith("/connexion/")


def test_a_logout_is_final(client):
    client.force_login(_company_user())
    old_cookie = client.cookies["sessionid"].value
    assert client.get("/egestion/").status_code == 200
    client.post(reverse("account_logout"))
    client.cookies["sessionid"] = old_cookie  # the old cookie, replayed
    response = client.get("/egestion/")
    assert response.status_code == 302 and response["Location"].startswith("/connexion/")
