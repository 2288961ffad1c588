"""From a dossier's stored data to the plain facts deadlines.rules reads. `contract_of` is pure (the CERFA's flat
mapping in, a rules.Contract out); deadlines.services gathers the rest from the database."""

from __future__ import annotations

from datetime import date
from typing import Any

from common.formats import parse_decimal
from deadlines.rules import Contract, PayRow, is_alsace_moselle, transmission_deadline
from dossiers.cerfa.codes import MAYOTTE_POSTCODE_PREFIX
from dossiers.cerfa.fields import REMUNERATION_PERIODS, REMUNERATION_YEARS, remuneration_id
from dossiers.cerfa.normalise import parse_date


def _pay_rows(data: dict[str, Any]) -> tuple[PayRow, ...]:
    rows = []
    for year in REMUNERATION_YEARS:
        for period in REMUNERATION_PERIODS:
            first = parse_date(data.get(remuneration_id(year, period, "du")))
            last = parse_date(data.get(remuneration_id(year, period, "au")))
            rate = parse_decimal(data.get(remuneration_id(year, period, "taux")))
            if first and last and rate is not None:
                base = str(data.get(remuneration_id(year, period, "base")) or "SMIC")
                rows.append(PayRow(first, last, rate, base))
    return tuple(rows)


def contract_of(data: dict[str, Any], *, start: date, end: date) -> Contract:
    """The contract as the CERFA's data says it; `start`/`end` are the dossier's (the back office may correct them,
    the dossier wins)."""
    postcode = str(data.get("employeur_adresse_code_postal") or "")
    return Contract(
        start=parse_date(data.get("contrat_date_debut_execution")) or start,
        end=end,
        concluded=parse_date(data.get("contrat_date_conclusion")),
        practical_start=parse_date(data.get("contrat_date_debut_formation_pratique")),
        cfa_start=parse_date(data.get("formation_date_debut")),
        last_exam=parse_date(data.get("formation_date_fin_epreuves")),
        birth=parse_date(data.get("apprenti_date_naissance")),
        contract_type=str(data.get("contrat_type") or ""),
        amendment_effective=parse_date(data.get("contrat_date_effet_avenant")),
        pay_rows=_pay_rows(data),
        smc=parse_decimal(data.get("contrat_smc_montant")),
        mayotte=postcode.startswith(MAYOTTE_POSTCODE_PREFIX),
    )


def complete_file_received_on(data: dict[str, Any], last_received: date | None) -> date | None:
    """The receipt of the complete file (R.6224-3): the CERFA's "date de réception du dossier complet" when the
    back office filled it in, else the day the dossier was last marked "Reçu"."""
    return parse_date(data.get("depot_date_reception")) or last_received


def draft_transmission_deadline(data: dict[str, Any], employer_postcode: str = "") -> date | None:
    """The transmission deadline (D.6224-1) of a CERFA draft not transmitted yet, for the portal's home page to show
    an overdue transmission: drafts have no dossier, hence no rows (deadlines sits below funding). None without a
    start of execution."""
    start = parse_date(data.get("contrat_date_debut_execution"))
    if start is None:
        return None
    postcode = employer_postcode or str(data.get("employeur_adresse_code_postal") or "")
    return transmission_deadline(start, alsace_moselle=is_alsace_moselle(postcode))
