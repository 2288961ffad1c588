from django.contrib import admin, messages

from common.admin_helpers import KeptRecordAdminMixin
from common.formats import counted
from digests import services
from digests.models import Digest, DigestPreference

TEST_DIGESTS_AT_ONCE = 20


@admin.register(Digest)
class DigestAdmin(KeptRecordAdminMixin, admin.ModelAdmin):
    """The log of digests: when, to whom, how many messages and documents. Written by the runs only."""

    list_display = [
        "period",
        "user",
        "email",
        "state",
        "messages_count",
        "documents_count",
        "dossiers_count",
        "sent_at",
    ]
    list_filter = ["state", "period"]
    search_fields = ["user__email", "email"]
    date_hierarchy = "period"
    list_select_related = ["user"]
    show_full_result_count = False
    actions = ["send_test_to_me"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description="M'envoyer ce récapitulatif (test, à mon adresse)")
    def send_test_to_me(self, request, queryset):
        sent = empty = 0
        if queryset.count() > TEST_DIGESTS_AT_ONCE:
            self.message_user(
                request,
                f"Au plus {TEST_DIGESTS_AT_ONCE} récapitulatifs de test à la fois : les premiers sont envoyés.",
                messages.WARNING,
            )
        for digest in queryset.select_related("user")[:TEST_DIGESTS_AT_ONCE]:
            if services.send_test_digest(digest, request.user.email):
                sent += 1
            else:
                empty += 1
        if sent:
            self.message_user(
                request,
                f"{counted(sent, 'récapitulatif de test envoyé', 'récapitulatifs de test envoyés')} "
                f"à {request.user.email}.",
                messages.SUCCESS,
            )
        if empty:
            self.message_user(
                request,
                f"{counted(empty, 'récapitulatif')} sans plus rien de nouveau à montrer : rien envoyé.",
                messages.WARNING,
            )


@admin.register(DigestPreference)
class DigestPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "mode", "updated_at"]
    list_filter = ["mode"]
    search_fields = ["user__email"]
    raw_id_fields = ["user"]
