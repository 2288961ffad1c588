"""Funding requests in the back office: consulted, never edited (the company fills them in, the transmission turns
them into dossiers, which case managers handle in the dossier admin). Deleting a draft goes through the same
service as the portal (its files are removed with it); a transmitted request cannot be deleted."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from accounts.staff_access import RegionScopedAdminMixin
from common.admin_helpers import ReadOnlyInline, admin_page, decision_page
from common.formats import counted
from dossiers.cerfa import FIELDS, SECTIONS, fields_in
from funding import avenants, ruptures, services
from funding.models import (
    ContractRupture,
    FundingRequest,
    FundingRule,
    PlanModule,
    PlanTrainee,
    RequestDocument,
    RequestKind,
    RequestStatus,
)
from funding.pdf import format_value


class RequestDocumentInline(ReadOnlyInline):
    model = RequestDocument
    fields = ["kind", "name", "content_type", "size", "checksum", "uploaded_by", "uploaded_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("uploaded_by")


class PlanTraineeInline(ReadOnlyInline):
    """The trainees of a plan request, with what the regulation asks for each (NIR, birth date, address)."""

    model = PlanTrainee
    verbose_name_plural = "stagiaires (plan de développement des compétences)"
    fields = ["person", "nir", "birth_date", "address", "job_title", "category"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("person")

    @admin.display(description="NIR")
    def nir(self, obj):
        return obj.person.nir or "—"

    @admin.display(description="date de naissance")
    def birth_date(self, obj):
        return obj.person.birth_date or "—"

    @admin.display(description="adresse")
    def address(self, obj):
        person = obj.person
        return " ".join(filter(None, [person.address_line1, person.postal_code, person.city])) or "—"


class PlanModuleInline(ReadOnlyInline):
    """The modules of a plan request; a provider entered by SIRET (not in the registry) is flagged."""

    model = PlanModule
    verbose_name_plural = "modules (plan de développement des compétences)"
    fields = [
        "title",
        "provider",
        "start_date",
        "end_date",
        "hours",
        "teaching_cost",
        "travel_cost",
        "meal_cost",
        "lodging_cost",
        "trainee_names",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return (
            super().get_queryset(request).select_related("provider_establishment").prefetch_related("trainees__person")
        )

    @admin.display(description="organisme de formation")
    def provider(self, obj):
        if obj.provider_establishment_id:
            establishment = obj.provider_establishment
            return f"{establishment.name} (SIRET {establishment.siret})"
        if obj.provider_siret:
            return format_html(
                '<strong style="color:var(--error-fg)">À vérifier — organisme non référencé : {} (SIRET {})</strong>',
                obj.provider_name or "sans nom",
                obj.provider_siret,
            )
        return "—"

    @admin.display(description="stagiaires")
    def trainee_names(self, obj):
        return ", ".join(str(trainee.person) for trainee in obj.trainees.all()) or "—"


class UnknownProviderFilter(admin.SimpleListFilter):
    title = "organisme non référencé"
    parameter_name = "organisme_inconnu"

    def lookups(self, request, model_admin):
        return [("oui", "À vérifier (organisme saisi par SIRET)")]

    def queryset(self, request, queryset):
        if self.value() == "oui":
            return queryset.filter(Exists(unknown_provider_modules()))
        return queryset


def unknown_provider_modules():
    return PlanModule.objects.filter(request=OuterRef("pk"), provider_establishment__isnull=True).exclude(
        provider_siret=""
    )


# What a case manager reads of a request; none of it is edited here (the user's draft is theirs).
SUMMARY_FIELDS = [
    "public_id",
    "kind",
    "status",
    "employer_establishment",
    "current_step",
    "created_by",
    "proposed_by_provider",
    "employer_took_over_at",
    "created_at",
    "updated_at",
    "submitted_at",
    "dossier_link",
    "avenant_summary",
    "attention_points",
]


@admin.register(FundingRequest)
class FundingRequestAdmin(RegionScopedAdminMixin, admin.ModelAdmin):
    list_display = [
        "__str__",
        "kind",
        "status",
        "employer_establishment",
        "created_by",
        "updated_at",
        "dossier_link",
        "provider_flag",
    ]
    list_display_links = ["__str__"]
    list_filter = ["status", "kind", UnknownProviderFilter, "employer_establishment__region", "current_step"]
    search_fields = [
        "employer_establishment__siret",
        "employer_establishment__name",
        "dossier__number",
        "dossier__request_number",
        "amended_dossier__number",
    ]
    search_help_text = "SIRET ou raison sociale de l'établissement, n° de dossier ou de demande."
    list_select_related = ["employer_establishment", "created_by", "dossier"]
    date_hierarchy = "updated_at"
    show_full_result_count = False
    inlines = [RequestDocumentInline, PlanTraineeInline, PlanModuleInline]
    fieldsets = [
        (
            None,
            {"fields": SUMMARY_FIELDS},
        ),
        ("Données saisies", {"fields": ["data_table"]}),
    ]
    readonly_fields = [*SUMMARY_FIELDS, "data_table"]
    region_lookups = ("employer_establishment__region",)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("employer_establishment__organisation", "created_by", "dossier")
            .annotate(has_unknown_provider=Exists(unknown_provider_modules()))
        )

    def get_inlines(self, request, obj):
        if obj is not None and obj.kind == RequestKind.PLAN:
            return self.inlines
        return [RequestDocumentInline]

    @admin.display(description="à vérifier", boolean=True, ordering="has_unknown_provider")
    def provider_flag(self, obj):
        """A plan request with a provider entered by SIRET, not in the registry: the case manager checks it."""
        return True if getattr(obj, "has_unknown_provider", False) else None

    @admin.display(description="dossier", ordering="dossier__number")
    def dossier_link(self, obj):
        if obj.dossier is None:
            return "—"
        url = reverse("admin:dossiers_dossier_change", args=[obj.dossier.pk])
        return format_html('<a href="{}">{}</a>', url, obj.dossier.number)

    @admin.display(description="avenant")
    def avenant_summary(self, obj):
        """An avenant: its number, the contract it changes and what it changes, field by field."""
        if obj.kind != RequestKind.AVENANT or obj.amended_dossier_id is None:
            return "—"
        url = reverse("admin:dossiers_dossier_change", args=[obj.amended_dossier_id])
        before = avenants.contract_in_force(obj.amended_dossier, before_sequence=obj.avenant_sequence)
        changes = avenants.changes_between(before, obj.data)
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td><strong>{}</strong></td></tr>",
            ((c.label, c.before, c.after) for c in changes),
        )
        decision = format_html("<p>Motif / pièces : {}</p>", obj.decision_note) if obj.decision_note else ""
        return format_html(
            '<p>Avenant n° <strong>{}</strong> au contrat <a href="{}">{}</a> — type {} : {}</p>{}'
            "<table><tr><th>Champ</th><th>Avant</th><th>Après</th></tr>{}</table>",
            obj.avenant_number,
            url,
            obj.amended_dossier.number,
            obj.data.get(avenants.TYPE, ""),
            avenants.CONTRAT_TYPE.label(obj.data.get(avenants.TYPE, "")) or "",
            decision,
            rows or format_html("<tr><td colspan='3'>{}</td></tr>", "Aucun changement saisi."),
        )

    def get_urls(self):
        return [
            admin_page(
                self, "<path:object_id>/avenant/<str:decision>/", self.avenant_decision_view, "funding_avenant_decision"
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        extra_context = extra_context or {}
        if (
            obj is not None
            and obj.kind == RequestKind.AVENANT
            and request.user.has_perm("dossiers.instruct_dossier")
            and obj.status in (RequestStatus.SUBMITTED, RequestStatus.INCOMPLETE)
        ):
            extra_context["transitions"] = [
                (label, reverse("admin:funding_avenant_decision", args=[obj.pk, code]))
                for code, label in AVENANT_DECISIONS.items()
            ]
        return super().change_view(request, object_id, form_url, extra_context)

    def avenant_decision_view(self, request, object_id, decision):
        """Accept, mark incomplete (the missing documents) or refuse (the reason) a transmitted avenant."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None or obj.kind != RequestKind.AVENANT or decision not in AVENANT_DECISIONS:
            raise Http404("Aucun avenant ne correspond à cette adresse.")
        if not request.user.has_perm("dossiers.instruct_dossier"):
            raise PermissionDenied
        return decision_page(
            self,
            request,
            obj,
            label=AVENANT_DECISIONS[decision],
            note_label=AVENANT_NOTE_LABELS.get(decision, ""),
            allowed=obj.status in (RequestStatus.SUBMITTED, RequestStatus.INCOMPLETE),
            decide=lambda note: avenants.decide(obj, request.user, decision, note),
            done_message=lambda: (
                f"Avenant {obj.avenant_number} : {obj.get_status_display()}. L'entreprise en est informée par un "
                "message dans le dossier."
            ),
            template="admin/funding/fundingrequest/avenant_decision.html",
            title=f"{AVENANT_DECISIONS[decision]} — avenant {obj.avenant_number}",
        )

    @admin.display(description="points d'attention")
    def attention_points(self, obj):
        """What the case manager checks beyond the CERFA's rules (the answers that lift one of them)."""
        if obj.retakes_diploma_after_failure:
            return format_html(
                '<strong style="color:var(--error-fg)">{}</strong>',
                "Pas de limite d'âge : l'apprenti(e) prépare à nouveau le même diplôme après un échec, avec un autre "
                "employeur (art. L. 6222-11) — vérifiez le contrat précédent et le résultat de l'examen.",
            )
        return "—"

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
                request,
                f"{counted(refused, 'demande transmise', 'demandes transmises')} : "
                "une demande transmise n'est jamais supprimée.",
                level=messages.WARNING,
            )


