"""The remuneration time axis of §5.7: years of execution, age bands, legal (and BTP branch) minimum rates, and the
rows the wizard pre-fills."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, Decimal
from typing import Any

from .codes import (
    AGE_BAND_THRESHOLDS,
    BTP_MINIMUM_RATES,
    DISABILITY_EXTRA_YEAR_RATES,
    IDCC_BTP_GRID,
    LEGAL_MINIMUM_RATES,
    smic_monthly,
)
from .dates import ONE_DAY, add_years, age_on, birthday, first_day_of_next_month
from .fields import remuneration_id
from .normalise import parse_bool

MAX_YEARS = 4
# The answers that let a contract run beyond 3 years for a disabled apprentice (DUR-MAX-3Y) and make its 4th year the
# extra year paid +15 points (§5.7).
DISABILITY_FLAGS = ("apprenti_rqth", "apprenti_extension_boe", "apprenti_equivalence_jeunes")
AVENANT_FAILED_EXAM = "33"  # prolongation after a failed exam: the last year's percentage (D. 6222-28-1)
AVENANT_DISABILITY = "34"  # prolongation after the apprentice's recognition as a disabled worker


def is_disability_extension(data: Mapping[str, Any]) -> bool:
    """Whether a 4th year of execution is the extra year of a disabled apprentice (RQTH, BOE, équivalence jeunes,
    or an avenant 34), paid the 3rd-year percentage + 15 points; an avenant 33 keeps the last year's percentage.
    `data`: a CERFA payload, raw or normalised."""
    contract_type = str(data.get("contrat_type") or "").strip()
    if contract_type == AVENANT_FAILED_EXAM:
        return False
    return contract_type == AVENANT_DISABILITY or any(parse_bool(data.get(flag)) is True for flag in DISABILITY_FLAGS)


def is_btp_agreement(idcc: Any) -> bool:
    """Whether the collective agreement (IDCC, raw or normalised) is one of the building trades' whose apprentices
    are paid at least the BTP branch grid (accord du 8 février 2005): the grid of btp_rate."""
    code = str(idcc or "").strip()
    if code.isdigit() and len(code) <= 4:
        code = code.zfill(4)
    return code in IDCC_BTP_GRID


def band_of_age(age: int) -> int:
    """0 = under 18 (under-16 paid as 16-17), 1 = 18-20, 2 = 21-25, 3 = 26 and over."""
    return sum(age >= threshold for threshold in AGE_BAND_THRESHOLDS)


def legal_rate(year: int, band: int, *, disability_extension: bool = False) -> Decimal:
    """`disability_extension`: the 4th year is a disabled apprentice's extra year (3rd-year rate + 15 points)."""
    if year >= MAX_YEARS and disability_extension:
        return DISABILITY_EXTRA_YEAR_RATES[band]
    return LEGAL_MINIMUM_RATES[min(year, MAX_YEARS)][band]


def btp_rate(year: int, band: int, *, disability_extension: bool = False) -> Decimal:
    """Branch minimum = max(legal grid, BTP grid); the 100 % legal rate from 26 prevails."""
    legal = legal_rate(year, band, disability_extension=disability_extension)
    return max(legal, BTP_MINIMUM_RATES[min(year, MAX_YEARS)][min(band, 2)])


def minimum_amount(rate: Decimal, reference: Decimal) -> Decimal:
    """Monthly minimum: rate % of the reference, rounded up to the cent (as the government tool does)."""
    return (rate * reference / 100).quantize(Decimal("0.01"), rounding=ROUND_CEILING)


def year_window(start: date, end: date, year: int) -> tuple[date, date]:
    """First and last day of the year of execution `year` (1…4): anniversaries of the start, not calendar or school
    years; the 4th year runs to the end of the contract, even beyond 12 months."""
    first = add_years(start, year - 1)
    last = add_years(start, year) - ONE_DAY
    if year == MAX_YEARS:
        last = max(last, end)
    return first, last


def contract_years(start: date, end: date) -> list[int]:
    """The years of execution a contract covers."""
    return [year for year in range(1, MAX_YEARS + 1) if year_window(start, end, year)[0] <= end]


