from django.contrib import admin

from dossiers.models import Document, Dossier, Enrolment


class EnrolmentInline(admin.TabularInline):
    model = Enrolment
    extra = 0
    autocomplete_fields = ["person"]


class DocumentInline(admin.TabularInline):
    model = Document
    fk_name = "dossier"
    extra = 0
    fields = ["direction", "kind", "name", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = ["size", "uploaded_by", "uploaded_at"]


@admin.register(Dossier)
class DossierAdmin(admin.ModelAdmin):
    list_display = ["number", "request_number", "scheme", "status", "title", "employer_establishment", "start_date"]
    list_filter = ["status", "scheme", "employer_establishment__region", "case_manager"]
    search_fields = [
        "number",
        "request_number",
        "employer_establishment__siret",
        "employer_establishment__name",
        "enrolments__person__last_name",
    ]
    list_select_related = ["employer_establishment"]
    autocomplete_fields = ["employer_establishment", "provider_establishment", "created_by"]
    date_hierarchy = "start_date"
    inlines = [EnrolmentInline, DocumentInline]
    show_full_result_count = False


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "direction", "dossier", "establishment", "size", "uploaded_at"]
    list_filter = ["kind", "direction"]
    search_fields = ["name", "dossier__number", "establishment__siret"]
    list_select_related = ["dossier", "establishment"]
    raw_id_fields = ["dossier", "establishment", "uploaded_by"]
    readonly_fields = ["size", "checksum", "content_type", "uploaded_at"]
