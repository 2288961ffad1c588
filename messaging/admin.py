from django.contrib import admin

from messaging.models import Message


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["title", "dossier", "sender_side", "author", "created_at"]
    list_filter = ["sender_side"]
    search_fields = ["title", "dossier__number"]
    list_select_related = ["dossier", "author"]
    raw_id_fields = ["dossier", "author"]
    show_full_result_count = False
