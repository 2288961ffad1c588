"""The authentication backends (settings.AUTHENTICATION_BACKENDS): Django's and allauth's, whose one read per
request, the logged-in user, runs a prepared query (common.prepared) instead of building the same SQL again on every
page. Logging in, permissions and every check are theirs, unchanged."""

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth import backends

from common.prepared import PreparedQuery


def _user(user_id):
    from accounts.models import User

    return User.objects.filter(pk=user_id)[:1]


_USER = PreparedQuery(_user, name="logged-in user")


class _PreparedUserMixin:
    def get_user(self, user_id):
        user = _USER.first(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class ModelBackend(_PreparedUserMixin, backends.ModelBackend):
    """django.contrib.auth's ModelBackend."""


class AllauthBackend(_PreparedUserMixin, AuthenticationBackend):
    """allauth's AuthenticationBackend."""
