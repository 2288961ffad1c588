"""The dossier lists of both portals: scoping, filters, sorting and tab counts, out of the views.

Every queryset starts from Dossier.objects.for_company_user / for_provider_user (the one scoping function of each
audience), narrowed to the establishments the header's switcher shows. The lists run a constant number of queries:
one for the tab counts, one for the page's count, one for the page's rows (+ one prefetch per related list).
"""

from dataclasses import dataclass, field

from django import forms
from django.db.models import Count, Q

from accounts.models import Person
from common.forms import CleanTextFormMixin
from common.paginators import KnownCountMixin
from common.prepared import PreparedQuery
from dossiers.models import (
    FINISHED_STATUSES,
    Document,
    DocumentDirection,
    DocumentKind,
    Dossier,
    DossierQuerySet,
    Enrolment,
    Scheme,
    history_cutoff,
)

PAGE_SIZE = 25
# --- filters ------------------------------------------------------------------------------------------------------


class _DossierFilterForm(CleanTextFormMixin, forms.Form):
    dispositif = forms.ChoiceField(label="Dispositif", required=False)
    numero = forms.CharField(label="N° de dossier", required=False, max_length=20)
    etablissement = forms.TypedChoiceField(label="Établissement", required=False, coerce=int, empty_value=None)
    debut = forms.DateField(
        label="Début de formation à partir du", required=False, widget=forms.DateInput({"type": "date"})
    )
    fin = forms.DateField(label="Fin de formation jusqu'au", required=False, widget=forms.DateInput({"type": "date"}))

    def __init__(self, data, establishments):
        super().__init__(data)
        self.fields["dispositif"].choices = [("", "Tous")] + [(s.value, f"{s.value} — {s.label}") for s in Scheme]
        self.fields["etablissement"].choices = [("", "Tous")] + [
            (e.pk, f"{e.name} — {e.siret}") for e in establishments
        ]

    def values(self) -> dict:
        """The valid filters (an invalid one is ignored, with its error shown)."""
        self.is_valid()
        return {name: value for name, value in getattr(self, "cleaned_data", {}).items() if value not in (None, "")}


class CompanyDossierFilterForm(_DossierFilterForm):
    demande = forms.CharField(label="N° de demande", required=False, max_length=12)
    createur = forms.CharField(label="Créé par", required=False, max_length=100)

    field_order = ["dispositif", "demande", "numero", "etablissement", "debut", "fin", "createur"]


class ProviderDossierFilterForm(_DossierFilterForm):
    stagiaire = forms.CharField(label="Nom du stagiaire", required=False, max_length=100)

    field_order = ["dispositif", "etablissement", "debut", "fin", "stagiaire", "numero"]


def _apply_common_filters(queryset, values, establishment_field):
    if "dispositif" in values:
        queryset = queryset.filter(scheme=values["dispositif"])
    if "numero" in values:
        queryset = queryset.filter(number__startswith=values["numero"].strip())
    if "etablissement" in values:
        queryset = queryset.filter(**{f"{establishment_field}_id": values["etablissement"]})
    if "debut" in values:
        queryset = queryset.filter(start_date__gte=values["debut"])
    if "fin" in values:
        queryset = queryset.filter(end_date__lte=values["fin"])
    return queryset


# --- sorting ------------------------------------------------------------------------------------------------------

COMPANY_SORTS = {
    "numero": ("number",),
    "demande": ("request_number", "number"),
    "dispositif": ("scheme", "number"),
    "siret": ("employer_establishment__siret", "number"),
    "cp": ("employer_establishment__postal_code", "number"),
    "ville": ("employer_establishment__city", "number"),
    "du": ("start_date", "id"),
    "au": ("end_date", "id"),
    "etat": ("status", "number"),
    "organisme": ("provider_establishment__name", "number"),
}
PROVIDER_SORTS = {
    "numero": ("number",),
    "entreprise": ("employer_establishment__name", "number"),
    "dispositif": ("scheme", "number"),
    "du": ("start_date", "id"),
}
DEFAULT_SORT = "-du"


