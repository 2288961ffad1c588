"""Keeping the precomputed échéances of a dossier up to date, and the secret iCalendar addresses.

refresh_deadlines(dossier)     in the transaction that changes the dossier (transmission, status changes,
                               the admin's edits): its rows are replaced by what deadlines.rules computes now
refresh_all_deadlines()        the nightly task, for what changes with the date alone (idempotent)
feed_token(feed) / new_feed(user) / revoke_feeds(user) / user_of_feed_token(token)
"""

from __future__ import annotations

import hashlib
import hmac
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import Membership
from deadlines import rules
from deadlines.adapters import complete_file_received_on, contract_of
from deadlines.models import CalendarFeed, Deadline
from dossiers.cerfa.normalise import parse_date
from dossiers.contract import contract_in_force
from dossiers.models import (
    FINISHED_STATUSES,
    Document,
    DocumentDirection,
    Dossier,
    DossierStatus,
    DossierStatusChange,
    Scheme,
)

DECIDED_STATUSES = (DossierStatus.ACCEPTED, *FINISHED_STATUSES)
DROPPED_STATUSES = (DossierStatus.REFUSED, DossierStatus.CANCELLED)
# A complete file is one marked "Reçu" and not sent back as "Incomplet" since (R.6224-3 runs from its receipt).
COMPLETE_FILE_STATUSES = (DossierStatus.RECEIVED, *DECIDED_STATUSES)


def _request_data(dossier: Dossier) -> dict:
    """The contract in force (dossiers.contract: the CERFA transmitted with every accepted avenant applied), {}
    without one: the pay rows, the end and the avenant's effective date follow an accepted avenant."""
    contract = contract_in_force(dossier)
    return dict(contract.data) if contract is not None else {}


def contract_start(dossier: Dossier, data: dict):
    """The contract's start of execution as the CERFA says it (the dossier's own dates are the training's since
    issue 17)."""
    return parse_date(data.get("contrat_date_debut_execution")) or dossier.start_date


def contract_end(dossier: Dossier, data: dict):
    """The contract's end: the rupture date once broken, else the contract in force's (the CERFA's)."""
    contract = contract_in_force(dossier)
    if contract is not None and contract.ruptured_on:
        return contract.last_day
    if dossier.status == DossierStatus.TERMINATED:  # broken before ruptures were declared online
        return dossier.end_date
    return parse_date(data.get("contrat_date_fin")) or dossier.end_date


def facts_of(dossier: Dossier, *, data: dict, last_received, document_kinds: Iterable[str]) -> rules.DossierFacts:
    """The rules' view of a dossier (the small adapter of the brief)."""
    is_apprenticeship = dossier.scheme == Scheme.ALTE
    contract = None
    if is_apprenticeship and data.get("contrat_date_debut_execution"):
        contract = contract_of(data, start=contract_start(dossier, data), end=contract_end(dossier, data))
    received = None
    if dossier.status in COMPLETE_FILE_STATUSES:
        received = complete_file_received_on(data, last_received)
    postcode = dossier.employer_establishment.postal_code or str(data.get("employeur_adresse_code_postal") or "")
    return rules.DossierFacts(
        is_apprenticeship=is_apprenticeship,
        start=contract.start if contract else dossier.start_date,
        end=contract.end if contract else dossier.end_date,
        employer_postcode=postcode,
        transmitted_on=timezone.localdate(dossier.created_at),  # a dossier exists once transmitted
        complete_file_received_on=received,
        is_decided=dossier.status in DECIDED_STATUSES,
        is_dropped=dossier.status in DROPPED_STATUSES,
        is_closed=dossier.status == DossierStatus.CLOSED,
        received_document_kinds=frozenset(document_kinds),
        contract=contract,
    )


def rows_of(dossier: Dossier, events: list[rules.Event]) -> list[Deadline]:
    return [
        Deadline(
            dossier=dossier,
            employer_establishment_id=dossier.employer_establishment_id,
            provider_establishment_id=dossier.provider_establishment_id,
            kind=event.kind.value,
            date=event.date,
            label=event.label[:200],
            amount=event.amount,
            for_company=rules.Audience.COMPANY in event.audiences,
            for_provider=rules.Audience.PROVIDER in event.audiences,
            for_case_manager=rules.Audience.CASE_MANAGER in event.audiences,
            is_estimate=event.estimate,
            is_action=event.is_action,
            is_done=event.done,
        )
        for event in events
    ]


