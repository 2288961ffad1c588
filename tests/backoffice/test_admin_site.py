"""The admin site's list of apps and models (backoffice.site), kept per set of permissions: always what Django's own
site would list for the user, and a change of permissions shows at once."""

import pytest
from django.contrib import admin
from django.contrib.admin import AdminSite
from django.contrib.auth.models import Permission
from django.test import RequestFactory

from accounts.models import User
from tests.factories import UserFactory


def visit(user, path="/admin/"):
    request = RequestFactory().get(path)
    request.user = user
    return request


def djangos_app_list(user, app_label=None):
    """What Django's AdminSite lists with the same registry, worked out from scratch."""
    return AdminSite.get_app_list(admin.site, visit(user), app_label)


def names(app_list):
    return [
        (app["app_label"], [(m["object_name"], m["perms"], m["admin_url"], m["add_url"]) for m in app["models"]])
        for app in app_list
    ]


@pytest.mark.parametrize("persona", ["case_manager", "regional_manager", "accountant", "administrator"])
@pytest.mark.parametrize("app_label", [None, "dossiers"])
def test_the_kept_list_is_djangos_for_each_role(request, persona, app_label):
    user = request.getfixturevalue(persona)

    first = admin.site.get_app_list(visit(user), app_label)
    again = admin.site.get_app_list(visit(user), app_label)  # the kept one

    assert first and names(again) == names(first) == names(djangos_app_list(user, app_label))


def test_a_superuser_sees_every_model(db):
    superuser = UserFactory(staff=True, is_superuser=True)

    listed = {m["model"] for app in admin.site.get_app_list(visit(superuser)) for m in app["models"]}

    assert listed == set(admin.site._registry)


def test_a_granted_permission_shows_on_the_next_page(case_manager):
    before = admin.site.get_app_list(visit(case_manager))
    shown = {m["model"] for app in before for m in app["models"]}
    missing = next(model for model in admin.site._registry if model not in shown)
    view = Permission.objects.get(
        content_type__app_label=missing._meta.app_label, codename=f"view_{missing._meta.model_name}"
    )
    case_manager.user_permissions.add(view)
    next_page = User.objects.get(pk=case_manager.pk)  # each request reads the user and its permissions afresh

    after = admin.site.get_app_list(visit(next_page))

    assert missing in {m["model"] for app in after for m in app["models"]}
    assert names(after) == names(djangos_app_list(next_page))
    case_manager.user_permissions.remove(view)
    assert names(admin.site.get_app_list(visit(User.objects.get(pk=case_manager.pk)))) == names(before)
