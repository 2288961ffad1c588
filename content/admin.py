from django.contrib import admin

from content.models import Advisor, Announcement, HelpResource


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


@admin.register(HelpResource)
class HelpResourceAdmin(admin.ModelAdmin):
    """The help of the portals' home pages: the printable guide, the "modes opératoires", the regulatory
    information; a page shows the text, a PDF is generated from it."""

    list_display = ["title", "portal", "section", "kind", "position", "is_published", "updated_at"]
    list_filter = ["portal", "section", "kind", "is_published"]
    list_editable = ["position", "is_published"]
    search_fields = ["title", "summary", "body"]
    prepopulated_fields = {"slug": ["title"]}
    fieldsets = [
        (None, {"fields": ["portal", "section", "kind", "title", "slug", "position", "is_published"]}),
        ("Contenu", {"fields": ["summary", "body"]}),
    ]
