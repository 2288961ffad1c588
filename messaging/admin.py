from urllib.parse import urlencode

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from messaging import services
from messaging.models import Message, SenderSide


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    """Case managers read the dossiers' threads and answer (a minimal form: the back-office issue completes it).

    A message added here is a case manager's answer: messaging.services.reply_as_case_manager writes it, as
    Constructys, signed by the staff user. "Répondre" on a message opens that form for its dossier."""

    list_display = ["title", "dossier", "sender_side", "author", "created_at", "reply_link"]
    list_filter = ["sender_side"]
    search_fields = ["title", "dossier__number"]
    list_select_related = ["dossier", "author"]
    raw_id_fields = ["dossier", "author"]
    show_full_result_count = False

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["dossier", "title", "body"]
        return ["dossier", "sender_side", "author", "title", "body", "created_at"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["dossier", "sender_side", "author", "title", "body", "created_at"]

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        message = services.reply_as_case_manager(
            form.cleaned_data["dossier"], request.user, form.cleaned_data["title"], form.cleaned_data["body"]
        )
        obj.pk = message.pk
        obj.sender_side, obj.author, obj.created_at = SenderSide.CONSTRUCTYS, request.user, message.created_at

    @admin.display(description="Répondre")
    def reply_link(self, message):
        if message.sender_side != SenderSide.COMPANY:
            return ""
        query = urlencode({"dossier": message.dossier_id, "title": f"RE : {message.title}"[:200]})
        return format_html('<a href="{}?{}">Répondre</a>', reverse("admin:messaging_message_add"), query)
