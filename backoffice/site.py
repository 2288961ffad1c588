"""The back office's admin site: Django's, with the list of apps and models it shows on every page (the navigation
sidebar, the index) worked out once per set of permissions instead of once per request.

Django builds that list with about 200 permission checks and 60 URL reversals per page, a seventh of a dossier
list's time. What it shows depends only on the user's permissions and flags, the language and the URL prefix: every
`has_*_permission` of the registered ModelAdmins, called without an object as here, reads nothing else (an override
that reads the request otherwise must not be kept; tests/backoffice/test_admin_site.py compares the kept list with
Django's for each back-office role). The key holds the permissions themselves, so a granted or withdrawn permission
is a new key: nothing to invalidate.
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.urls import get_script_prefix
from django.utils.translation import get_language

KEPT_LISTS = 256  # a handful of roles in practice; bounded so that odd permission sets cannot grow the process


class BackofficeAdminSite(admin.AdminSite):
    def __init__(self, name="admin"):
        super().__init__(name)
        self._kept_app_lists = {}

    def get_app_list(self, request, app_label=None):
        """Django's list, kept per permission set; the templates only read it."""
        user = request.user
        if not (user.is_active and user.is_staff):
            return super().get_app_list(request, app_label)
        key = (app_label, user.is_superuser, frozenset(user.get_all_permissions()), get_language(), get_script_prefix())
        kept = self._kept_app_lists.get(key)
        if kept is None:
            kept = super().get_app_list(request, app_label)
            if len(self._kept_app_lists) >= KEPT_LISTS:
                self._kept_app_lists.clear()
            self._kept_app_lists[key] = kept
        return kept


class AdminSiteConfig(AdminConfig):
    """django.contrib.admin (INSTALLED_APPS) with this site as `admin.site`."""

    default_site = "backoffice.site.BackofficeAdminSite"
