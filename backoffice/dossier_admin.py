"""The back office of dossiers: the case managers' list and queue, the dossier page (trainees, documents, messages,
payments, history of its status) and the instruction actions, which call backoffice.instruction.

It lives in backoffice/ (registered by backoffice/admin.py) because it uses the back office's instruction and
access rules, messaging and payments: dossiers/ sits below all of them and imports none."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import quote, unquote
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import AutocompleteSelect, RelatedFieldWidgetWrapper
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.forms.models import ModelChoiceIterator
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from accounts.models import Establishment, Region, User
from accounts.staff_access import RegionScopedAdminMixin, request_limited_regions
from backoffice import instruction
from backoffice.dossier_panels import DossierPanels
from backoffice.site import KeptFormMixin
from common.admin_helpers import KeptRecordAdminMixin, ReadOnlyAdminMixin, admin_page, decision_page
from common.downloads import document_response
from common.formats import counted
from common.forms import CleanTextFormMixin
from common.paginators import EstimatedCountPaginator
from common.prepared import PreparedQuery
from common.uploads import check_upload
from deadlines.selectors import (
    DECISION_SOON_DAYS,
    REFUSAL_BY_SILENCE,
    pending_decision_date,
    pending_decisions_due_within,
    pending_decisions_overdue,
)
from deadlines.services import refresh_deadlines
from dossiers.models import Document, DocumentDirection, Dossier, DossierStatusChange, Enrolment
from messaging.admin import reply_url
from messaging.services import mark_company_messages_read

MINE = "moi"
# What the list's columns (DossierAdmin.list_display, the rows' links and checkboxes: Dossier.__str__) read.
LIST_COLUMNS = (
    "pk",
    "number",
    "request_number",
    "scheme",
    "status",
    "title",
    "start_date",
    "has_unread_company_messages",
    "employer_establishment__name",
    "case_manager__first_name",
    "case_manager__last_name",
    "case_manager__email",
)
# Read with the dossier on its page (one join each), shown as the autocomplete selects' selected options.
READ_WITH_THE_DOSSIER = ("employer_establishment", "provider_establishment")
# What a case manager's name in the filter and the select is made of (User.__str__): the rest of the row is not read.
CASE_MANAGER_LABEL = ("pk", *User.NAME_FIELDS)
# The case managers offered by the list's filter and the dossier's select, read on every view of either: the SQL is
# built once per process (common.prepared), the rows are read each time.
CASE_MANAGERS_OFFERED = PreparedQuery(
    lambda: instruction.case_manager_candidates().only(*CASE_MANAGER_LABEL), name="case managers offered"
)


class ReadAutocomplete(AutocompleteSelect):
    """An autocomplete select whose selected option may come from an object already read with the dossier
    (`known`, set by DossierForm) instead of a query per field. Anything else (a posted value that is not the
    dossier's, a queryset that filters) goes through Django's query."""

    known = None

    def optgroups(self, name, value, attr=None):
        selected_choices = {str(v) for v in value if str(v) not in self.choices.field.empty_values}
        known = self.known or {}
        remote = self.field.remote_field
        by_pk = remote.field_name == remote.model._meta.pk.name
        if not (by_pk and selected_choices <= known.keys()) or self.choices.queryset.query.has_filters():
            return super().optgroups(name, value, attr)
        # Django's AutocompleteMixin.optgroups, with its query's rows taken from `known` (primary keys only).
        default = (None, [], 0)
        has_selected = False
        if not self.is_required and not self.allow_multiple_selected:
            default[1].append(self.create_option(name, "", "", False, 0))
        for key in sorted(selected_choices, key=int):
            obj = known[key]
            option_value, option_label = obj.pk, self.choices.field.label_from_instance(obj)
            selected = str(option_value) in value and (has_selected is False or self.allow_multiple_selected)
            has_selected |= selected
            default[1].append(self.create_option(name, option_value, option_label, selected_choices, len(default[1])))
        return [default]


class DossierForm(CleanTextFormMixin, forms.ModelForm):
    """The dossier's page: its establishments, read with the dossier, are the selects' selected options."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in READ_WITH_THE_DOSSIER:
            field = self.fields.get(name)
            descriptor = getattr(Dossier, name).field
            if field is None or not descriptor.is_cached(self.instance):
                continue
            widget = getattr(field.widget, "widget", field.widget)  # inside the related links' wrapper
            related = descriptor.get_cached_value(self.instance)
            if isinstance(widget, ReadAutocomplete) and related is not None:
                widget.known = {str(related.pk): related}


class CaseManagerChoices(ModelChoiceIterator):
    """The select's options from CASE_MANAGERS_OFFERED: the same users as the field's queryset (the same
    builder), which still validates what is posted."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for user in CASE_MANAGERS_OFFERED():
            yield self.choice(user)

    def __len__(self):
        return len(CASE_MANAGERS_OFFERED()) + (self.field.empty_label is not None)


# A company-name search matching more establishments than this is narrowed to the first ones.
MAX_SEARCHED_ESTABLISHMENTS = 500


class EnrolmentForm(CleanTextFormMixin, forms.ModelForm):
    """ "Inscrire un stagiaire": a person Constructys knows (searched by name), once per dossier."""

    class Meta:
        model = Enrolment
        fields = ["person"]
        error_messages = {"person": {"required": "Choisissez le stagiaire à inscrire."}}

    def __init__(self, *args, admin_site, user, **kwargs):
        super().__init__(*args, **kwargs)
        person, field = Enrolment._meta.get_field("person"), self.fields["person"]
        # As the admin builds it (formfield_for_foreignkey): the select given its choices, then wrapped.
        field.widget = AutocompleteSelect(person, admin_site)
        field.widget.choices = field.choices
        field.widget = RelatedFieldWidgetWrapper(
            field.widget,
            person.remote_field,
            admin_site,
            can_add_related=user.has_perm("accounts.add_person"),
            can_change_related=False,
            can_view_related=False,
        )

    def clean_person(self):
        person = self.cleaned_data["person"]
        if Enrolment.objects.filter(dossier=self.instance.dossier, person=person).exists():
            raise ValidationError(ALREADY_ENROLLED)
        return person


ALREADY_ENROLLED = "Ce stagiaire est déjà inscrit sur ce dossier."


class IssuedDocumentForm(CleanTextFormMixin, forms.ModelForm):
    """A document Constructys issues on the dossier: the file goes through the same checks as the portals'."""

    class Meta:
        model = Document
        fields = ["kind", "name", "file"]

    def __init__(self, *args, admin_site, user, **kwargs):
        """`user` issues the document; `admin_site` as for EnrolmentForm (add_line_view builds both alike)."""
        super().__init__(*args, **kwargs)
        self.instance.uploaded_by = user
        self.fields["name"].required = False
        self.fields["name"].help_text = "Le nom du fichier si vide."
        self.fields["file"].error_messages["required"] = "Choisissez le fichier à émettre."

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if uploaded and not self.instance.pk:
            self.checked = check_upload(uploaded)
        return uploaded

    def save(self, commit=True):
        checked = getattr(self, "checked", None)
        if checked is not None and not self.instance.pk:
            document = self.instance
            document.direction = DocumentDirection.ISSUED
            document.name = document.name or checked.original_name
            document.file = checked.as_content_file()
            document.content_type, document.size, document.checksum = (
                checked.content_type,
                checked.size,
                checked.checksum,
            )
            saved = super().save(commit)
            if commit:
                saved.emit_issued()
            return saved
        return super().save(commit)


@dataclass(frozen=True)
class LineToAdd:
    """A line a case manager adds to a dossier on a page of its own (DossierAdmin.add_line_view)."""

    panel: str  # the list it goes to (backoffice.dossier_panels), which links to the page
    label: str
    permission: str
    form: type
    legend: str
    done: Callable  # the saved line -> the message shown back on the dossier's page
    multipart: bool = False


LINES_TO_ADD = {
    "stagiaire": LineToAdd(
        "trainees",
        "Inscrire un stagiaire",
        "dossiers.add_enrolment",
        EnrolmentForm,
        "Stagiaire à inscrire",
        lambda enrolment: f"{enrolment.person} est inscrit sur le dossier {enrolment.dossier.number}.",
    ),
    "document": LineToAdd(
        "documents",
        "Émettre un document",
        "dossiers.add_document",
        IssuedDocumentForm,
        "Document à émettre à l'entreprise",
        lambda document: (
            f"« {document.name} » est émis sur le dossier {document.dossier.number} : l'entreprise le trouve dans "
            "ses documents émis."
        ),
        multipart=True,
    ),
}


class CaseManagerFilter(admin.SimpleListFilter):
    title = "gestionnaire"
    parameter_name = "gestionnaire"

    def lookups(self, request, model_admin):
        staff = CASE_MANAGERS_OFFERED()
        return [(MINE, "Mes dossiers"), ("aucun", "Sans gestionnaire")] + [
            (str(user.pk), user.get_full_name() or user.email) for user in staff
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == MINE:
            return queryset.filter(case_manager=request.user)
        if value == "aucun":
            return queryset.filter(case_manager__isnull=True)
        if value and value.isdigit():
            return queryset.filter(case_manager_id=int(value))
        return queryset


class RegionFilter(admin.SimpleListFilter):
    title = "région"
    parameter_name = "region"

    def lookups(self, request, model_admin):
        return Region.choices

    def queryset(self, request, queryset):
        if self.value() in Region.values:
            return queryset.filter(employer_establishment__region=self.value())
        return queryset


class UnreadMessagesFilter(admin.SimpleListFilter):
    title = "messages de l'entreprise"
    parameter_name = "messages"

    def lookups(self, request, model_admin):
        return [("non-lus", "Messages non lus")]

    def queryset(self, request, queryset):
        if self.value() == "non-lus":
            return queryset.filter(has_unread_company_messages=True)
        return queryset


class DecisionDeadlineFilter(admin.SimpleListFilter):
    """The OPCO's 20 days (R.6224-3): past them without a decision, the request is refused by silence."""

    title = "délai de décision (20 jours)"
    parameter_name = "decision"

    def lookups(self, request, model_admin):
        return [("3-jours", "Décision due dans 3 jours"), ("depasse", "Délai de décision dépassé")]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "3-jours":
            return queryset.filter(pk__in=pending_decisions_due_within(DECISION_SOON_DAYS).values("dossier_id"))
        if value == "depasse":
            return queryset.filter(pk__in=pending_decisions_overdue().values("dossier_id"))
        return queryset


class DossierChangeList(ChangeList):
    """The list's links to the dossiers' pages: the URL is reversed once per page, not once per row; its rows read
    only the columns the list shows."""

    def get_results(self, request):
        super().get_results(request)
        # The rows shown, not what an action receives (response_action reads cl.get_queryset() itself).
        self.result_list = self.result_list.only(*LIST_COLUMNS)

    def url_for_result(self, result):
        prefix, suffix = self._change_url_around_pk()
        return f"{prefix}{quote(result.pk)}{suffix}"

    def linked_url_for_result(self, result):
        """url_for_result with the list's filters to come back to (add_preserved_filters, which resolves the URL
        each time): only the dossier's id differs from one row's link to the next (backoffice.changelist_rows)."""
        if not hasattr(self, "_linked_url"):
            context = {"preserved_filters": self.preserved_filters, "opts": self.opts}
            self._linked_url = self._around_marker(add_preserved_filters(context, self._change_url(self.MARKER)))
        prefix, suffix = self._linked_url
        return f"{prefix}{quote(result.pk)}{suffix}"

    MARKER = "0"  # a dossier's page is <prefix>/<pk>/change/; a query string has no "/" left (urlencode)

    def _change_url(self, pk):
        return reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
            args=(pk,),
            current_app=self.model_admin.admin_site.name,
        )

    def _around_marker(self, url):
        prefix, suffix = url.rsplit(f"/{self.MARKER}/", 1)
        return f"{prefix}/", f"/{suffix}"

    def _change_url_around_pk(self):
        if not hasattr(self, "_change_url_parts"):
            self._change_url_parts = self._around_marker(self._change_url(self.MARKER))
        return self._change_url_parts


@admin.register(Dossier)
class DossierAdmin(KeptFormMixin, RegionScopedAdminMixin, KeptRecordAdminMixin, admin.ModelAdmin):
    """Filters by status, scheme, region, case manager and unread company messages; "Mes dossiers" is the case
    manager's own queue, dossiers with unread company messages first. The status changes only through the
    instruction actions (buttons of the dossier page, and bulk actions of the list)."""

    list_display = [
        "number",
        "request_number",
        "scheme",
        "status",
        "title",
        "employer",
        "case_manager",
        "start_date",
        "decision_due",
        "unread",
    ]
    list_filter = ["status", "scheme", RegionFilter, CaseManagerFilter, UnreadMessagesFilter, DecisionDeadlineFilter]
    search_fields = ["number"]  # shows the search box; get_search_results does the indexed search
    search_help_text = "N° de dossier ou de demande, SIRET, raison sociale de l'entreprise ou nom du stagiaire."
    list_select_related = ["employer_establishment", "case_manager"]
    form = DossierForm
    autocomplete_fields = ["employer_establishment", "provider_establishment", "created_by"]
    readonly_fields = ["status", "created_by", "created_at", "updated_at"]
    # What the company's request and the transmission fixed: shown on a dossier's page, never edited there.
    fixed_after_creation = ["number", "request_number", "start_date", "end_date"]
    # No inline: its trainees, documents, messages, payment lines and history are read-only lists
    # (backoffice.dossier_panels), and a trainee or a document is added on a page of its own (add_line_view).
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    list_per_page = 50
    actions = ["mark_received", "accept", "close"]
    region_lookups = ("employer_establishment__region",)  # the dossier's region is its company's (RegionFilter)

    # --- list ----------------------------------------------------------------------------------------------------

    def get_changelist(self, request, **kwargs):
        return DossierChangeList

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return [*self.fixed_after_creation, *fields] if obj is not None else fields

    _fields_by_exclusions: ClassVar[dict] = {}

    def get_fields(self, request, obj=None):
        """Django builds a whole form (widgets, the case managers' queryset, permission checks for the related
        links) only to read its field names, then builds it again: the names depend only on which fields are
        read-only or excluded, so they are kept per process."""
        key = (tuple(self.get_readonly_fields(request, obj)), tuple(self.get_exclude(request, obj) or ()))
        fields = self._fields_by_exclusions.get(key)
        if fields is None:
            fields = self._fields_by_exclusions[key] = tuple(super().get_fields(request, obj))
        return list(fields)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in READ_WITH_THE_DOSSIER and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = ReadAutocomplete(db_field, self.admin_site, using=kwargs.get("using"))
        if db_field.name == "case_manager":
            kwargs["queryset"] = instruction.case_manager_candidates().only(*CASE_MANAGER_LABEL)
            field = super().formfield_for_foreignkey(db_field, request, **kwargs)
            field.iterator = CaseManagerChoices
            field.widget.choices = field.choices
            return field
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_ordering(self, request):
        if request.GET.get(CaseManagerFilter.parameter_name) == MINE:
            return ["-has_unread_company_messages", "-start_date", "-id"]
        return super().get_ordering(request)

    def get_search_results(self, request, queryset, search_term):
        """Indexed look-ups only: numbers by prefix (B-tree pattern index), a SIRET exactly, names with the trigram
        indexes of establishments and persons. The matching establishments are read first (capped), so that
        PostgreSQL combines the dossiers' employer and provider indexes."""
        term = search_term.strip()
        if not term:
            return queryset, False
        compact = term.replace(" ", "")
        if compact.isdigit() and len(compact) == 14:
            query = self._of_establishments(Establishment.objects.filter(siret=compact))
        elif compact.replace(".", "").isdigit():
            query = Q(number__startswith=compact) | Q(request_number__startswith=compact)
            if len(compact) == 9 and compact.isdigit():  # a SIREN: every establishment of the organisation
                query |= self._of_establishments(Establishment.objects.filter(organisation__siren=compact))
        else:
            query = self._of_establishments(Establishment.objects.filter(name__icontains=term)) | Q(
                pk__in=Enrolment.objects.filter(person__last_name__icontains=term).values("dossier_id")
            )
        return queryset.filter(query), False

    @staticmethod
    def _of_establishments(establishments):
        """Dossiers employed or trained by these establishments; their ids are read first (one small indexed query)
        so that PostgreSQL combines the employer and provider indexes of the dossiers."""
        ids = list(establishments.values_list("pk", flat=True)[:MAX_SEARCHED_ESTABLISHMENTS])
        return Q(employer_establishment_id__in=ids) | Q(provider_establishment_id__in=ids)

    @admin.display(description="entreprise", ordering="employer_establishment__name")
    def employer(self, dossier):
        return dossier.employer_establishment.name

    def get_queryset(self, request):
        # The date the OPCO must decide by, in the list's own query (a subquery on the échéances' partial index).
        return super().get_queryset(request).annotate(decision_due_on=pending_decision_date())

    @admin.display(description="décision due le", ordering="decision_due_on")
    def decision_due(self, dossier):
        due = getattr(dossier, "decision_due_on", None)
        if due is None:
            return ""
        today = timezone.localdate()
        text = due.strftime("%d/%m/%Y")
        if due < today:
            return format_html('<span class="badge-unread" title="{}">{} — dépassé</span>', REFUSAL_BY_SILENCE, text)
        if due <= today + datetime.timedelta(days=DECISION_SOON_DAYS):
            return format_html('<strong title="{}">{}</strong>', REFUSAL_BY_SILENCE, text)
        return text

    @admin.display(description="messages", ordering="has_unread_company_messages")
    def unread(self, dossier):
        if dossier.has_unread_company_messages:
            return format_html('<span class="badge-unread">{}</span>', "Non lu")
        return ""

    # --- permissions of the instruction ----------------------------------------------------------------------------

    def has_instruct_permission(self, request):
        return request.user.has_perm("dossiers.instruct_dossier")

    def has_close_permission(self, request):
        return request.user.has_perm("dossiers.close_dossier")

    def _bulk(self, request, queryset, code):
        done, refused = [], []
        for dossier in queryset.order_by("number"):
            try:
                instruction.change_status(dossier, request.user, code)
            except ValidationError as error:
                refused.append(" ".join(error.messages))
            else:
                done.append(dossier.number)
        label = instruction.TRANSITIONS[code].label
        if done:
            self.message_user(
                request, f"{label} : {counted(len(done), 'dossier')} ({', '.join(done)}).", messages.SUCCESS
            )
        for message in refused:
            self.message_user(request, message, messages.WARNING)

    @admin.action(description="Marquer reçu", permissions=["instruct"])
    def mark_received(self, request, queryset):
        self._bulk(request, queryset, "received")

    @admin.action(description="Accepter (émet l'accord de prise en charge)", permissions=["instruct"])
    def accept(self, request, queryset):
        self._bulk(request, queryset, "accept")

    @admin.action(description="Solder", permissions=["close"])
    def close(self, request, queryset):
        self._bulk(request, queryset, "close")

    # --- the dossier's page ----------------------------------------------------------------------------------------

    def get_urls(self):
        return [
            admin_page(self, "<path:object_id>/etat/<str:code>/", self.transition_view, "dossiers_dossier_transition"),
            admin_page(self, "<path:object_id>/ajouter/<str:line>/", self.add_line_view, "dossiers_dossier_add_line"),
            *super().get_urls(),
        ]

    def get_object(self, request, object_id, from_field=None):
        """Read once per request: change_view reads the dossier for its buttons before Django's view reads it."""
        key = (object_id, from_field)
        cached = getattr(request, "_dossier_admin_object", None)
        if cached is not None and cached[0] == key:
            return cached[1]
        dossier = self._get_object_with_establishments(request, object_id, from_field)
        request._dossier_admin_object = (key, dossier)
        return dossier

    def _get_object_with_establishments(self, request, object_id, from_field):
        """Django's get_object, with the establishments the page shows read in the same query (prepared: the SQL
        is built once per process) and without the list's columns."""
        field = Dossier._meta.pk if from_field is None else Dossier._meta.get_field(from_field)
        try:
            value = field.to_python(object_id)
        except (ValidationError, ValueError):
            return None
        if from_field is None:
            return _PAGE_DOSSIER.first(value, request_limited_regions(request))
        queryset = self.get_queryset(request).select_related(*READ_WITH_THE_DOSSIER)
        return queryset.filter(**{field.name: value}).first()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        dossier = self.get_object(request, unquote(object_id))
        extra_context = extra_context or {}
        if dossier is not None:
            extra_context["transitions"] = [
                (t, reverse("admin:dossiers_dossier_transition", args=[dossier.pk, t.code]))
                for t in instruction.available_transitions(dossier, request.user)
            ]
            if request.user.has_perm("messaging.add_message"):
                extra_context["reply_url"] = reply_url(dossier.pk)
            extra_context["dossier_panels"] = DossierPanels(dossier.pk, request.user, self.add_links(request, dossier))
        response = super().change_view(request, object_id, form_url, extra_context)
        if dossier is not None and request.method == "GET" and response.status_code == 200:
            # Rendered first, so that this visit still shows which messages were new.
            response.render()
            mark_company_messages_read(dossier, request.user)
        return response

    def save_related(self, request, form, formsets, change):
        """After the dossier and its inlines are saved (new dates, documents received): its échéances follow, in the
        same transaction."""
        super().save_related(request, form, formsets, change)
        refresh_deadlines(form.instance)

    def may_add(self, request, dossier, line: "LineToAdd") -> bool:
        """Adding a trainee or a document changes the dossier: both permissions are needed (as for an inline)."""
        return self.has_change_permission(request, dossier) and request.user.has_perm(line.permission)

    def add_links(self, request, dossier) -> dict[str, tuple[str, str]]:
        """{list key: (URL, label)} of the pages that add lines to the dossier's lists, for who may use them."""
        return {
            line.panel: (reverse("admin:dossiers_dossier_add_line", args=[dossier.pk, slug]), line.label)
            for slug, line in LINES_TO_ADD.items()
            if self.may_add(request, dossier, line)
        }

    def add_line_view(self, request, object_id, line):
        """Inscrire un stagiaire, émettre un document: a page of its own, so that a refused file or a trainee
        already enrolled is shown with nothing else of the dossier's page to lose."""
        dossier = self.get_object(request, unquote(object_id))
        to_add = LINES_TO_ADD.get(line)
        if dossier is None or to_add is None:
            raise Http404("Aucun dossier ne correspond à cette adresse.")
        if not self.may_add(request, dossier, to_add):
            raise PermissionDenied
        change_url = reverse("admin:dossiers_dossier_change", args=[dossier.pk])
        posted = request.method == "POST"
        form = to_add.form(
            request.POST if posted else None,
            request.FILES if posted else None,
            instance=to_add.form._meta.model(dossier=dossier),
            admin_site=self.admin_site,
            user=request.user,
        )
        if posted and form.is_valid():
            try:
                with transaction.atomic():
                    added = form.save()
                    refresh_deadlines(dossier)
                    self.log_change(
                        request, dossier, [{"added": {"name": str(added._meta.verbose_name), "object": str(added)}}]
                    )
            except IntegrityError:  # the same trainee enrolled by a double click or a colleague meanwhile
                form.add_error(None, ALREADY_ENROLLED)
            except ValidationError as error:  # the documents' storage is down: nothing was saved
                form.add_error(None, error)
            else:
                self.message_user(request, to_add.done(added), messages.SUCCESS)
                return redirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": f"{to_add.label} — dossier {dossier.number}",
            "opts": self.opts,
            "original": dossier,
            "form": form,
            "line": to_add,
            "change_url": change_url,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/dossiers/dossier/add_line.html", context)

    def transition_view(self, request, object_id, code):
        """The confirmation page of a change of status (with the missing documents or the refusal's reason)."""
        dossier = self.get_object(request, unquote(object_id))
        if dossier is None:
            raise Http404("Aucun dossier ne correspond à cette adresse.")
        transition = instruction.TRANSITIONS.get(code)
        if transition is None:
            raise Http404("Ce changement d'état n'existe pas.")
        if not request.user.has_perm(f"dossiers.{transition.permission}"):
            raise PermissionDenied
        return decision_page(
            self,
            request,
            dossier,
            label=transition.label,
            note_label=transition.note_label,
            allowed=dossier.status in transition.from_statuses,
            decide=lambda note: instruction.change_status(dossier, request.user, code, note),
            done_message=lambda: (
                f"Dossier {dossier.number} : {dossier.get_status_display()}. L'entreprise en est informée par un "
                "message."
            ),
            template="admin/dossiers/dossier/transition.html",
            title=f"{transition.label} — dossier {dossier.number}",
            transition=transition,
        )


# The dossier of a page of the back office, in the staff user's regions (None: all of them).
_PAGE_DOSSIER = PreparedQuery(
    lambda pk, regions: DossierAdmin.in_regions(
        Dossier.objects.select_related(*READ_WITH_THE_DOSSIER).filter(pk=pk).order_by(), regions
    ),
    name="admin dossier page",
)


@admin.register(Document)
class DocumentAdmin(RegionScopedAdminMixin, KeptRecordAdminMixin, admin.ModelAdmin):
    """Documents are consulted and downloaded here, never added (issued from the dossier's page, with the upload
    checks), edited or deleted (what a company sent, what Constructys issued: both are kept). Each staff user sees
    only the documents their job needs (Document.objects.for_staff_user)."""

    list_display = ["name", "kind", "direction", "dossier", "establishment", "size", "uploaded_at"]
    list_filter = ["kind", "direction"]
    search_fields = ["name", "=dossier__number", "=establishment__siret"]
    list_select_related = ["dossier", "establishment"]
    raw_id_fields = ["dossier", "establishment", "uploaded_by", "message"]
    readonly_fields = ["size", "checksum", "content_type", "uploaded_at"]
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    region_lookups = ("dossier__employer_establishment__region", "establishment__region")

    def get_queryset(self, request):
        return super().get_queryset(request).for_staff_user(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            admin_page(self, "<int:pk>/telecharger/", self.download_view, "dossiers_document_download"),
            *super().get_urls(),
        ]

    def download_view(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        document = self.get_queryset(request).filter(pk=pk).first()
        if document is None:
            raise Http404("Aucun document ne correspond à cette adresse.")
        return document_response(document)


@admin.register(DossierStatusChange)
class DossierStatusChangeAdmin(RegionScopedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Who changed which dossier's status, and when (read-only)."""

    list_display = ["changed_at", "dossier", "from_status", "to_status", "changed_by"]
    list_filter = ["to_status"]
    search_fields = ["=dossier__number", "changed_by__email"]
    region_lookups = ("dossier__employer_establishment__region",)
    list_select_related = ["dossier", "changed_by"]
    date_hierarchy = "changed_at"
    show_full_result_count = False