def _dossiers_with_facts(dossiers: list[Dossier]) -> list[tuple[Dossier, rules.DossierFacts]]:
    """Each dossier with its facts; three queries for the whole list (last receipts, received document kinds)."""
    ids = [dossier.pk for dossier in dossiers]
    last_received = dict(
        DossierStatusChange.objects.filter(dossier_id__in=ids, to_status=DossierStatus.RECEIVED)
        .values("dossier_id")
        .annotate(last=Max("changed_at"))
        .values_list("dossier_id", "last")
    )
    kinds = defaultdict(set)
    for dossier_id, kind in (
        Document.objects.filter(dossier_id__in=ids, direction=DocumentDirection.RECEIVED)
        .values_list("dossier_id", "kind")
        .distinct()
    ):
        kinds[dossier_id].add(kind)
    result = []
    for dossier in dossiers:
        received_at = last_received.get(dossier.pk)
        facts = facts_of(
            dossier,
            data=_request_data(dossier),
            last_received=timezone.localdate(received_at) if received_at else None,
            document_kinds=kinds[dossier.pk],
        )
        result.append((dossier, facts))
    return result


def _load(dossier_ids) -> list[Dossier]:
    return list(
        Dossier.objects.filter(pk__in=dossier_ids)
        .select_related("employer_establishment", "funding_request", "rupture")
        .prefetch_related("avenants")
        .order_by("pk")
    )


@transaction.atomic
def refresh_deadlines(dossier: Dossier) -> list[Deadline]:
    """Replace the dossier's échéances by what the rules compute from its current data. Call it in the transaction
    that changes the dossier (its rows then change with it, or not at all)."""
    return refresh_many([dossier.pk])


@transaction.atomic
def refresh_many(dossier_ids) -> list[Deadline]:
    """The same for several dossiers, in a constant number of queries."""
    dossiers = _load(dossier_ids)
    rows = []
    for dossier, facts in _dossiers_with_facts(dossiers):
        rows += rows_of(dossier, rules.events_of(facts))
    Deadline.objects.filter(dossier_id__in=[dossier.pk for dossier in dossiers]).delete()
    return Deadline.objects.bulk_create(rows)


REFRESH_BATCH_SIZE = 500


def refresh_all_deadlines(batch_size: int = REFRESH_BATCH_SIZE) -> int:
    """Every dossier's échéances again (the nightly task: what a new day changes, a SMIC revalued, documents
    received). Idempotent: running it twice leaves the same rows. One transaction per batch."""
    ids = Dossier.objects.order_by("pk").values_list("pk", flat=True)
    count = 0
    batch = []
    for dossier_id in ids.iterator(chunk_size=5000):
        batch.append(dossier_id)
        if len(batch) == batch_size:
            count += len(refresh_many(batch))
            batch = []
    if batch:
        count += len(refresh_many(batch))
    return count


# --- iCalendar addresses ---------------------------------------------------------------------------------------------


def _signature(key: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"deadlines.feed:{key}".encode(), hashlib.sha256).hexdigest()[:32]


def feed_token(feed: CalendarFeed) -> str:
    """The secret part of the feed's address: its key and an HMAC of it (a copy of the table alone opens nothing)."""
    return f"{feed.key}-{_signature(feed.key)}"


def active_feed(user) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).first()


@transaction.atomic
def revoke_feeds(user) -> int:
    """The user's calendar address stops working (404) at once."""
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())


@transaction.atomic
def new_feed(user) -> CalendarFeed:
    """A new secret address for the user; the previous one stops working."""
    revoke_feeds(user)
    return CalendarFeed.objects.create(user=user)


def feed_for(user) -> CalendarFeed:
    """The user's current address, created the first time ("Ajouter à mon agenda")."""
    return active_feed(user) or new_feed(user)


def user_of_feed_token(token: str):
    """The user whose active address this is, if they are active and still attached to an establishment in a
    portal (the portals' own rule); None otherwise (the feed then answers 404)."""
    key, _, signature = (token or "").partition("-")
    if not key or not hmac.compare_digest(signature, _signature(key)):
        return None
    feed = (
        CalendarFeed.objects.filter(key=key, revoked_at__isnull=True, user__is_active=True)
        .select_related("user")
        .first()
    )
    if feed is None or not Membership.objects.filter(user=feed.user).exists():
        return None
    return feed.user
