"""Funding requests in the back office: consulted, never edited (the company fills them in, the transmission turns
them into dossiers, which case managers handle in the dossier admin). Deleting a draft goes through the same
service as the portal (its files are removed with it); a transmitted request cannot be deleted."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from dossiers.cerfa import FIELDS, SECTIONS, fields_in
from funding import services
from funding.models import FundingRequest, RequestDocument
from funding.pdf import format_value


class RequestDocumentInline(admin.TabularInline):
    model = RequestDocument
    extra = 0
    can_delete = False
    fields = ["kind", "name", "content_type", "size", "checksum", "uploaded_by", "uploaded_at"]
    readonly_fields = fields
    show_change_link = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("uploaded_by")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# What a case manager reads of a request; none of it is edited here (the user's draft is theirs).
SUMMARY_FIELDS = [
    "public_id",
    "kind",
    "status",
    "employer_establishment",
    "current_step",
    "created_by",
    "created_at",
    "updated_at",
    "submitted_at",
    "dossier_link",
]


@admin.register(FundingRequest)
class FundingRequestAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "status", "employer_establishment", "created_by", "updated_at", "dossier_link"]
    list_display_links = ["__str__"]
    list_filter = ["status", "kind", "employer_establishment__region", "current_step"]
    search_fields = [
        "employer_establishment__siret",
        "employer_establishment__name",
        "dossier__number",
        "dossier__request_number",
    ]
    search_help_text = "SIRET ou raison sociale de l'établissement, n° de dossier ou de demande."
    list_select_related = ["employer_establishment", "created_by", "dossier"]
    date_hierarchy = "updated_at"
    show_full_result_count = False
    inlines = [RequestDocumentInline]
    fieldsets = [
        (
            None,
            {"fields": SUMMARY_FIELDS},
        ),
        ("Données saisies", {"fields": ["data_table"]}),
    ]
    readonly_fields = [*SUMMARY_FIELDS, "data_table"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("employer_establishment__organisation", "created_by", "dossier")
        )

    @admin.display(description="dossier", ordering="dossier__number")
    def dossier_link(self, obj):
        if obj.dossier is None:
            return "—"
        url = reverse("admin:dossiers_dossier_change", args=[obj.dossier.pk])
        return format_html('<a href="{}">{}</a>', url, obj.dossier.number)

    @admin.display(description="données saisies")
    def data_table(self, obj):
        """The data as the CERFA prints it, section by section (label → value); keys that are not CERFA fields
        (set by the wizard) at the end."""
        data = obj.data or {}
        blocks = []
        for section_id, title in SECTIONS.items():
            rows = [
                (field.label, format_value(field, data[field.id]))
                for field in fields_in(section_id)
                if data.get(field.id) not in (None, "")
            ]
            if rows:
                blocks.append((title, rows))
        others = [(key, str(value)) for key, value in data.items() if key not in FIELDS]
        if others:
            blocks.append(("Autres données", others))
        if not blocks:
            return "Aucune donnée saisie."
        body = format_html_join(
            "",
            '<tr><th colspan="2" style="background:var(--darkened-bg)">{}</th></tr>{}',
            (
                (title, format_html_join("", "<tr><td>{}</td><td><strong>{}</strong></td></tr>", rows))
                for title, rows in blocks
            ),
        )
        return format_html('<table class="funding-data">{}</table>', body)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or obj.is_draft)

    def delete_model(self, request, obj):
        services.delete_draft(obj)

    def delete_queryset(self, request, queryset):
        refused = 0
        for funding_request in queryset:
            try:
                services.delete_draft(funding_request)
            except ValidationError:
                refused += 1
        if refused:
            self.message_user(
                request, f"{refused} demande(s) transmise(s) n'ont pas été supprimées.", level=messages.WARNING
            )