def order_by_sort(queryset, sort: str, allowed: dict):
    """`sort` is a column key, "-" first for descending; an unknown key falls back to the latest first."""
    key = sort.lstrip("-")
    if key not in allowed:
        sort, key = DEFAULT_SORT, DEFAULT_SORT.lstrip("-")
    prefix = "-" if sort.startswith("-") else ""
    return queryset.order_by(*(prefix + field for field in allowed[key])), sort


# --- the lists ----------------------------------------------------------------------------------------------------


class _CompanyListPage(KnownCountMixin, DossierQuerySet):
    """The company list, whose count is the tab's counter and whose page of the first n rows reads only the first n
    rows of each establishment (served by the partial indexes dossier_employer_open / _finished) instead of sorting
    every dossier of the scope: every sort ends on a unique column, and each dossier has one employer, so the first
    n rows of the whole list are among them. Only narrows the list; a clone (filter, export) reads as usual."""

    establishment_ids = None
    establishment_field = "employer_establishment_id"
    # The fields the page's rows show, when only those are read (fewer columns to convert and models to fill).
    row_fields = None

    def __getitem__(self, k):
        if not self.establishment_ids or not isinstance(k, slice) or not k.stop or self._result_cache is not None:
            return super().__getitem__(k)
        # Each establishment's first rows with their sort keys (the keys sort the union), ids first.
        keys = [field.lstrip("-") for field in self.query.order_by]
        heads = [
            self.filter(**{self.establishment_field: establishment_id}).values_list("pk", *keys)
            for establishment_id in self.establishment_ids
        ]
        if len(heads) == 1:
            page = heads[0][k]
        else:
            # One query: the UNION ALL of each establishment's first k.stop rows, sorted again, and the page's slice.
            firsts = [head[: k.stop] for head in heads]
            page = firsts[0].union(*firsts[1:], all=True).order_by(*self.query.order_by)[k]
        pks = [row[0] for row in page]
        return self._rows(pks)[: len(pks)]

    def _rows(self, pks):
        """The rows of `pks`, sorted, with the list's related rows; read by primary key alone: the ids are already
        scoped and filtered, and repeating the filters made PostgreSQL read each establishment's index again to
        match them (several ms at 4 000 dossiers, issue 18)."""
        rows = self.model._default_manager.filter(pk__in=pks)
        rows.query.select_related = self.query.select_related
        rows = rows.order_by(*self.query.order_by)
        if self.row_fields:
            rows = rows.only(*self.row_fields)
        rows._prefetch_related_lookups = self._prefetch_related_lookups
        return rows


class _ProviderListPage(_CompanyListPage):
    """The same for the oGestion list: each dossier has one provider establishment (partial indexes
    dossier_provider_open / _finished, and dossier_provider_latest for the "Total" tab). Its page is a list of
    ProviderListRow, what the rows show and no more."""

    establishment_field = "provider_establishment_id"

    def _rows(self, pks):
        return provider_list_rows(pks)


@dataclass
class ProviderListRow:
    """A row of the oGestion list (ogestion.dossiers.rows): the dossier, its employer, its trainees and the latest
    funding agreement Constructys issued on it."""

    pk: int
    number: str
    scheme: str
    employer_name: str
    trainees: list = field(default_factory=list)  # (last name, first name), in the enrolments' order
    agreement_id: int | None = None


