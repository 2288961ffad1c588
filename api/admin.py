"""API keys in the back office: read-only (who created which key, for which establishments, last use, revocation);
the secret is never stored, so never shown. Revocation is done by the key's creator on "Accès API"."""

from django.contrib import admin

from api.models import ApiKey
from common.admin_helpers import ReadOnlyAdminMixin


@admin.register(ApiKey)
class ApiKeyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "name",
        "prefix",
        "portal",
        "scope",
        "created_by",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["portal", "scope"]
    search_fields = ["name", "prefix", "created_by__email", "establishments__siret"]
    list_select_related = ["created_by"]
    fields = [
        "name",
        "prefix",
        "portal",
        "scope",
        "establishments",
        "created_by",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
        "revoked_by",
    ]
    exclude = ["secret_hash"]
    show_full_result_count = False
