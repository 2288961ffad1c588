"""The dossier lists of both portals: scoping, filters, sorting and tab counts, out of the views.

Every queryset starts from Dossier.objects.for_company_user / for_provider_user (the one scoping function of each
audience), narrowed to the establishments the header's switcher shows. The lists run a constant number of queries:
one for the tab counts, one for the page's count, one for the page's rows (+ one prefetch per related list).
"""

from dataclasses import dataclass, field
from functools import cached_property

from django import forms
from django.db.models import Count, Q, Subquery, Sum
from django.db.models.functions import Coalesce

from accounts.models import Establishment, Person, Portal
from common.forms import CleanTextFormMixin
from common.prepared import PreparedAggregate, PreparedQuery, Shape, read_together
from dossiers.models import (
    FINISHED,
    OPEN_MONTH,
    Document,
    DocumentDirection,
    DocumentKind,
    Dossier,
    DossierSchemeTotal,
    DossierSide,
    DossierTotal,
    Enrolment,
    Scheme,
    history_cutoff,
    month_of,
    next_month,
    status_label,
    visible_establishment_ids,
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


def _apply_common_filters(queryset, establishment_field, scheme, number, establishment, start_from, end_until):
    """The filters both lists share; None leaves a filter out."""
    if scheme is not None:
        queryset = queryset.filter(scheme=scheme)
    if number is not None:
        queryset = queryset.filter(number__startswith=number)
    if establishment is not None:
        queryset = queryset.filter(**{f"{establishment_field}_id": establishment})
    if start_from is not None:
        queryset = queryset.filter(start_date__gte=start_from)
    if end_until is not None:
        queryset = queryset.filter(end_date__lte=end_until)
    return queryset


def _stripped(value):
    return (value or "").strip() or None


def _words(value):
    return value.split() if value and value.split() else None


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


def known_sort(sort: str, allowed: dict) -> str:
    """`sort` is a column key, "-" first for descending; an unknown key falls back to the latest first."""
    return sort if sort.lstrip("-") in allowed else DEFAULT_SORT


def order_by_sort(queryset, sort: str, allowed: dict):
    sort = known_sort(sort, allowed)
    prefix = "-" if sort.startswith("-") else ""
    return queryset.order_by(*(prefix + field for field in allowed[sort.lstrip("-")])), sort


# --- the lists ----------------------------------------------------------------------------------------------------
#
# A list's page is chosen among the first rows of each of the user's establishments (the partial indexes
# dossier_employer_open / _finished, dossier_provider_open / _finished / _latest) instead of sorting every dossier of
# the scope: every sort ends on a unique column and each dossier has one employer and one provider establishment, so
# the first n rows of the whole list are among them. Its count is the tab's counter, its rows are read by id. Without
# a text filter (whose LIKE pattern is derived from the text), the counters and the page's ids run prepared queries
# (common.prepared): their SQL is built once per process and shape of the filters, not on every request.

# Counted on `status` (never null), a column of the index, not on the primary key: the counters read the index
# alone (dossier_employer_scheme_counts, dossier_provider_list).
COMPANY_COUNTS = {"en-cours": Count("status", filter=~FINISHED), "historique": Count("status", filter=FINISHED)}
PROVIDER_COUNTS = {
    "en-cours": Count("status", filter=~FINISHED),
    "soldes": Count("status", filter=FINISHED),
    "total": Count("status"),
}
COMPANY_TABS = {"en-cours": "En cours", "historique": "Historique"}
PROVIDER_TABS = {"en-cours": "En cours", "soldes": "Soldés", "total": "Total"}


def _of_tab(queryset, tab):
    if tab == "en-cours":
        return queryset.open()
    if tab in ("historique", "soldes"):
        return queryset.finished()
    return queryset  # "total"


def _company_filtered(
    user_id, establishment_ids, cutoff, scheme, number, establishment, start_from, end_until, request, creator_words
):
    queryset = _apply_common_filters(
        Dossier.objects.for_company_user(user_id, establishment_ids, cutoff),
        "employer_establishment",
        scheme,
        number,
        establishment,
        start_from,
        end_until,
    )
    if request is not None:
        queryset = queryset.filter(request_number__startswith=request)
    for word in creator_words or ():
        queryset = queryset.filter(
            Q(created_by__last_name__icontains=word)
            | Q(created_by__first_name__icontains=word)
            | Q(created_by__email__icontains=word)
        )
    return queryset


def _provider_filtered(user_id, establishment_ids, scheme, number, establishment, start_from, end_until, trainee_words):
    queryset = _apply_common_filters(
        Dossier.objects.for_provider_user(user_id, establishment_ids),
        "provider_establishment",
        scheme,
        number,
        establishment,
        start_from,
        end_until,
    )
    if trainee_words:
        names = Person.objects.all()
        for word in trainee_words:
            names = names.filter(Q(last_name__icontains=word) | Q(first_name__icontains=word))
        queryset = queryset.filter(pk__in=Enrolment.objects.filter(person__in=names).values("dossier_id"))
    return queryset


def _establishment_keys_once(head, side, establishment_id):
    """`head` (one establishment's dossiers) with its sort keys on that establishment's columns read by an
    uncorrelated subquery, evaluated once, under the same names in every head (what the union sorts on)."""
    prefix = f"{side}__"
    order, keys = [], {}
    for key in head.query.order_by:
        path = key.lstrip("-")
        if path.startswith(prefix):
            name = f"head_{path}"
            column = Establishment.objects.filter(pk=establishment_id).order_by().values(path[len(prefix) :])
            keys[name] = Subquery(column)
            key = key.replace(path, name)
        order.append(key)
    return head.annotate(**keys).order_by(*order) if keys else head


def _first_rows(heads, window):
    """(pk, *sort keys) of the rows of `window` (start, stop) of the union of `heads` (each establishment's dossiers,
    sorted alike), sorted: the union of each head's first `stop` rows, sorted again (one query)."""
    start, stop = window
    order = heads[0].query.order_by
    heads = [head.values_list("pk", *(field.lstrip("-") for field in order)) for head in heads]
    if len(heads) == 1:
        return heads[0][start:stop]
    firsts = [head[:stop] for head in heads]
    return firsts[0].union(*firsts[1:], all=True).order_by(*order)[start:stop]


@dataclass(frozen=True, eq=False)
class _Audience:
    """What makes a list the company's or the provider's."""

    filtered: object  # (*filters) -> the scoped, filtered dossiers
    counts: dict
    tabs: dict
    sorts: dict
    side: str  # the establishment foreign key the list is scoped on: each head is one of its establishments
    rows: object  # ids -> the page's rows, in that order
    kept_counts: object  # (*the filters up to the scheme) -> the counts, read from the kept totals
    scheme_filter: int  # the scheme's position among the filters: those after it narrow the list otherwise

    def counts_of(self, filters) -> dict:
        """The tab counters: kept ones when nothing but the establishments and the scheme narrows the list, else
        counted."""
        if any(filters[self.scheme_filter + 1 :]):
            return _PREPARED_COUNTS[self](*filters)
        return self.kept_counts(*filters[: self.scheme_filter + 1])

    def sorted_tab(self, tab, sort, *filters):
        queryset = _of_tab(self.filtered(*filters), tab).select_related(
            "employer_establishment", "provider_establishment"
        )
        return order_by_sort(queryset, sort, self.sorts)[0]

    def heads(self, tab, sort, user_id, establishment_ids, *rest):
        """The tab's sorted dossiers of each establishment, each scoped to that establishment alone
        (dossiers.models.attached_scope). A sort on the establishment itself (its city, SIRET...) is the same for
        every row of a head: it is read once (a subquery) instead of joined to each row."""
        return [
            _establishment_keys_once(self.sorted_tab(tab, sort, user_id, [pk], *rest), self.side, pk)
            for pk in establishment_ids
        ]

    def first_rows(self, window, tab, sort, *filters):
        return _first_rows(self.heads(tab, sort, *filters), window)


class _Pages:
    """What the Paginator reads of a list: the tab's count (its counter, not counted again) and the rows of a
    window, chosen by `first_rows` (window -> (pk, *sort keys)) and read by id."""

    def __init__(self, count, first_rows, rows):
        self._count, self._first_rows, self._rows = count, first_rows, rows

    def count(self):
        return self._count

    def __getitem__(self, window):
        if not isinstance(window, slice):
            return self[window : window + 1][0]
        pks = [row[0] for row in self._first_rows((window.start or 0, window.stop))]
        return self._rows(pks)


def _in_order(rows_by_pk: dict, pks) -> list:
    return [rows_by_pk[pk] for pk in pks if pk in rows_by_pk]


@dataclass
class CompanyListRow:
    """A row of the company list (egestion.dossiers.rows): the dossier, its employer establishment's SIRET and
    place, and its training body's name (None without one)."""

    pk: int
    number: str
    request_number: str
    scheme: str
    status: str
    start_date: object
    end_date: object
    siret: str
    postal_code: str
    city: str
    provider_name: str | None

    @property
    def status_label(self) -> str:
        return status_label(self.status, self.end_date)


# The page's rows by id alone, their SQL built once (common.prepared): the ids are already scoped, filtered and
# sorted, and repeating the filters made PostgreSQL read each establishment's index again to match them.
_COMPANY_ROWS = PreparedQuery(
    lambda ids: (
        Dossier.objects.filter(pk__in=ids)
        .order_by()
        .values_list(
            "id",
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
        )
    ),
    name="company list: rows",
)


def company_list_rows(pks) -> list[CompanyListRow]:
    """The rows of these dossiers (the company list's page), in the order of `pks`."""
    return _in_order({row[0]: CompanyListRow(*row) for row in _COMPANY_ROWS(pks)}, pks) if pks else []


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


_PROVIDER_ROWS = PreparedQuery(
    lambda ids: (
        Dossier.objects.filter(pk__in=ids)
        .order_by()
        .values_list("id", "number", "scheme", "employer_establishment__name")
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
    """The rows of these dossiers (the oGestion list's page), in the order of `pks`."""
    if not pks:
        return []
    rows = {pk: ProviderListRow(pk, number, scheme, employer) for pk, number, scheme, employer in _PROVIDER_ROWS(pks)}
    for dossier_id, last_name, first_name in _TRAINEE_NAMES(pks):
        rows[dossier_id].trainees.append((last_name, first_name))
    for dossier_id, agreement_id in _LATEST_AGREEMENTS(pks):
        rows[dossier_id].agreement_id = agreement_id
    return _in_order(rows, pks)


# --- the tab counters of a list narrowed by nothing but the establishments: kept per establishment and month -------
#
# DossierTotal (kept by triggers) counts the dossiers per establishment and month they finished in (OPEN_MONTH: not
# finished), and DossierSchemeTotal per scheme too (a list filtered by "Dispositif"): "en cours" is the open month;
# the company's "historique" the months after the cutoff's month, plus the dossiers of that month finished since the
# cutoff, counted one by one; the provider's "soldés" every other month.


def _totals(scheme):
    return DossierSchemeTotal.objects.filter(scheme=scheme) if scheme else DossierTotal.objects.all()


def _kept(side, portal, months):
    """A PreparedAggregate of the kept totals: the dossiers of the user's establishments of `portal` on `side` (of
    `scheme`, when given), in the months `months(*dates)` chooses (dates: arguments, as a prepared query's must be)."""
    return PreparedAggregate(
        lambda user_id, establishment_ids, scheme, *dates: _totals(scheme).filter(
            months(*dates),
            side=side,
            establishment__in=visible_establishment_ids(user_id, portal, establishment_ids),
        ),
        name=f"{side} list: kept counter",
        n=Coalesce(Sum("dossiers"), 0),
    )


_EMPLOYER_OPEN = _kept(DossierSide.EMPLOYER, Portal.EGESTION, lambda open_month: Q(month=open_month))
_EMPLOYER_SINCE_CUTOFF_MONTH = _kept(
    DossierSide.EMPLOYER, Portal.EGESTION, lambda month, open_month: Q(month__gt=month, month__lt=open_month)
)
_EMPLOYER_OF_CUTOFF_MONTH = PreparedAggregate(
    lambda user_id, establishment_ids, scheme, cutoff, month_after: Dossier.objects.filter(
        FINISHED,
        employer_establishment__in=visible_establishment_ids(user_id, Portal.EGESTION, establishment_ids),
        end_date__gte=cutoff,
        end_date__lt=month_after,
        **({"scheme": scheme} if scheme else {}),
    ),
    name="company list: finished in the cutoff's month",
    n=Count("id"),
)
_PROVIDER_OPEN = _kept(DossierSide.PROVIDER, Portal.OGESTION, lambda open_month: Q(month=open_month))
_PROVIDER_FINISHED = _kept(DossierSide.PROVIDER, Portal.OGESTION, lambda open_month: Q(month__lt=open_month))


def _company_kept_counts(user_id, establishment_ids, cutoff, scheme=None) -> dict:
    scope = (user_id, establishment_ids, scheme)
    open_, history = read_together(
        [(_EMPLOYER_OPEN, (*scope, OPEN_MONTH))],
        [
            (_EMPLOYER_SINCE_CUTOFF_MONTH, (*scope, month_of(cutoff), OPEN_MONTH)),
            (_EMPLOYER_OF_CUTOFF_MONTH, (*scope, cutoff, next_month(cutoff))),
        ],
    )
    return {"en-cours": open_, "historique": history}


def _provider_kept_counts(user_id, establishment_ids, scheme=None) -> dict:
    scope = (user_id, establishment_ids, scheme, OPEN_MONTH)
    open_, finished = read_together([(_PROVIDER_OPEN, scope)], [(_PROVIDER_FINISHED, scope)])
    return {"en-cours": open_, "soldes": finished, "total": open_ + finished}


COMPANY = _Audience(
    _company_filtered,
    COMPANY_COUNTS,
    COMPANY_TABS,
    COMPANY_SORTS,
    "employer_establishment",
    company_list_rows,
    _company_kept_counts,
    scheme_filter=3,
)
PROVIDER = _Audience(
    _provider_filtered,
    PROVIDER_COUNTS,
    PROVIDER_TABS,
    PROVIDER_SORTS,
    "provider_establishment",
    provider_list_rows,
    _provider_kept_counts,
    scheme_filter=2,
)
_PREPARED_COUNTS = {
    COMPANY: PreparedAggregate(COMPANY.filtered, name="company list: counters", **COMPANY_COUNTS),
    PROVIDER: PreparedAggregate(PROVIDER.filtered, name="oGestion list: counters", **PROVIDER_COUNTS),
}
_PREPARED_FIRST_ROWS = {
    COMPANY: PreparedQuery(COMPANY.first_rows, name="company list: page ids"),
    PROVIDER: PreparedQuery(PROVIDER.first_rows, name="oGestion list: page ids"),
}


@dataclass
class DossierList:
    form: forms.Form
    tab: str
    counts: dict
    sort: str
    labels: dict
    pages: object  # what the Paginator reads: the tab's count and its pages' rows
    build: object = None  # () -> the filtered, sorted dossiers of the tab

    @cached_property
    def queryset(self):
        """The filtered, sorted dossiers of the current tab (exports, the API), built when read."""
        return self.build()

    @property
    def tabs(self):
        """(key, label, count) of each tab, for the tab bar."""
        return [(key, label, self.counts[key]) for key, label in self.labels.items()]


def _dossier_list(audience: _Audience, filters: tuple, texts: tuple, form, params) -> DossierList:
    """`filters`: the audience's filtered() arguments; `texts`: those of them that are text searches (None when
    absent), which keep the list off the prepared queries."""
    tab = params.get("onglet") if params.get("onglet") in audience.tabs else "en-cours"
    sort = known_sort(params.get("tri", DEFAULT_SORT), audience.sorts)
    establishment_ids = filters[1]
    prepared = bool(establishment_ids) and all(text is None for text in texts)
    if prepared:
        counts = audience.counts_of(filters)
        ids_of = _PREPARED_FIRST_ROWS[audience]
        pages = _Pages(
            counts[tab], lambda window: ids_of(Shape(window), Shape(tab), Shape(sort), *filters), audience.rows
        )
    else:
        counts = audience.filtered(*filters).aggregate(**audience.counts)

        def first_rows(window):
            if not establishment_ids:  # every establishment of the user (the API without a filter): as it comes
                return audience.sorted_tab(tab, sort, *filters).values_list("pk")[window[0] : window[1]]
            return _first_rows(audience.heads(tab, sort, *filters), window)

        pages = _Pages(counts[tab], first_rows, audience.rows)
    return DossierList(form, tab, counts, sort, audience.tabs, pages, lambda: audience.sorted_tab(tab, sort, *filters))


def company_dossier_list(user, establishment_ids, establishments, params) -> DossierList:
    form = CompanyDossierFilterForm(params, establishments)
    values = form.values()
    number, request, creator = (
        _stripped(values.get("numero")),
        _stripped(values.get("demande")),
        _words(values.get("createur")),
    )
    filters = (
        user.pk,
        list(establishment_ids or ()),
        history_cutoff(),
        values.get("dispositif"),
        number,
        values.get("etablissement"),
        values.get("debut"),
        values.get("fin"),
        request,
        creator,
    )
    return _dossier_list(COMPANY, filters, (number, request, creator), form, params)


def provider_dossier_list(user, establishment_ids, establishments, params) -> DossierList:
    form = ProviderDossierFilterForm(params, establishments)
    values = form.values()
    number, trainee = _stripped(values.get("numero")), _words(values.get("stagiaire"))
    filters = (
        user.pk,
        list(establishment_ids or ()),
        values.get("dispositif"),
        number,
        values.get("etablissement"),
        values.get("debut"),
        values.get("fin"),
        trainee,
    )
    return _dossier_list(PROVIDER, filters, (number, trainee), form, params)


# --- one dossier --------------------------------------------------------------------------------------------------


def company_dossier_queryset(user_id, establishment_ids, number, cutoff):
    """The dossier of that number among the company user's (at most one row), with its establishments."""
    return (
        Dossier.objects.for_company_user(user_id, establishment_ids, cutoff)
        .select_related("employer_establishment", "provider_establishment")
        .filter(number=number)
        .order_by("pk")[:1]
    )


# Every page of a dossier starts with this query: its SQL is built once (common.prepared).
_COMPANY_DOSSIER = PreparedQuery(company_dossier_queryset, name="company dossier")


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
