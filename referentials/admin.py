"""The referentials in the back office: consulted, searched, filtered and occasionally corrected, never created by
hand (the loader does that from the open-data files, and a later load overwrites manual corrections)."""

from django.contrib import admin

from referentials.models import CertificationLink, CollectiveAgreement, Diploma, RncpCertification, TrainingCentre


class ReferentialAdmin(admin.ModelAdmin):
    """Search with the referential's own look-up (codes by prefix, title words without accents, trigram index)
    rather than the admin's default icontains over every column."""

    search_help_text = "Code (début) ou mots de l'intitulé, sans tenir compte des accents ni des majuscules."
    show_full_result_count = False  # no COUNT(*) of the whole table on every page
    list_per_page = 50

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        return queryset.matching(search_term), False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, self.key_field] if obj else self.readonly_fields


@admin.register(TrainingCentre)
class TrainingCentreAdmin(ReferentialAdmin):
    key_field = "uai"
    list_display = ["uai", "name", "siret", "postal_code", "city", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["uai"]  # shows the search box; the search itself is get_search_results
    readonly_fields = ["updated_at"]
    fieldsets = [
        (None, {"fields": ["uai", "siret", "name", "sign", "is_active"]}),
        (
            "Adresse",
            {"fields": ["street_number", "repetition_index", "street", "address_complement", "postal_code", "city"]},
        ),
        (None, {"fields": ["updated_at"]}),
    ]


class DiplomaLinkInline(admin.TabularInline):
    model = CertificationLink
    fk_name = "diploma"
    verbose_name = "certification RNCP liée"
    verbose_name_plural = "certifications RNCP liées"
    fields = ["rncp"]
    readonly_fields = ["rncp"]
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("rncp")

    def has_add_permission(self, request, obj=None):
        return False


class RncpLinkInline(admin.TabularInline):
    model = CertificationLink
    fk_name = "rncp"
    verbose_name = "code diplôme lié"
    verbose_name_plural = "codes diplôme liés"
    fields = ["diploma"]
    readonly_fields = ["diploma"]
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("diploma")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Diploma)
class DiplomaAdmin(ReferentialAdmin):
    key_field = "cfd"
    list_display = ["cfd", "title", "short_title", "level", "diploma_type_code", "closed_on"]
    list_filter = ["level", "diploma_type_code", "short_title"]
    search_fields = ["cfd"]
    readonly_fields = ["diploma_type_code", "updated_at"]
    fields = ["cfd", "title", "short_title", "level", "diploma_type_code", "closed_on", "updated_at"]
    inlines = [DiplomaLinkInline]


@admin.register(RncpCertification)
class RncpCertificationAdmin(ReferentialAdmin):
    key_field = "code"
    list_display = ["code", "title", "short_title", "level", "is_active", "registration_ends_on"]
    list_filter = ["is_active", "level"]
    search_fields = ["code"]
    readonly_fields = ["updated_at"]
    fields = ["code", "title", "short_title", "level", "is_active", "registration_ends_on", "updated_at"]
    inlines = [RncpLinkInline]


@admin.register(CollectiveAgreement)
class CollectiveAgreementAdmin(ReferentialAdmin):
    key_field = "idcc"
    list_display = ["idcc", "title", "in_force", "legal_status"]
    list_filter = ["in_force", "legal_status"]
    search_fields = ["idcc"]
    readonly_fields = ["updated_at"]
    fields = ["idcc", "title", "in_force", "legal_status", "updated_at"]
