"""Small pieces the back-office admins share: read-only inlines and read-only journals (lists nobody edits), and the
extra pages an admin adds to its URLs."""

from django.contrib import admin
from django.urls import path


class ReadOnlyInline(admin.TabularInline):
    """Lines shown on the parent's page, never added, changed or deleted there."""

    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdminMixin:
    """A journal (status changes, account events, the history of changes): listed and opened, never edited nor
    deleted, superusers included."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def admin_page(model_admin, route: str, view, name: str):
    """An extra page of `model_admin` (behind the admin's login and staff check), for its get_urls()."""
    return path(route, model_admin.admin_site.admin_view(view), name=name)


class KeptRecordAdminMixin:
    """A record that is kept (a message, a received document, a payment…): never deleted from the admin, superusers
    included; no delete page, no delete action. Removing a person's data goes through the audited RGPD erasure
    command only."""

    def has_delete_permission(self, request, obj=None):
        return False