@admin.register(FundingRule)
class FundingRuleAdmin(admin.ModelAdmin):
    """The funding rules per year, scheme and company size: what the portal's estimate of a plan request uses."""

    list_display = ["year", "scheme", "company_size", "hourly_ceiling", "funding_rate", "annex_hourly_ceiling"]
    list_filter = ["year", "scheme", "company_size"]
    list_editable = ["hourly_ceiling", "funding_rate", "annex_hourly_ceiling"]
    ordering = ["-year", "scheme", "company_size"]
    fieldsets = [
        (None, {"fields": ["year", "scheme", "company_size"]}),
        (
            "Barème",
            {
                "fields": ["hourly_ceiling", "funding_rate", "annex_hourly_ceiling"],
                "description": "Coût pédagogique pris en charge : taux × coût HT, dans la limite du plafond horaire × "
                "heures × stagiaires. Frais annexes : dans la limite de leur plafond horaire × heures × stagiaires.",
            },
        ),
    ]


AVENANT_DECISIONS = {
    RequestStatus.ACCEPTED: "Accepter l'avenant",
    RequestStatus.INCOMPLETE: "Marquer l'avenant incomplet",
    RequestStatus.REFUSED: "Refuser l'avenant",
}
# What the company is told besides the decision (required): the missing documents, the refusal's reason.
AVENANT_NOTE_LABELS = {
    RequestStatus.INCOMPLETE: "Pièces manquantes (message à l'entreprise)",
    RequestStatus.REFUSED: "Motif du refus",
}


