"""What the portals show of payments and establishments: scoping, filters, sorting, out of the views.

Both portals read the same way ("same list and detail logic"): a user sees the payments made to the establishments
they are attached to in that portal (oGestion: a provider's, eGestion: a company's), narrowed to the establishments of
the header's switcher. Anything else is not found. Lists run a constant number of queries: the page's count and its
rows (establishments and the remittance advice joined).
"""

from dataclasses import dataclass
from functools import cached_property

from django import forms
from django.db.models import Count, Prefetch, Q

from accounts.models import Establishment, Membership
from common.forms import CleanTextFormMixin
from common.prepared import PreparedAggregate, PreparedListing, PreparedQuery, Shape
from dossiers.models import Document, DocumentKind
from payments.models import Payment, PaymentLine

PAGE_SIZE = 25


_DOSSIER_PAYMENT_LINES = PreparedQuery(
    lambda dossier_id: (
        PaymentLine.objects.filter(dossier=dossier_id)
        .select_related("payment__beneficiary")
        .order_by("-payment__paid_on", "-id")
    ),
    name="dossier payment lines",
)


def dossier_payment_lines(dossier) -> list[PaymentLine]:
    """The payment lines of a dossier the caller found in the user's scope, latest payment first (its Règlement(s)
    tab); their SQL is built once (common.prepared)."""
    return _DOSSIER_PAYMENT_LINES(dossier.pk)


def visible_establishments(user, portal, establishment_ids=None):
    """The establishments `user` is attached to (active membership) in `portal`; only those of `establishment_ids`
    when given (the header's switcher narrows, never widens)."""
    memberships = Membership.objects.for_portal(portal).filter(user=user)
    if establishment_ids is not None:
        memberships = memberships.filter(establishment_id__in=list(establishment_ids))
    return Establishment.objects.filter(pk__in=memberships.values("establishment_id"))


def payments_for(user, portal, establishment_ids=None):
    return Payment.objects.filter(beneficiary__in=visible_establishments(user, portal, establishment_ids))


def known_sort(sort: str, allowed: dict, default: str) -> str:
    """`sort` is a column key, "-" first for descending; an unknown key falls back to `default`."""
    return sort if sort.lstrip("-") in allowed else default


def sorted_by(queryset, sort: str, allowed: dict, default: str):
    """The queryset in the order of `sort` (see known_sort), and the sort applied."""
    sort = known_sort(sort, allowed, default)
    prefix = "-" if sort.startswith("-") else ""
    return queryset.order_by(*(prefix + field for field in allowed[sort.lstrip("-")])), sort


# --- Consulter mes règlements ---------------------------------------------------------------------------------

PAYMENT_SORTS = {
    "date": ("paid_on", "id"),
    "reference": ("reference",),
    "etablissement": ("beneficiary__name", "paid_on", "id"),
    "siret": ("beneficiary__siret", "paid_on", "id"),
}
PAYMENT_DEFAULT_SORT = "-date"
PAYMENT_COLUMNS = [
    ("date", "Date"),
    ("reference", "Référence"),
    (None, "Avis de virement"),
    ("etablissement", "Établissement"),
    ("siret", "SIRET"),
]


class PaymentFilterForm(CleanTextFormMixin, forms.Form):
    etablissement = forms.TypedChoiceField(label="Établissement", required=False, coerce=int, empty_value=None)

    def __init__(self, data, establishments):
        super().__init__(data)
        self.fields["etablissement"].choices = [("", "Tous mes établissements")] + [
            (e.pk, f"{e.name} — {e.siret}") for e in establishments
        ]


@dataclass
class PaymentList:
    form: PaymentFilterForm
    sort: str
    columns: list
    pages: PreparedListing  # the rows for the portal's Paginator, their SQL built once (common.prepared)
    filters: tuple  # (user, portal, establishment_ids, beneficiary_id)

    @cached_property
    def queryset(self):
        """The same rows as a queryset (the API pages it with its cursor); built only when asked for."""
        return _payments(*self.filters, self.sort)


def _payments(user, portal, establishment_ids, beneficiary_id, sort):
    queryset = payments_for(user, portal, establishment_ids).select_related("beneficiary", "remittance_advice")
    if beneficiary_id is not None:
        queryset = queryset.filter(beneficiary_id=beneficiary_id)
    return sorted_by(queryset, sort, PAYMENT_SORTS, PAYMENT_DEFAULT_SORT)[0]


_PAYMENT_PAGE = PreparedQuery(
    lambda user_id, portal, establishment_ids, beneficiary_id, sort, window: _payments(
        user_id, portal, establishment_ids, beneficiary_id, sort
    )[window[0] : window[1]],
    name="payments: a page",
)
_PAYMENT_COUNT = PreparedAggregate(
    lambda user_id, portal, establishment_ids, beneficiary_id, sort: _payments(
        user_id, portal, establishment_ids, beneficiary_id, sort
    ),
    name="payments: the count",
    n=Count("id"),
)


