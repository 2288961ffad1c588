"""accounts.backends: the logged-in user of every request, read by a prepared query, with Django's rules."""

from django.contrib.auth import get_user
from django.urls import reverse

from accounts.backends import ModelBackend
from accounts.models import Role
from tests.factories import MembershipFactory


def test_a_member_stays_logged_in_from_page_to_page_as_the_user_they_logged_in_as(client):
    user = MembershipFactory(role=Role.COMPANY_MANAGER).user
    client.force_login(user)

    for _ in range(2):  # the second request runs the kept SQL
        response = client.get(reverse("egestion:home"))
        assert response.status_code == 200
        assert response.wsgi_request.user == user
    assert client.session["_auth_user_backend"] == "accounts.backends.ModelBackend"


def test_a_deactivated_account_is_logged_out_on_its_next_page(client):
    user = MembershipFactory(role=Role.COMPANY_MANAGER).user
    client.force_login(user)
    assert client.get(reverse("egestion:home")).status_code == 200

    user.is_active = False
    user.save(update_fields=["is_active"])

    response = client.get(reverse("egestion:home"))
    assert response.status_code == 302 and not get_user(response.wsgi_request).is_authenticated


def test_an_account_deleted_or_never_created_gives_no_user():
    user = MembershipFactory(role=Role.COMPANY_MANAGER).user
    backend = ModelBackend()
    assert backend.get_user(user.pk) == user

    user.delete()

    assert backend.get_user(user.pk) is None
    assert backend.get_user(10**9) is None
