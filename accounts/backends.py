"""The authentication backends (settings.AUTHENTICATION_BACKENDS): Django's and allauth's, whose reads on every
request, the logged-in user and a staff member's permissions, run prepared queries (common.prepared) instead of
building the same SQL again on every page. Logging in, permissions and every check are theirs, unchanged."""

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth import backends
from django.contrib.auth.models import Permission

from common.prepared import PreparedQuery


def _user(user_id):
    from accounts.models import User

    return User.objects.filter(pk=user_id)[:1]


def _names(permissions):
    return permissions.values_list("content_type__app_label", "codename").order_by()


_USER = PreparedQuery(_user, name="logged-in user")
# What ModelBackend._get_user_permissions and _get_group_permissions read, for one user.
_PERMISSIONS = {
    "user": PreparedQuery(lambda user_id: _names(Permission.objects.filter(user__id=user_id)), name="user permissions"),
    "group": PreparedQuery(
        lambda user_id: _names(Permission.objects.filter(group__user__id=user_id)), name="group permissions"
    ),
}
_EVERY_PERMISSION = PreparedQuery(lambda: _names(Permission.objects.all()), name="every permission")


class _PreparedUserMixin:
    def get_user(self, user_id):
        user = _USER.first(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None

    def _get_permissions(self, user_obj, obj, from_name):
        """ModelBackend._get_permissions, with its two queries prepared (the same rows, cached on the user)."""
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        perm_cache_name = f"_{from_name}_perm_cache"
        if not hasattr(user_obj, perm_cache_name):
            rows = _EVERY_PERMISSION() if user_obj.is_superuser else _PERMISSIONS[from_name](user_obj.pk)
            setattr(user_obj, perm_cache_name, {f"{app_label}.{codename}" for app_label, codename in rows})
        return getattr(user_obj, perm_cache_name)


class ModelBackend(_PreparedUserMixin, backends.ModelBackend):
    """django.contrib.auth's ModelBackend."""


class AllauthBackend(_PreparedUserMixin, AuthenticationBackend):
    """allauth's AuthenticationBackend."""