# The page's rows in three queries by primary key, their SQL built once (common.prepared): the ids come from the
# scoped, filtered and sorted list, so the rows are read by id alone.
_PROVIDER_ROWS = PreparedQuery(
    lambda ids: (
        Dossier.objects.filter(pk__in=ids)
        .order_by()
        .values_list("pk", "number", "scheme", "employer_establishment__name")
    ),
    name="oGestion list: rows",
)
_TRAINEE_NAMES = PreparedQuery(
    lambda ids: Enrolment.objects.filter(dossier__in=ids).values_list(
        "dossier_id", "person__last_name", "person__first_name"
    ),
    name="oGestion list: trainees",
)
_LATEST_AGREEMENTS = PreparedQuery(
    lambda ids: (
        Document.objects.filter(
            dossier__in=ids, direction=DocumentDirection.ISSUED, kind=DocumentKind.FUNDING_AGREEMENT
        )
        .order_by("dossier_id", "-uploaded_at", "-id")
        .distinct("dossier_id")
        .values_list("dossier_id", "pk")
    ),
    name="oGestion list: latest funding agreements",
)


def provider_list_rows(pks) -> list[ProviderListRow]:
    """The rows of these dossiers, in the order of `pks`."""
    if not pks:
        return []
    rows = {pk: ProviderListRow(pk, number, scheme, employer) for pk, number, scheme, employer in _PROVIDER_ROWS(pks)}
    for dossier_id, last_name, first_name in _TRAINEE_NAMES(pks):
        rows[dossier_id].trainees.append((last_name, first_name))
    for dossier_id, agreement_id in _LATEST_AGREEMENTS(pks):
        rows[dossier_id].agreement_id = agreement_id
    return [rows[pk] for pk in pks if pk in rows]


def _list_page(queryset, count, establishment_ids, page_class=_CompanyListPage, row_fields=None):
    page = page_class(model=Dossier, query=queryset.query)
    page._prefetch_related_lookups = queryset._prefetch_related_lookups
    page.known_count = count
    page.establishment_ids = list(establishment_ids or ())
    page.row_fields = row_fields
    return page


@dataclass
class DossierList:
    queryset: object  # the filtered, sorted dossiers of the current tab
    form: forms.Form
    tab: str
    counts: dict
    sort: str
    labels: dict

    @property
    def tabs(self):
        """(key, label, count) of each tab, for the tab bar."""
        return [(key, label, self.counts[key]) for key, label in self.labels.items()]


COMPANY_TABS = {"en-cours": "En cours", "historique": "Historique"}
# What a row of the company list shows (egestion.dossiers.rows.dossier_row); its extraction reads every column.
COMPANY_ROW_FIELDS = [
    "number",
    "request_number",
    "scheme",
    "status",
    "start_date",
    "end_date",
    "employer_establishment__siret",
    "employer_establishment__postal_code",
    "employer_establishment__city",
    "provider_establishment__name",
]


def company_dossier_list(user, establishment_ids, establishments, params) -> DossierList:
    form = CompanyDossierFilterForm(params, establishments)
    values = form.values()
    queryset = _apply_common_filters(
        Dossier.objects.for_company_user(user, establishment_ids), values, "employer_establishment"
    )
    if "demande" in values:
        queryset = queryset.filter(request_number__startswith=values["demande"].strip())
    if "createur" in values:
        for word in values["createur"].split():
            queryset = queryset.filter(
                Q(created_by__last_name__icontains=word)
                | Q(created_by__first_name__icontains=word)
                | Q(created_by__email__icontains=word)
            )
    finished = Q(status__in=FINISHED_STATUSES)
    # Counted on `status` (never null), a column of the index, not on the primary key: the counters read the index
    # alone (dossier_employer_counts, dossier_provider_list).
    counts = queryset.aggregate(
        **{"en-cours": Count("status", filter=~finished), "historique": Count("status", filter=finished)}
    )
    tab = params.get("onglet") if params.get("onglet") in COMPANY_TABS else "en-cours"
    queryset = queryset.filter(finished) if tab == "historique" else queryset.exclude(finished)
    queryset = queryset.select_related("employer_establishment", "provider_establishment")
    queryset, sort = order_by_sort(queryset, params.get("tri", DEFAULT_SORT), COMPANY_SORTS)
    # The page's count is the tab's: the scope is not counted twice.
    page = _list_page(queryset, counts[tab], establishment_ids, row_fields=COMPANY_ROW_FIELDS)
    return DossierList(page, form, tab, counts, sort, COMPANY_TABS)


