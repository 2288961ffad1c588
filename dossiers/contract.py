"""The apprenticeship contract as it stands after its accepted avenants and its rupture: the data, dates and flags
every page that shows its amounts or dates reads (échéances and their pay amounts, the NPEC schedule of
FACTURATION, the rupture and avenant checks).

    contract = contract_in_force(dossier)   # None for a dossier without an apprenticeship CERFA
    contract.data                     # the CERFA's flat mapping, each accepted avenant applied in order
    contract.starts_on, contract.ends_on, contract.ruptured_on, contract.last_day

The dossier's own dates are the training's (issue 17), not the contract's. `dossiers` sits below `funding`, so the
funding request, its avenants and the rupture are read through the reverse relations of funding's models
(FundingRequest.dossier → `funding_request`, FundingRequest.amended_dossier → `avenants`, ContractRupture.dossier →
`rupture`); a caller that loads many dossiers prefetches `avenants` and selects `funding_request` and `rupture`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ObjectDoesNotExist

from dossiers.cerfa.codes import RUPTURE_FIRST_45_DAYS
from dossiers.cerfa.normalise import parse_date

# funding.RequestStatus.ACCEPTED: only an avenant the case manager accepted changes the contract in force.
AVENANT_ACCEPTED = "accepted"
START, END, CONCLUDED = "contrat_date_debut_execution", "contrat_date_fin", "contrat_date_conclusion"


@dataclass(frozen=True)
class Contract:
    data: dict[str, Any]  # with the last accepted avenant's type and effective date (the échéances show it)
    starts_on: datetime.date | None
    ends_on: datetime.date | None  # the planned end in force (the last accepted avenant's), before any rupture
    original_ends_on: datetime.date | None  # the end of the contract as first transmitted
    ruptured_on: datetime.date | None = None  # the last day, once broken
    rupture_within_45_days: bool = False  # declared with the reason "01" (L. 6222-18 al. 1)

    @property
    def last_day(self) -> datetime.date | None:
        if self.ruptured_on and self.ends_on:
            return min(self.ruptured_on, self.ends_on)
        return self.ruptured_on or self.ends_on

    @property
    def concluded_on(self) -> datetime.date | None:
        return parse_date(self.data.get(CONCLUDED))


def _related(dossier, name):
    try:
        return getattr(dossier, name)
    except ObjectDoesNotExist:  # a reverse one-to-one without its row
        return None


def accepted_avenants(dossier) -> list:
    """The accepted avenants of the dossier's contract, in their order (uses a prefetch of `avenants` if any)."""
    avenants = [a for a in dossier.avenants.all() if a.status == AVENANT_ACCEPTED]
    return sorted(avenants, key=lambda avenant: avenant.avenant_sequence or 0)


def declared_rupture(dossier):
    """The rupture the employer declared (funding.ContractRupture), or None; also for a dossier without CERFA data."""
    return _related(dossier, "rupture")


def accepted_end_date(dossier) -> datetime.date | None:
    """The end date set by the last accepted avenant that sets one, or None; also without CERFA data."""
    ends = [parse_date((avenant.data or {}).get(END)) for avenant in accepted_avenants(dossier)]
    ends = [end for end in ends if end]
    return ends[-1] if ends else None


def contract_in_force(dossier) -> Contract | None:
    """The contract in force of an apprenticeship dossier; None when the dossier has no CERFA data."""
    request = _related(dossier, "funding_request")
    if request is None or not request.data:
        return None
    original = dict(request.data)
    data = dict(original)
    for avenant in accepted_avenants(dossier):
        data.update(avenant.data or {})
    rupture = declared_rupture(dossier)
    return Contract(
        data=data,
        starts_on=parse_date(data.get(START)),
        ends_on=parse_date(data.get(END)),
        original_ends_on=parse_date(original.get(END)),
        ruptured_on=rupture.rupture_date if rupture is not None else None,
        rupture_within_45_days=rupture is not None and rupture.reason == RUPTURE_FIRST_45_DAYS,
    )


def contract_dates(dossier) -> tuple[datetime.date, datetime.date]:
    """The contract's start of execution and planned end in force; the dossier's dates for a dossier without CERFA
    data (older or imported dossiers)."""
    contract = contract_in_force(dossier)
    start = (contract.starts_on if contract else None) or dossier.start_date
    end = (contract.ends_on if contract else None) or dossier.end_date
    return start, end
