"""The échéances of requests not transmitted yet: a draft has no dossier, so no stored deadlines rows
(deadlines.Deadline); the home page computes the one that matters for a draft — the contract must reach the OPCO
within 5 jours ouvrables of its start (D.6224-1) — from the draft itself, with the rule of deadlines.rules."""

import datetime
from dataclasses import dataclass

from common.prepared import PreparedQuery
from deadlines.adapters import draft_transmission_deadline
from deadlines.selectors import UPCOMING_DAYS
from funding.models import FundingRequest, RequestKind


@dataclass(frozen=True)
class DraftDeadline:
    draft: FundingRequest
    date: datetime.date
    is_overdue: bool
    label: str = "Transmettre le contrat d'apprentissage à Constructys"


# Every eGestion home page reads the drafts: the SQL is built once per process (common.prepared).
_APPRENTICESHIP_DRAFTS = PreparedQuery(
    lambda user_id, establishment_ids: (
        FundingRequest.objects.for_company_user(user_id, establishments=establishment_ids)
        .drafts()
        .filter(kind=RequestKind.APPRENTICESHIP)
        .select_related("employer_establishment")
    ),
    name="eGestion home: apprenticeship drafts",
)


def draft_transmission_deadlines(user, establishment_ids, today: datetime.date) -> list[DraftDeadline]:
    """The apprenticeship drafts of the user's scope whose transmission is due within the home panel's window or
    overdue, overdue first then by date (one query)."""
    drafts = _APPRENTICESHIP_DRAFTS(user.pk, establishment_ids)
    last = today + datetime.timedelta(days=UPCOMING_DAYS)
    due = []
    for draft in drafts:
        deadline = draft_transmission_deadline(draft.data, draft.employer_establishment.postal_code)
        if deadline is not None and deadline <= last:
            due.append(DraftDeadline(draft, deadline, deadline < today))
    return sorted(due, key=lambda item: (not item.is_overdue, item.date))
