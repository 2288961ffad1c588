from django.contrib import admin

from content.models import Advisor, Announcement


@admin.register(Announcement)
class AnnouncementAdmin(admin.ModelAdmin):
    list_display = ["title", "portal", "published_from", "published_until", "position", "is_active"]
    list_filter = ["portal", "is_active"]
    list_editable = ["position", "is_active"]
    search_fields = ["title", "body"]


@admin.register(Advisor)
class AdvisorAdmin(admin.ModelAdmin):
    list_display = ["name", "function", "phone", "email", "region", "is_active"]
    list_filter = ["region", "is_active"]
    search_fields = ["name", "email", "organisations__name", "organisations__member_number"]
    autocomplete_fields = ["organisations"]
