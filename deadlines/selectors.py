"""What the pages read of the échéances, scoped like the portals (Dossier.objects.for_company_user /
for_provider_user): one query each, whatever the number of dossiers.

    upcoming_for_company_user(user, establishment_ids, today)    the eGestion home's "À venir"
    upcoming_for_provider_user(user, establishment_ids, today)   the oGestion home's "À venir"
    for_dossier(dossier, audience)                               a dossier's ÉCHÉANCES tab (timeline)
    feed_for_user(user, today)                                   the iCalendar feed
    upcoming_by_user(user_ids, first, last)                      the digests' "À venir cette semaine"
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import BooleanField, Case, OuterRef, Q, Subquery, Value, When
from django.utils import timezone

from accounts.models import PORTAL_ROLES, Membership, Portal
from common.prepared import PreparedQuery
from deadlines.models import Deadline, DeadlineKind
from dossiers.models import FINISHED_STATUSES, Dossier, history_cutoff

UPCOMING_DAYS = 30  # the home panels: the next 30 days, overdue first
UPCOMING_SHOWN = 20  # lines a home panel shows at most (the dossiers' ÉCHÉANCES tabs have the rest)
FEED_PAST_DAYS = 90  # the feed keeps the recent past so that calendars do not lose what just happened

COMPANY = "company"
PROVIDER = "provider"
AUDIENCE_FIELDS = {COMPANY: "for_company", PROVIDER: "for_provider"}


def overdue_q(today: datetime.date) -> Q:
    """Something to do whose date has passed."""
    return Q(is_action=True, is_done=False, date__lt=today)


def _upcoming(deadlines, today: datetime.date, last: datetime.date | None = None):
    """The next 30 days (still to come, not done) and what is overdue, overdue first, then by date."""
    last = last or today + datetime.timedelta(days=UPCOMING_DAYS)
    return (
        deadlines.filter(overdue_q(today) | Q(is_done=False, date__gte=today, date__lte=last))
        .annotate(
            is_overdue=Case(When(overdue_q(today), then=Value(True)), default=Value(False), output_field=BooleanField())
        )
        .select_related("dossier")
        .order_by("-is_overdue", "date", "dossier__number", "kind")
    )


def _establishments(user, portal, establishment_ids):
    """The user's establishments in that portal (narrowed to `establishment_ids` when given): only to lead the
    query on the échéances' own indexes; the scope itself is Dossier.objects.for_*_user."""
    memberships = Membership.objects.filter(user=user, role__in=PORTAL_ROLES[portal])
    if establishment_ids is not None:
        memberships = memberships.filter(establishment_id__in=list(establishment_ids))
    return memberships.values("establishment_id")


def company_deadlines(user, establishment_ids=None, cutoff=None):
    """The company side's échéances of the dossiers the user sees in eGestion (Dossier.objects.for_company_user)."""
    return Deadline.objects.filter(
        for_company=True,
        employer_establishment__in=_establishments(user, Portal.EGESTION, establishment_ids),
        dossier__in=Dossier.objects.for_company_user(user, establishment_ids, cutoff),
    )


def provider_deadlines(user, establishment_ids=None):
    """The provider side's échéances of the dossiers the user sees in oGestion (Dossier.objects.for_provider_user)."""
    return Deadline.objects.filter(
        for_provider=True,
        provider_establishment__in=_establishments(user, Portal.OGESTION, establishment_ids),
        dossier__in=Dossier.objects.for_provider_user(user, establishment_ids),
    )


def upcoming_for_company_user(user, establishment_ids, today: datetime.date):
    """The eGestion home's "À venir": each row has `is_overdue` and its `dossier` (number for the link)."""
    return _upcoming(company_deadlines(user, establishment_ids), today)


def upcoming_for_provider_user(user, establishment_ids, today: datetime.date):
    """The oGestion home's "À venir"."""
    return _upcoming(provider_deadlines(user, establishment_ids), today)


# The home panels' first UPCOMING_SHOWN lines, their SQL built once (common.prepared): every home page reads them.
_COMPANY_PANEL = PreparedQuery(
    lambda user_id, establishment_ids, today, last, cutoff: _upcoming(
        company_deadlines(user_id, establishment_ids, cutoff), today, last
    )[:UPCOMING_SHOWN],
    name="eGestion home: upcoming deadlines",
)
_PROVIDER_PANEL = PreparedQuery(
    lambda user_id, establishment_ids, today, last: _upcoming(
        provider_deadlines(user_id, establishment_ids), today, last
    )[:UPCOMING_SHOWN],
    name="oGestion home: upcoming deadlines",
)


def home_panel_for_company_user(user, establishment_ids, today: datetime.date) -> list[Deadline]:
    """The first lines of upcoming_for_company_user (the eGestion home's "À venir")."""
    last = today + datetime.timedelta(days=UPCOMING_DAYS)
    return _COMPANY_PANEL(user.pk, establishment_ids, today, last, history_cutoff(today))


def home_panel_for_provider_user(user, establishment_ids, today: datetime.date) -> list[Deadline]:
    """The first lines of upcoming_for_provider_user (the oGestion home's "À venir")."""
    return _PROVIDER_PANEL(user.pk, establishment_ids, today, today + datetime.timedelta(days=UPCOMING_DAYS))