class RuptureQueueFilter(admin.SimpleListFilter):
    title = "prise en compte"
    parameter_name = "a_traiter"

    def lookups(self, request, model_admin):
        return [("oui", "À prendre en compte"), ("non", "Prises en compte")]

    def queryset(self, request, queryset):
        if self.value() == "oui":
            return queryset.filter(acknowledged_at__isnull=True)
        if self.value() == "non":
            return queryset.filter(acknowledged_at__isnull=False)
        return queryset


@admin.register(ContractRupture)
class ContractRuptureAdmin(RegionScopedAdminMixin, admin.ModelAdmin):
    """The ruptures the companies declared, in the case managers' queue (the dossier is already "Rompu"): they read
    it, check the signed document on the dossier and mark it taken into account. Nothing is edited here."""

    list_display = [
        "dossier",
        "company",
        "rupture_date",
        "reason_label",
        "initiative_label",
        "declared_at",
        "acknowledged",
    ]
    list_filter = [RuptureQueueFilter, "dossier__employer_establishment__region"]
    search_fields = [
        "dossier__number",
        "dossier__employer_establishment__siret",
        "dossier__employer_establishment__name",
    ]
    list_select_related = ["dossier__employer_establishment"]
    readonly_fields = [
        "dossier_link",
        "rupture_date",
        "previous_end_date",
        "reason_label",
        "initiative_label",
        "practical_days",
        "practical_days_estimated",
        "document",
        "declared_by",
        "declared_at",
        "acknowledged_by",
        "acknowledged_at",
    ]
    fields = readonly_fields
    actions = ["acknowledge"]
    region_lookups = ("dossier__employer_establishment__region",)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="entreprise")
    def company(self, obj):
        return obj.dossier.employer_establishment.name

    @admin.display(description="motif")
    def reason_label(self, obj):
        return obj.reason_label

    @admin.display(description="à l'initiative de")
    def initiative_label(self, obj):
        return obj.initiative_label

    @admin.display(description="prise en compte", boolean=True)
    def acknowledged(self, obj):
        return obj.acknowledged_at is not None

    @admin.display(description="dossier")
    def dossier_link(self, obj):
        url = reverse("admin:dossiers_dossier_change", args=[obj.dossier_id])
        return format_html('<a href="{}">{}</a>', url, obj.dossier)

    @admin.action(description="Marquer les ruptures sélectionnées comme prises en compte", permissions=["change"])
    def acknowledge(self, request, queryset):
        count = ruptures.acknowledge(queryset, request.user)
        self.message_user(request, f"{count} rupture(s) marquée(s) comme prise(s) en compte.", messages.SUCCESS)
