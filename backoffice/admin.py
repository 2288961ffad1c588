"""The back office's own pages: CSV imports of the registries (with their reports) and the history of changes."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from accounts.models import Region
from backoffice import dossier_admin, outbox_admin  # noqa: F401  (register the Dossier and outbox admins)
from backoffice.imports import ESTABLISHMENT_COLUMNS, ORGANISATION_COLUMNS, REFERENTIALS, run_import
from backoffice.models import ImportKind, ImportRun, StaffProfile
from common.admin_helpers import ReadOnlyAdminMixin, admin_page
from common.formats import counted
from common.forms import CleanTextFormMixin
from referentials.importers import expected_header

MAX_IMPORT_BYTES = 50 * 1024 * 1024


class ImportForm(CleanTextFormMixin, forms.Form):
    kind = forms.ChoiceField(label="Registre", choices=ImportKind.choices)
    referential = forms.ChoiceField(
        label="Référentiel du CERFA",
        choices=[("", "—")] + list(REFERENTIALS.items()),
        required=False,
        help_text="Seulement pour « Référentiel du CERFA ».",
    )
    file = forms.FileField(label="Fichier CSV", help_text="UTF-8, séparateur « ; » (ou « , »), en-tête en 1re ligne.")

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if uploaded.size > MAX_IMPORT_BYTES:
            raise ValidationError("Le fichier dépasse 50 Mo.")
        return uploaded

    def clean(self):
        data = super().clean()
        if data.get("kind") == ImportKind.REFERENTIAL and not data.get("referential"):
            self.add_error("referential", "Choisissez le référentiel à importer.")
        return data


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    """ "Importer un fichier CSV" (the add button) and the list of past imports with their reports."""

    list_display = ["imported_at", "kind", "file_name", "imported_by", "read", "created", "updated", "rejected"]
    list_filter = ["kind"]
    list_select_related = ["imported_by"]
    readonly_fields = [
        "kind",
        "file_name",
        "imported_by",
        "imported_at",
        "read",
        "created",
        "updated",
        "unchanged",
        "rejected",
        "rejections",
    ]
    exclude = ["report"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            admin_page(self, "importer/", self.import_view, "backoffice_importrun_import"),
            *super().get_urls(),
        ]

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        return redirect("admin:backoffice_importrun_import")

    def import_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                run = run_import(
                    kind=form.cleaned_data["kind"],
                    referential=form.cleaned_data["referential"],
                    uploaded_file=form.cleaned_data["file"],
                    user=request.user,
                )
            except ValidationError as error:
                form.add_error("file", error)
            else:
                level = messages.WARNING if run.rejected else messages.SUCCESS
                self.message_user(
                    request,
                    f"Import terminé : {counted(run.read, 'ligne lue', 'lignes lues')}, "
                    f"{counted(run.created, 'créée')}, {counted(run.updated, 'mise à jour', 'mises à jour')}, "
                    f"{counted(run.unchanged, 'inchangée')}, {counted(run.rejected, 'rejetée')}.",
                    level,
                )
                return redirect(reverse("admin:backoffice_importrun_change", args=[run.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": "Importer un fichier CSV",
            "opts": self.opts,
            "form": form,
            "headers": [
                ("Entreprises adhérentes / organismes de formation", expected_header(ORGANISATION_COLUMNS)),
                ("Établissements", expected_header(ESTABLISHMENT_COLUMNS)),
            ],
        }
        return TemplateResponse(request, "admin/backoffice/importrun/import.html", context)

    @admin.display(description="lignes rejetées")
    def rejections(self, run):
        rows = run.report.get("rejections", [])
        if not rows:
            return "Aucune."
        return format_html(
            "<ul>{}</ul>", format_html_join("", "<li>Ligne {} : {}</li>", ((r["line"], r["reason"]) for r in rows))
        )


@admin.register(LogEntry)
class HistoryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Who changed what, when: the admin's own log, which the services also write to (common.history)."""

    list_display = ["action_time", "user", "content_type", "object_repr", "action_flag", "message"]
    list_filter = ["action_flag", "content_type"]
    search_fields = ["object_repr", "=object_id", "user__email"]
    list_select_related = ["user", "content_type"]
    date_hierarchy = "action_time"
    show_full_result_count = False

    @admin.display(description="modification")
    def message(self, entry):
        return entry.get_change_message()


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    """The regions of a regional manager (superusers and administrators set them)."""

    list_display = ["user", "region_names"]
    search_fields = ["user__email", "user__last_name"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]

    @admin.display(description="régions")
    def region_names(self, profile):
        labels = dict(Region.choices)
        return ", ".join(labels.get(code, code) for code in profile.regions) or "—"

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "regions":
            return forms.TypedMultipleChoiceField(
                label="Régions", choices=Region.choices, required=False, widget=forms.CheckboxSelectMultiple
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)
