"""The outbox's screen in the back office (registered by backoffice/admin.py): outbox/ is the lowest app and
imports none of the admin helpers of common/."""

from django.contrib import admin, messages

from common.admin_helpers import ReadOnlyAdminMixin
from common.formats import counted
from outbox import services
from outbox.models import OutgoingEmail


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Every email of the portal: pending, sent, failed with the server's error. Read-only and never deleted (it is
    the record of what was sent); "Renvoyer" queues selected emails again."""

    list_display = ["created_at", "subject", "recipients", "kind", "status", "attempts", "sent_at", "last_error_short"]
    list_filter = ["status", "kind", "created_at"]
    search_fields = ["subject", "message_id", "=to__0"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    actions = ["resend"]
    fields = [
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
        "created_at",
        "sent_at",
        "kind",
        "message_id",
        "dedup_key",
        "from_email",
        "to",
        "cc",
        "bcc",
        "reply_to",
        "subject",
        "headers",
        "body",
        "html",
    ]

    # The texts carry one-time links (password reset, invitation): only superusers read them here.
    PRIVATE_FIELDS = ("headers", "body", "html")

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        return fields if request.user.is_superuser else [f for f in fields if f not in self.PRIVATE_FIELDS]

    @admin.display(description="destinataires")
    def recipients(self, obj):
        return ", ".join(obj.to)

    @admin.display(description="dernière erreur")
    def last_error_short(self, obj):
        return obj.last_error[:120]

    def has_resend_permission(self, request):
        return request.user.has_perm("outbox.resend_outgoingemail")

    @admin.action(description="Renvoyer", permissions=["resend"])
    def resend(self, request, queryset):
        ids = services.resend(queryset)
        self.message_user(
            request, f"{counted(len(ids), 'e-mail remis', 'e-mails remis')} dans la file d'envoi.", messages.SUCCESS
        )