@dataclass(frozen=True)
class Timeline:
    """The contract's time axis for one apprentice. `disability_extension`: its 4th year is a disabled apprentice's
    extra year (is_disability_extension), paid the 3rd-year percentage + 15 points."""

    birth: date
    start: date
    end: date
    disability_extension: bool = False

    def year_of(self, day: date) -> int:
        """Year of execution (1…4) of a day: anniversaries of the start; the 4th year runs to the end."""
        year = 1
        while year < MAX_YEARS and add_years(self.start, year) <= day:
            year += 1
        return year

    def year_window(self, year: int) -> tuple[date, date]:
        return year_window(self.start, self.end, year)

    def years(self) -> list[int]:
        return contract_years(self.start, self.end)

    def band_change_dates(self) -> list[date]:
        """Days on which a new age band applies: the 1st of the month after the 18th, 21st and 26th birthdays."""
        return [first_day_of_next_month(birthday(self.birth, age)) for age in AGE_BAND_THRESHOLDS]

    def band_on(self, day: date) -> int:
        """The band of the age at start, then the new band from the 1st of the month following the birthday."""
        changed = sum(change <= day for change in self.band_change_dates())
        return max(band_of_age(age_on(self.birth, self.start)), changed)

    def breakpoints(self, first: date, last: date) -> list[date]:
        """The days of [first, last] ∩ [start, end] at which the year or the band may change (first one included);
        the minimum rate is constant between two of them."""
        first, last = max(first, self.start), min(last, self.end)
        if last < first:
            return []
        changes = [add_years(self.start, year) for year in range(1, MAX_YEARS)] + self.band_change_dates()
        return [first] + sorted({day for day in changes if first < day <= last})

    def minimum_rate(self, first: date, last: date, *, btp: bool = False) -> Decimal | None:
        """The highest minimum rate applicable on any day of [first, last] (None when outside the contract)."""
        grid = btp_rate if btp else legal_rate
        rates = [
            grid(self.year_of(day), self.band_on(day), disability_extension=self.disability_extension)
            for day in self.breakpoints(first, last)
        ]
        return max(rates) if rates else None

    def smc_minimum_rate(self, first: date, last: date) -> Decimal | None:
        """The highest legal rate on the days of [first, last] when the apprentice is in the 21+ bands (where the
        SMC applies if more favourable); None when there is no such day."""
        rates = [
            legal_rate(self.year_of(day), band, disability_extension=self.disability_extension)
            for day in self.breakpoints(first, last)
            if (band := self.band_on(day)) >= 2
        ]
        return max(rates) if rates else None


@dataclass(frozen=True)
class RemunerationRow:
    year: int
    period: int
    du: date
    au: date
    taux: Decimal
    base: str

    def as_payload(self) -> dict[str, str]:
        return {
            remuneration_id(self.year, self.period, "du"): self.du.isoformat(),
            remuneration_id(self.year, self.period, "au"): self.au.isoformat(),
            remuneration_id(self.year, self.period, "taux"): str(self.taux),
            remuneration_id(self.year, self.period, "base"): self.base,
        }


def suggest_rows(
    birth: date,
    start: date,
    end: date,
    *,
    smc: Decimal | None = None,
    mayotte: bool = False,
    disability_extension: bool = False,
    btp: bool = False,
) -> list[RemunerationRow]:
    """The rows the wizard pre-fills (§5.7 "Auto-generation"): one per year covered, split in two periods when the
    age band changes during the year; rate = legal minimum (`disability_extension`: see Timeline), or the BTP branch
    minimum when `btp` (is_btp_agreement: the grid rule W-BTP-GRID checks); base = SMC when the apprentice is 21 or
    older in the period and the SMC exceeds the SMIC in force at the start."""
    timeline = Timeline(birth, start, end, disability_extension)
    smic = smic_monthly(start, mayotte=mayotte)
    smc_is_better = smc is not None and smic is not None and smc > smic
    rows = []
    for year in timeline.years():
        first, last = timeline.year_window(year)
        last = min(last, end)
        cut = next((day for day in timeline.band_change_dates() if first < day <= last), None)
        periods = [(first, last)] if cut is None else [(first, cut - ONE_DAY), (cut, last)]
        for period, (du, au) in enumerate(periods, start=1):
            rate = timeline.minimum_rate(du, au, btp=btp) or Decimal(0)
            base = "SMC" if smc_is_better and timeline.band_on(du) >= 2 else "SMIC"
            rows.append(RemunerationRow(year, period, du, au, rate, base))
    return rows
