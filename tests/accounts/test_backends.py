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


def test_permissions_are_djangos_from_the_user_and_their_groups(case_manager):
    """The prepared permission reads give what Django's ModelBackend gives: the user's own, their groups', all of
    them for a superuser, none for an inactive account, and a change shows on the next request's user."""
    from django.contrib.auth import backends
    from django.contrib.auth.models import Permission

    from accounts.models import User

    def fresh():
        return User.objects.get(pk=case_manager.pk)

    def both(user):
        ours, djangos = ModelBackend(), backends.ModelBackend()
        return (
            (ours.get_user_permissions(user), ours.get_group_permissions(user)),
            (djangos.get_user_permissions(fresh_copy(user)), djangos.get_group_permissions(fresh_copy(user))),
        )

    def fresh_copy(user):
        copy = User.objects.get(pk=user.pk)
        copy.is_superuser, copy.is_active = user.is_superuser, user.is_active
        return copy

    ours, djangos = both(fresh())
    assert ours == djangos and ours[1] and not ours[0]  # a case manager's rights come from their role (group)

    granted = Permission.objects.get(codename="view_contenttype")
    case_manager.user_permissions.add(granted)
    ours, djangos = both(fresh())
    assert ours == djangos and ours[0] == {"contenttypes.view_contenttype"}

    superuser = fresh()
    superuser.is_superuser = True
    ours, djangos = both(superuser)
    assert ours == djangos and len(ours[0]) == Permission.objects.count()

    inactive = fresh()
    inactive.is_active = False
    assert ModelBackend().get_all_permissions(inactive) == set()