def for_dossier(dossier: Dossier, audience: str | None = None):
    """A dossier's échéances by date (the timeline); `audience` "company" or "provider" keeps that side's only. The
    caller has found the dossier through the portal's scope."""
    deadlines = Deadline.objects.filter(dossier=dossier)
    if audience is not None:
        deadlines = deadlines.filter(**{AUDIENCE_FIELDS[audience]: True})
    return deadlines.order_by("date", "kind", "id")


def timeline(deadlines, today: datetime.date) -> dict[str, list[Deadline]]:
    """The timeline's three parts: past, today, future (overdue ones flagged with `is_overdue`)."""
    parts = {"past": [], "today": [], "future": []}
    for deadline in deadlines:
        deadline.is_overdue = deadline.is_overdue_on(today)
        part = "past" if deadline.date < today else "today" if deadline.date == today else "future"
        parts[part].append(deadline)
    return parts


# --- the back office's queue ------------------------------------------------------------------------------------------

DECISION_SOON_DAYS = 3
REFUSAL_BY_SILENCE = (
    "Sans décision dans les 20 jours suivant la réception du dossier complet, la demande est refusée (R.6224-3)."
)


def _pending_decisions():
    return Deadline.objects.filter(kind=DeadlineKind.DECISION, is_done=False)


def pending_decisions_due_within(days: int, today: datetime.date | None = None):
    """Decisions still to take whose 20 days (R.6224-3) end within `days` days (today included)."""
    today = today or timezone.localdate()
    return _pending_decisions().filter(date__gte=today, date__lte=today + datetime.timedelta(days=days))


def pending_decisions_overdue(today: datetime.date | None = None):
    """Decisions not taken within the 20 days: refused by silence (R.6224-3), the back office must see them."""
    return _pending_decisions().filter(date__lt=today or timezone.localdate())


def pending_decision_date():
    """An annotation for a queryset of dossiers: the date the OPCO must decide by, while no decision is taken."""
    return Subquery(_pending_decisions().filter(dossier=OuterRef("pk")).values("date")[:1])


@dataclass(frozen=True)
class FeedEvent:
    """One event of the iCalendar feed (plain values: a feed of thousands of events builds no model instances)."""

    kind: str
    date: datetime.date
    label: str
    amount: object
    is_estimate: bool
    number: str
    title: str


def feed_for_user(user, today: datetime.date) -> list[FeedEvent]:
    """The iCalendar feed: the échéances of the dossiers the user sees in eGestion (company side) and in oGestion
    (provider side), from 90 days ago on. Two queries, whatever the number of dossiers."""
    since = today - datetime.timedelta(days=FEED_PAST_DAYS)
    rows = list(
        (company_deadlines(user) | provider_deadlines(user))
        .filter(date__gte=since)
        .order_by("date", "dossier_id", "kind")
        .values_list("kind", "date", "label", "amount", "is_estimate", "dossier_id")
    )
    facts = Dossier.objects.filter(pk__in={row[-1] for row in rows}).values_list("pk", "number", "title")
    dossiers = {pk: (number, title) for pk, number, title in facts}
    return [FeedEvent(*row[:-1], *dossiers[row[-1]]) for row in rows]


def upcoming_by_user(user_ids, first: datetime.date, last: datetime.date) -> dict[int, list[Deadline]]:
    """For the digests: each user's échéances still to do between `first` and `last` (included) on the dossiers
    they see (active memberships of active users, per portal role, the company's 6-year rule), overdue ones
    excluded (the portal shows them). One query for the whole batch of users."""
    if not user_ids:
        return {}
    company = Membership.objects.filter(user_id__in=user_ids, role__in=PORTAL_ROLES[Portal.EGESTION])
    provider = Membership.objects.filter(user_id__in=user_ids, role__in=PORTAL_ROLES[Portal.OGESTION])
    visible_to_company = ~Q(dossier__status__in=FINISHED_STATUSES, dossier__end_date__lt=history_cutoff(first))
    rows = (
        Deadline.objects.filter(is_done=False, date__gte=first, date__lte=last)
        .filter(
            Q(for_company=True, employer_establishment__in=company.values("establishment_id")) & visible_to_company
            | Q(for_provider=True, provider_establishment__in=provider.values("establishment_id"))
        )
        .select_related("dossier")
        .order_by("date", "dossier__number", "kind")
    )
    # Which of the batch's users each row is for: their establishments, read once.
    establishments = defaultdict(lambda: (set(), set()))
    for user_id, establishment_id, role in Membership.objects.filter(user_id__in=user_ids).values_list(
        "user_id", "establishment_id", "role"
    ):
        side = 0 if role in PORTAL_ROLES[Portal.EGESTION] else 1
        establishments[user_id][side].add(establishment_id)
    by_employer, by_provider = defaultdict(list), defaultdict(list)
    cutoff = history_cutoff(first)
    for row in rows:
        dossier = row.dossier
        if row.for_company and not (dossier.status in FINISHED_STATUSES and dossier.end_date < cutoff):
            by_employer[dossier.employer_establishment_id].append(row)
        if row.for_provider:
            by_provider[dossier.provider_establishment_id].append(row)
    result: dict[int, list[Deadline]] = {}
    for user_id, (company_ids, provider_ids) in establishments.items():
        mine = {row.pk: row for establishment_id in company_ids for row in by_employer.get(establishment_id, ())}
        mine.update({row.pk: row for establishment_id in provider_ids for row in by_provider.get(establishment_id, ())})
        if mine:
            result[user_id] = sorted(mine.values(), key=lambda row: (row.date, row.dossier.number, row.kind))
    return result
