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


def rights(request) -> tuple:
    """What a staff user's admin pages may depend on: their flags, their permissions and, for a regional manager,
    their regions (RegionScopedAdminMixin narrows querysets and choices to them)."""
    from accounts.staff_access import request_limited_regions  # this module is imported before the models

    user = request.user
    regions = request_limited_regions(request)
    return (
        user.is_active,
        user.is_staff,
        user.is_superuser,
        frozenset(user.get_all_permissions()),
        None if regions is None else tuple(sorted(regions)),
    )


def kept(store: dict, key, build):
    """`store[key]`, built by `build()` the first time; the store starts again beyond KEPT_LISTS keys."""
    value = store.get(key)
    if value is None:
        value = build()
        if len(store) >= KEPT_LISTS:
            store.clear()
        store[key] = value
    return value


class KeptAppList(list):
    """A kept list of apps, with the sidebar's HTML written from it (backoffice.nav_sidebar) kept beside it: it is
    a function of the list and of which of its entries the page is in, nothing else."""

    def __init__(self, apps):
        super().__init__(apps)
        self.sidebar_html = {}


class BackofficeAdminSite(admin.AdminSite):
    def __init__(self, name="admin"):
        super().__init__(name)
        self._kept_app_lists = {}

    def get_app_list(self, request, app_label=None):
        """Django's list, kept per set of rights; the templates only read it."""
        user = request.user
        if not (user.is_active and user.is_staff):
            return super().get_app_list(request, app_label)
        key = (app_label, rights(request), get_language(), get_script_prefix())
        djangos = super().get_app_list
        return kept(self._kept_app_lists, key, lambda: KeptAppList(djangos(request, app_label)))


class KeptFormMixin:
    """For a ModelAdmin: its change form's class kept per process instead of built on every request (a form field,
    a widget and a queryset per column, the related links' permission checks: about 3 ms of CPU in-process on a
    dossier page).

    Django builds the class from what the admin makes read-only, excluded or shown and whether the user may change
    the object (all in the key, read as Django reads them), and from formfield_for_dbfield, which reads only the
    user's rights (`rights`: permissions and regions, also in the key). An override of formfield_for_dbfield or of a
    has_*_permission that reads anything else of the request must not use this mixin. Django copies the class's
    fields into each form, so a form never changes the kept class."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        """Kept when called as Django's change view calls it, with the fields it shows: any other call (get_fields
        reading the names of a form's fields, another argument) builds a class as Django does."""
        fields = kwargs.get("fields")
        if fields is None or kwargs.keys() != {"fields"} or not (request.user.is_active and request.user.is_staff):
            return super().get_form(request, obj, change, **kwargs)
        key = (
            type(self),
            rights(request),
            tuple(fields),
            tuple(self.get_readonly_fields(request, obj)),
            tuple(self.get_exclude(request, obj) or ()),
            change and self.has_change_permission(request, obj),
        )
        return kept(_KEPT_FORMS, key, lambda: self._build_form(request, obj, change, **kwargs))

    def _build_form(self, request, obj, change, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        # The callback that built the fields holds the request that first built the class: not needed afterwards.
        form.formfield_callback = form._meta.formfield_callback = None
        return form


_KEPT_FORMS: dict = {}


class AdminSiteConfig(AdminConfig):
    """django.contrib.admin (INSTALLED_APPS) with this site as `admin.site`."""

    default_site = "backoffice.site.BackofficeAdminSite"