def payment_list(user, portal, establishment_ids, establishments, params) -> PaymentList:
    form = PaymentFilterForm(params, establishments)
    beneficiary_id = (form.cleaned_data["etablissement"] if form.is_valid() else None) or None
    sort = known_sort(params.get("tri", PAYMENT_DEFAULT_SORT), PAYMENT_SORTS, PAYMENT_DEFAULT_SORT)
    pages = PreparedListing(
        _PAYMENT_PAGE, _PAYMENT_COUNT, user.pk, Shape(str(portal)), establishment_ids, beneficiary_id, Shape(sort)
    )
    return PaymentList(form, sort, PAYMENT_COLUMNS, pages, (user, portal, establishment_ids, beneficiary_id))


def payment_detail(user, portal, establishment_ids, pk):
    """The payment with its lines (and their dossiers), or None outside the user's scope."""
    lines = PaymentLine.objects.select_related("dossier").order_by("invoice_date", "id")
    return (
        payments_for(user, portal, establishment_ids)
        .select_related("beneficiary", "remittance_advice")
        .prefetch_related(Prefetch("lines", queryset=lines))
        .filter(pk=pk)
        .first()
    )


def remittance_advice(user, portal, establishment_ids, payment_pk):
    """The remittance advice of a payment in scope (a Document on the beneficiary establishment), or None."""
    payment = payments_for(user, portal, establishment_ids).filter(pk=payment_pk).first()
    if payment is None or payment.remittance_advice_id is None:
        return None
    return remittance_advices(payment.beneficiary_id).filter(pk=payment.remittance_advice_id).first()


# --- Voir mes établissements / mes avis de virement -----------------------------------------------------------


class EstablishmentSearchForm(CleanTextFormMixin, forms.Form):
    numero = forms.IntegerField(label="N°", required=False, min_value=1)
    raison_sociale = forms.CharField(label="Raison sociale", required=False, max_length=200)
    siret = forms.CharField(label="SIRET", required=False, max_length=14)
    nda = forms.CharField(label="NDA", required=False, max_length=11)
    enseigne = forms.CharField(label="Enseigne", required=False, max_length=200)

    def __init__(self, data, *, with_nda=True):
        super().__init__(data)
        if not with_nda:
            del self.fields["nda"]


ESTABLISHMENT_FILTERS = {
    "numero": "pk",
    "raison_sociale": "name__icontains",
    "siret": "siret__startswith",
    "nda": "nda__startswith",
    "enseigne": "sign__icontains",
}


def _search_conditions(form) -> Q | None:
    """The search's conditions (None when nothing is searched); an invalid form searches nothing."""
    if not form.is_valid():
        return None
    conditions = [
        Q(**{lookup: value.strip() if isinstance(value, str) else value})
        for name, lookup in ESTABLISHMENT_FILTERS.items()
        if (value := form.cleaned_data.get(name)) not in (None, "")
    ]
    return Q(*conditions) if conditions else None


def _establishments_by_name(user_id, portal, establishment_ids):
    return visible_establishments(user_id, portal, establishment_ids).order_by("name", "siret")


def establishment_list(user, portal, establishment_ids, params, *, with_nda=True):
    """(form, queryset) of the user's establishments matching the search, by name."""
    form = EstablishmentSearchForm(params, with_nda=with_nda)
    queryset = _establishments_by_name(user, portal, establishment_ids)
    conditions = _search_conditions(form)
    return form, queryset if conditions is None else queryset.filter(conditions)


_ESTABLISHMENT_PAGE = PreparedQuery(
    lambda user_id, portal, establishment_ids, window: _establishments_by_name(user_id, portal, establishment_ids)[
        window[0] : window[1]
    ],
    name="establishments: a page",
)
_ESTABLISHMENT_COUNT = PreparedAggregate(_establishments_by_name, name="establishments: the count", n=Count("id"))


def establishment_listing(user, portal, establishment_ids, params, *, with_nda=True):
    """(form, what the Paginator pages): establishment_list; without a search, its SQL built once (common.prepared)
    and no queryset built at all."""
    form = EstablishmentSearchForm(params, with_nda=with_nda)
    conditions = _search_conditions(form)
    if conditions is not None:
        return form, _establishments_by_name(user, portal, establishment_ids).filter(conditions)
    return form, PreparedListing(
        _ESTABLISHMENT_PAGE, _ESTABLISHMENT_COUNT, user.pk, Shape(str(portal)), establishment_ids
    )


def establishment_detail(user, portal, establishment_ids, pk):
    return visible_establishments(user, portal, establishment_ids).select_related("organisation").filter(pk=pk).first()


def remittance_advices(establishment_id):
    """The remittance advices filed on an establishment, latest first, each with its version (`advice_version`, whose
    `replaced_at` labels the advices a later one replaced)."""
    return (
        Document.objects.filter(establishment_id=establishment_id, kind=DocumentKind.REMITTANCE_ADVICE)
        .select_related("advice_version")
        .order_by("-uploaded_at", "-id")
    )