PROVIDER_TABS = {"en-cours": "En cours", "soldes": "Soldés", "total": "Total"}


def provider_dossier_list(user, establishment_ids, establishments, params) -> DossierList:
    form = ProviderDossierFilterForm(params, establishments)
    values = form.values()
    queryset = _apply_common_filters(
        Dossier.objects.for_provider_user(user, establishment_ids), values, "provider_establishment"
    )
    if "stagiaire" in values:
        names = Person.objects.all()
        for word in values["stagiaire"].split():
            names = names.filter(Q(last_name__icontains=word) | Q(first_name__icontains=word))
        queryset = queryset.filter(pk__in=Enrolment.objects.filter(person__in=names).values("dossier_id"))
    finished = Q(status__in=FINISHED_STATUSES)
    counts = queryset.aggregate(
        **{
            "en-cours": Count("status", filter=~finished),
            "soldes": Count("status", filter=finished),
            "total": Count("status"),
        }
    )
    tab = params.get("onglet") if params.get("onglet") in PROVIDER_TABS else "en-cours"
    if tab == "en-cours":
        queryset = queryset.exclude(finished)
    elif tab == "soldes":
        queryset = queryset.filter(finished)
    queryset = queryset.select_related("employer_establishment", "provider_establishment")
    queryset, sort = order_by_sort(queryset, params.get("tri", DEFAULT_SORT), PROVIDER_SORTS)
    # The page's count is the tab's; its rows are read among the first rows of each establishment.
    page = _list_page(queryset, counts[tab], establishment_ids, _ProviderListPage)
    return DossierList(page, form, tab, counts, sort, PROVIDER_TABS)


# --- one dossier --------------------------------------------------------------------------------------------------


# The dossier page and each of its tabs start with this query: its SQL is built once (common.prepared).
_COMPANY_DOSSIER = PreparedQuery(
    lambda user_id, establishment_ids, number, cutoff: (
        Dossier.objects.for_company_user(user_id, establishment_ids, cutoff)
        .select_related("employer_establishment", "provider_establishment")
        .filter(number=number)
        .order_by("pk")[:1]
    ),
    name="company dossier",
)


# The dossier page's tabs, their SQL built once (common.prepared).
_ENROLMENTS = PreparedQuery(
    lambda dossier_id: Enrolment.objects.filter(dossier=dossier_id).select_related("person"), name="dossier enrolments"
)
_COMPANY_DOCUMENTS = PreparedQuery(
    lambda user_id, establishment_ids, cutoff, dossier_id, direction: Document.objects.for_company_user(
        user_id, establishment_ids, cutoff
    ).filter(dossier=dossier_id, direction=direction),
    name="company dossier documents",
)


def dossier_enrolments(dossier) -> list[Enrolment]:
    """The trainees of a dossier the caller found in the user's scope (the Inscription(s) tab)."""
    return _ENROLMENTS(dossier.pk)


def company_dossier_documents(user, establishment_ids, dossier, direction) -> list[Document]:
    """The documents of one direction of a dossier, as Document.objects.for_company_user scopes them."""
    return _COMPANY_DOCUMENTS(user.pk, establishment_ids, history_cutoff(), dossier.pk, str(direction))


def company_dossier(user, establishment_ids, number):
    """The dossier of that number among the user's, or None."""
    return _COMPANY_DOSSIER.first(user.pk, establishment_ids, str(number), history_cutoff())


def provider_dossier(user, establishment_ids, number):
    return (
        Dossier.objects.for_provider_user(user, establishment_ids)
        .select_related("employer_establishment", "provider_establishment")
        .filter(number=number)
        .first()
    )
