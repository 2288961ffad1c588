"""The money view of a CFA or training provider ("Mon tableau de bord financier", oGestion): what it invoiced, what
Constructys paid, what is validated but unpaid, what it may invoice this month and which payments are late, per
establishment and per month over the last 12 months.

Every figure comes from aggregate queries over the provider's scope (`Invoice.objects.for_provider_user`, the
oGestion memberships): the number of queries is the same for 10 invoices or 100 000. "Payé" is the payment the
database keeps on each invoice from the payments (`Invoice.paid_on`, like the status "Payée (VIR… du …)"); "À
facturer ce mois" sums the NPEC schedules kept per dossier (invoicing.plans). Each establishment's figures of the day
are then kept in the cache until a write changes them (MoneyVersion, below): most pages read no invoice at all.
"""

import calendar
import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth

from common.prepared import PreparedQuery
from invoicing import plans
from invoicing.models import COUNTED_STATUSES, Invoice, InvoiceStatus, MoneyVersion
from invoicing.services import ZERO

MONTHS_SHOWN = 12


@dataclass
class Figures:
    """The figures of one establishment, or of all of them."""

    invoiced: Decimal = ZERO  # invoices not rejected, dated within the 12 months
    paid: Decimal = ZERO  # invoices paid within the 12 months (payment date)
    validated_unpaid: Decimal = ZERO  # validated, no payment yet (any date)
    to_invoice_this_month: Decimal = ZERO  # instalments due by the end of the month, not invoiced yet
    late: Decimal = ZERO  # not rejected, not paid, expected payment date passed
    late_count: int = 0

    def add(self, other: "Figures") -> None:
        for name in ("invoiced", "paid", "validated_unpaid", "to_invoice_this_month", "late", "late_count"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def is_empty(self) -> bool:
        return not any((self.invoiced, self.paid, self.validated_unpaid, self.to_invoice_this_month, self.late))


@dataclass
class Month:
    start: datetime.date  # its first day
    invoiced: Decimal = ZERO
    paid: Decimal = ZERO


@dataclass
class EstablishmentFigures:
    establishment: object
    figures: Figures
    months: list[Month]


@dataclass
class MoneyView:
    today: datetime.date
    months: list[Month]  # the 12 months, oldest first, all establishments together
    establishments: list[EstablishmentFigures]
    total: Figures = field(default_factory=Figures)

    @property
    def is_empty(self) -> bool:
        return self.total.is_empty

    @property
    def month_end(self) -> datetime.date:
        return end_of_month(self.today)

    @property
    def period_start(self) -> datetime.date:
        return self.months[0].start


def end_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def last_months(today: datetime.date, count: int = MONTHS_SHOWN) -> list[datetime.date]:
    """The first days of the `count` months up to today's, oldest first."""
    index = today.year * 12 + today.month - 1
    return [datetime.date(i // 12, i % 12 + 1, 1) for i in range(index - count + 1, index + 1)]


def _month_key(value) -> datetime.date:
    # TruncMonth of a date column gives a date; of a timestamp, a datetime.
    return value.date() if isinstance(value, datetime.datetime) else value


def referent_money_view(user, memberships, today: datetime.date) -> MoneyView | None:
    """The money view of the establishments the user is référent of among `memberships` (oGestion, those looked at),
    None if none: référent of one site and simple user of another, the user sees the money of the first only."""
    establishments = [membership.establishment for membership in memberships if membership.is_admin]
    return money_view(user, establishments, today) if establishments else None


SITE = "dossier__provider_establishment_id"


def _invoices(organisation_ids, establishment_ids):
    # The establishments are the user's (accounts.access, oGestion memberships). An invoice's organisation is its
    # dossier's training organisation: filtering on it first lets PostgreSQL read the invoices of the organisations
    # (an index) instead of every dossier of the establishments.
    return Invoice.objects.filter(
        organisation_id__in=organisation_ids, dossier__provider_establishment_id__in=establishment_ids
    )


def _invoiced_per_month(organisation_ids, establishment_ids, first_day, today):
    return (
        _invoices(organisation_ids, establishment_ids)
        .filter(status__in=COUNTED_STATUSES, invoice_date__gte=first_day, invoice_date__lte=today)
        .values(SITE, month=TruncMonth("invoice_date"))
        .annotate(total=Sum("amount"))
        .order_by()
    )


def _settled_per_month(organisation_ids, establishment_ids, first_day, today):
    unpaid = Q(paid_reference__isnull=True)
    # Late: beyond the date the rules give (receipt + the rule's delay, R.6332-25 III 1°, or the instalment's due date).
    late = Q(status__in=COUNTED_STATUSES, expected_payment_on__lt=today) & unpaid
    # One pass over the invoices with their payment: paid per month of payment, and the figures of the day.
    return (
        _invoices(organisation_ids, establishment_ids)
        .values(SITE, month=TruncMonth("paid_on"))
        .annotate(
            paid=Sum("amount", filter=Q(status=InvoiceStatus.VALIDATED, paid_on__gte=first_day, paid_on__lte=today)),
            validated_unpaid=Sum("amount", filter=Q(status=InvoiceStatus.VALIDATED) & unpaid),
            late=Sum("amount", filter=late),
            late_count=Count("id", filter=late),
        )
        .order_by()
    )


# Every oGestion home of a référent reads these: their SQL is built once per process (common.prepared).
_INVOICED_PER_MONTH = PreparedQuery(_invoiced_per_month, name="money view: invoiced per month")
_SETTLED_PER_MONTH = PreparedQuery(_settled_per_month, name="money view: settled per month")


def money_view(user, establishments, today: datetime.date) -> MoneyView:
    """The money view of `establishments` (Establishment objects the user may see, those they look at in oGestion: the
    figures kept in the cache are an establishment's, whoever reads them). PostgreSQL's
    JIT, which cost more than these aggregates over a large CFA's invoices, is off on the portal's connections
    (config/settings.py)."""
    starts = last_months(today)
    per_establishment = _figures_of(user, establishments, today)
    view = MoneyView(today, [Month(start) for start in starts], [])
    for establishment in establishments:
        figures, months = per_establishment[establishment.pk]
        view.establishments.append(EstablishmentFigures(establishment, figures, months))
        view.total.add(figures)
        for total, month in zip(view.months, months, strict=True):
            total.invoiced += month.invoiced
            total.paid += month.paid
    return view


# Each establishment's figures of the day are kept in the cache under its MoneyVersion, which the triggers change in
# the transaction of every write the figures read (migration 0007_money_versions). The version is read before the
# figures are, so figures are never kept under a version older than what they include; a write committed since then
# has set a new version, under which they are computed again. The day is in the key too ("En retard", the 12 months,
# "À facturer ce mois" change with it), and the organisation (the invoices are read through it). An establishment
# without a version (nothing written since the migration) is computed on each page. Without Redis, every page
# computes them.
CACHE_KEY = "invoicing:money:v1:{establishment}:{organisation}:{version}:{today}"
KEPT_FOR = 24 * 3600  # the day is in the key: beyond, nobody reads it again

_VERSIONS = PreparedQuery(
    lambda ids: MoneyVersion.objects.filter(establishment__in=ids).values_list("establishment_id", "version"),
    name="money view: versions",
)


def _figures_of(user, establishments, today) -> dict:
    """Establishment id -> (Figures, its 12 Months), from the cache or computed."""
    versions = dict(_VERSIONS([establishment.pk for establishment in establishments]))
    keys = {
        establishment.pk: CACHE_KEY.format(
            establishment=establishment.pk,
            organisation=establishment.organisation_id,
            version=versions[establishment.pk],
            today=today.isoformat(),
        )
        for establishment in establishments
        if establishment.pk in versions
    }
    kept = cache.get_many(list(keys.values())) if keys else {}
    found = {pk: kept[key] for pk, key in keys.items() if key in kept}
    missing = [establishment for establishment in establishments if establishment.pk not in found]
    if missing:
        computed = computed_figures(user, missing, today)
        cache.set_many({keys[pk]: value for pk, value in computed.items() if pk in keys}, timeout=KEPT_FOR)
        found.update(computed)
    return found


def computed_figures(user, establishments, today) -> dict:
    """Establishment id -> (Figures, its 12 Months), from the invoices and the kept schedules: four queries whatever
    the number of establishments and invoices."""
    starts = last_months(today)
    ids = [establishment.pk for establishment in establishments]
    organisations = {establishment.organisation_id for establishment in establishments}
    per_month = {pk: {start: Month(start) for start in starts} for pk in ids}
    invoiced = _INVOICED_PER_MONTH(sorted(organisations), ids, starts[0], today)
    for row in invoiced:
        per_month[row[SITE]][_month_key(row["month"])].invoiced = row["total"]
    settled = _SETTLED_PER_MONTH(sorted(organisations), ids, starts[0], today)
    snapshot = {}
    for row in settled:
        month = _month_key(row["month"]) if row["month"] else None
        if row["paid"] and month in per_month[row[SITE]]:
            per_month[row[SITE]][month].paid += row["paid"]
        day = snapshot.setdefault(row[SITE], {"validated_unpaid": ZERO, "late": ZERO, "late_count": 0})
        for name in day:
            day[name] += row[name] or 0
    to_invoice = plans.to_invoice_by(user, ids, end_of_month(today))  # the schedules kept per dossier

    computed = {}
    for pk in ids:
        months = list(per_month[pk].values())
        row = snapshot.get(pk, {})
        figures = Figures(
            invoiced=sum((m.invoiced for m in months), ZERO),
            paid=sum((m.paid for m in months), ZERO),
            validated_unpaid=row.get("validated_unpaid") or ZERO,
            to_invoice_this_month=to_invoice.get(pk, ZERO),
            late=row.get("late") or ZERO,
            late_count=row.get("late_count") or 0,
        )
        computed[pk] = (figures, months)
    return computed
