"""The NPEC payment schedule of an apprenticeship contract (Constructys -> CFA), as a pure function.

`compute_schedule(contract, regime)` turns the contract's dates, its annual NPEC, the certification's level and a few
flags into instalments with their dates and amounts to the cent. No Django, no database: the regime's figures come
from an admin-edited `invoicing.models.PaymentRule` row (`PaymentRule.regime()`), so they are configured and dated,
never hard-coded here. The two statutory regimes are in `REFERENCE_REGIMES` (the data migration wrote them as the
first rows) so that the tests can check the rules against independent cases.

Sources (spec: shared/spec/npec-and-deadlines.md):
- Code du travail R.6332-25 III-VI, wording of décret n° 2025-585 of 27 June 2025 (contracts concluded from
  1 July 2025, art. 2 of the décret), and the wording of décret n° 2020-1739 (contracts concluded from 1 January
  2021 to 30 June 2025);
- R.6332-25-1 and R.6332-25-2 (employer participation, certifications of level 6 or above);
- D.6332-82-1 (décret n° 2025-586: training at least 80 % remote, NPEC -20 %, never below 4 000 €).

Conventions where the texts are silent (spec § 1.3, docs/invoicing.md, the rule's admin help):
- days: calendar days of the year of execution × annual NPEC / 365, also in a leap year (366 days pay 366/365);
- rounding: half-up to the cent; each year's amount rounded once, then each share; the balance absorbs the rest;
- "at the 7th / 10th month" = the last day of that month of the year of execution; month k starts k-1 calendar
  months after the year's start, with end-of-month clamping;
- an instalment whose month falls after the end of a (last, partial) year goes into that year's balance;
- new CFA: the first payment is due on the later of the invoice + 30 days and the last day of month 3;
- rupture: instalments already due on the rupture date keep their amounts; one closing balance settles the rest
  (negative when the CFA was overpaid); whether the rupture fell within the first 45 days is declared, not derived.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
DAYS_BASIS = 365  # spec § 1.3: a 365-day basis, also in a leap year


class ScheduleError(ValueError):
    """The contract cannot be scheduled (dates in the wrong order, no regime for its conclusion date)."""


@dataclass(frozen=True)
class Regime:
    """The figures of one payment regime (one PaymentRule row). Shares are fractions (Decimal("0.40"))."""

    name: str
    concluded_from: datetime.date
    concluded_until: datetime.date | None
    # Yearly instalments before the balance: (month of the year of execution, share); month 1 = the advance.
    instalments: tuple[tuple[int, Decimal], ...]
    short_contract_advance: Decimal  # R.6332-25 IV: a single advance for a contract under one year
    payment_delay_days: int = 30  # "au plus tard trente jours après la réception de la facture"
    begun_month_rule: bool = False  # décret 2020-1739: each month of contract begun is due (12 m 3 d = 13 months)
    employer_participation: Decimal | None = None  # R.6332-25-1: 750 €, level 6 or above; None: no participation
    participation_after_early_rupture_elsewhere: Decimal | None = None  # R.6332-25-1: 200 €
    early_rupture_participation_rate: Decimal | None = None  # R.6332-25-2: 50 % of the prorated NPEC
    participation_min_level: int = 6
    distance_reduction: Decimal | None = None  # D.6332-82-1: 20 %
    distance_floor: Decimal | None = None  # D.6332-82-1: never below 4 000 €
    final_documents_months: int | None = None  # R.6332-25 III 4°: documents within four months of the end
    new_cfa_first_payment_month: int | None = None  # R.6332-25 V: first payment deferred to the 3rd month
    reduced_duration_uplift: Decimal = Decimal("0.10")  # R.6332-25 IV / L.6222-7-1: +10 %, never above the NPEC
    # Décret 2020-1739: the balance of each year "at the 10th month"; None: with the next year's advance, and the
    # last year's after its end on the documents (décret 2025-585, R.6332-25 III 4°).
    balance_month: int | None = None

    def applies_to(self, concluded_on: datetime.date) -> bool:
        return self.concluded_from <= concluded_on and (
            self.concluded_until is None or concluded_on <= self.concluded_until
        )


REFERENCE_REGIMES = (
    Regime(
        name="Décret n° 2020-1739 (contrats conclus du 01/01/2021 au 30/06/2025)",
        concluded_from=datetime.date(2021, 1, 1),
        concluded_until=datetime.date(2025, 6, 30),
        instalments=((1, Decimal("0.40")), (7, Decimal("0.30"))),  # the balance (30 %) at the 10th month
        short_contract_advance=Decimal("0.50"),
        begun_month_rule=True,
        balance_month=10,
    ),
    Regime(
        name="Décret n° 2025-585 (contrats conclus à partir du 01/07/2025)",
        concluded_from=datetime.date(2025, 7, 1),
        concluded_until=None,
        instalments=((1, Decimal("0.40")), (7, Decimal("0.30")), (10, Decimal("0.20"))),  # balance 10 %
        short_contract_advance=Decimal("0.50"),
        employer_participation=Decimal("750.00"),
        participation_after_early_rupture_elsewhere=Decimal("200.00"),
        early_rupture_participation_rate=Decimal("0.50"),
        distance_reduction=Decimal("0.20"),
        distance_floor=Decimal("4000.00"),
        final_documents_months=4,
        new_cfa_first_payment_month=3,
    ),
)


def regime_for(concluded_on: datetime.date, regimes) -> Regime:
    """The regime of a contract, decided by its date of conclusion (décret 2025-585, art. 2)."""
    for regime in regimes:
        if regime.applies_to(concluded_on):
            return regime
    raise ScheduleError(f"Aucune règle de paiement pour un contrat conclu le {concluded_on:%d/%m/%Y}.")


@dataclass(frozen=True)
class Contract:
    """What the schedule depends on. `ends_on` is the last day of the contract (inclusive); `ruptured_on` its last
    day after a rupture."""

    starts_on: datetime.date
    ends_on: datetime.date
    concluded_on: datetime.date
    annual_npec: Decimal
    level: int | None = None
    is_new_cfa: bool = False
    is_distance: bool = False  # at least 80 % of the teaching remote (D.6332-82-1)
    new_contract_after_early_rupture: bool = False  # with another employer (R.6332-25-1: 200 €)
    reduced_duration_convention: bool = False  # L.6222-7-1 al. 3: +10 % for a contract under one year
    ruptured_on: datetime.date | None = None
    rupture_within_45_days: bool = False  # declared (spec § 1.3), never derived from dates


class Kind:
    ADVANCE = "advance"
    INSTALMENT = "instalment"
    BALANCE = "balance"
    CLOSING = "closing"  # after a rupture


KIND_LABELS = {
    Kind.ADVANCE: "Avance",
    Kind.INSTALMENT: "Acompte",
    Kind.BALANCE: "Solde",
    Kind.CLOSING: "Solde après rupture",
}


@dataclass(frozen=True)
class Instalment:
    year: int  # year of execution, 1-based
    kind: str
    share: Decimal | None  # of the year's amount; None for a closing balance
    amount: Decimal
    invoicable_from: datetime.date  # the CFA may invoice it from this day
    due_on: datetime.date  # paid at the latest this day when invoiced on invoicable_from
    documents: tuple[str, ...] = ()  # what must come with the invoice
    documents_deadline: datetime.date | None = None  # after it, not due at all (R.6332-25 III 4°)

    @property
    def label(self) -> str:
        months = {Kind.INSTALMENT: f" ({self.invoicable_from:%m/%Y})"}
        return f"{KIND_LABELS[self.kind]} année {self.year}{months.get(self.kind, '')}"


@dataclass(frozen=True)
class Schedule:
    regime: Regime
    annual_npec: Decimal  # after the distance reduction
    participation: Decimal
    years: tuple[Decimal, ...]  # amount of each year of execution
    instalments: tuple[Instalment, ...] = field(default_factory=tuple)

    @property
    def total(self) -> Decimal:
        return sum((i.amount for i in self.instalments), Decimal("0.00"))


# Dates -------------------------------------------------------------------------------------------------------------


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day number `months` later, clamped to the end of the month (31 Jan + 1 month = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def last_day_of_month(year_start: datetime.date, month: int) -> datetime.date:
    """The last day of month `month` of a year of execution: the day before month `month + 1` starts (§ 1.3)."""
    return add_months(year_start, month) - datetime.timedelta(days=1)


def years_of_execution(starts_on: datetime.date, ends_on: datetime.date) -> list[tuple[datetime.date, datetime.date]]:
    """(first day, last day) of each year of execution, the last one cut at `ends_on`."""
    years, start = [], starts_on
    while start <= ends_on:
        end = min(add_months(starts_on, 12 * (len(years) + 1)) - datetime.timedelta(days=1), ends_on)
        years.append((start, end))
        start = end + datetime.timedelta(days=1)
    return years


def months_begun(start: datetime.date, end: datetime.date) -> int:
    """Months of contract begun between two days (décret 2020-1739: "chaque mois débuté est dû")."""
    count = 0
    while add_months(start, count) <= end:
        count += 1
    return count


# Amounts -----------------------------------------------------------------------------------------------------------


def cents(value: Decimal) -> Decimal:
    """Half-up to the cent (spec § 1.3)."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def effective_npec(contract: Contract, regime: Regime) -> Decimal:
    """The annual NPEC after the distance reduction (D.6332-82-1): -20 %, never below 4 000 € (an NPEC already
    below the floor is not reduced)."""
    npec = Decimal(contract.annual_npec)
    if contract.is_distance and regime.distance_reduction is not None:
        reduced = npec * (1 - regime.distance_reduction)
        floor = min(npec, regime.distance_floor or Decimal(0))
        npec = max(reduced, floor)
    return cents(npec)


def year_amount(npec: Decimal, start: datetime.date, end: datetime.date, regime: Regime) -> Decimal:
    """One year of execution: the months begun / 12 (old regime) or the days / 365 (new regime), capped by
    neither (a 366-day year pays 366/365, spec § 1.3)."""
    if regime.begun_month_rule:
        return cents(npec * min(months_begun(start, end), 12) / 12)
    return cents(npec * ((end - start).days + 1) / DAYS_BASIS)


def participation(contract: Contract, regime: Regime, npec: Decimal, ends_on: datetime.date) -> Decimal:
    """The employer's participation deducted from the first advance (R.6332-25-1/-2), level 6 or above only."""
    if regime.employer_participation is None or (contract.level or 0) < regime.participation_min_level:
        return Decimal("0.00")
    if contract.ruptured_on and contract.rupture_within_45_days and regime.early_rupture_participation_rate:
        # R.6332-25-2: 50 % of the NPEC prorated to the days executed, capped at the participation.
        prorated = npec * ((ends_on - contract.starts_on).days + 1) / DAYS_BASIS
        return min(cents(prorated * regime.early_rupture_participation_rate), regime.employer_participation)
    if contract.new_contract_after_early_rupture and regime.participation_after_early_rupture_elsewhere is not None:
        return regime.participation_after_early_rupture_elsewhere
    return regime.employer_participation


# The schedule ------------------------------------------------------------------------------------------------------

INVOICE = "facture"
START_CERTIFICATE = "attestation de démarrage de la formation"
COMPLETION_CERTIFICATE = "attestation de réalisation"
PARTICIPATION_INVOICE = "copie de la facture de participation de l'employeur"


def _planned(contract: Contract, regime: Regime, ends_on: datetime.date) -> Schedule:
    """The schedule of a contract that runs until `ends_on`, without a rupture's closing balance."""
    if ends_on < contract.starts_on:
        raise ScheduleError("La date de fin du contrat précède sa date de début.")
    npec = effective_npec(contract, regime)
    years = years_of_execution(contract.starts_on, ends_on)
    # R.6332-25 IV: a contract under one year (its only year is shorter than a full year of execution).
    is_short = len(years) == 1 and ends_on < add_months(contract.starts_on, 12) - datetime.timedelta(days=1)
    amounts = []
    for start, end in years:
        amount = year_amount(npec, start, end, regime)
        if is_short and contract.reduced_duration_convention:
            amount = min(cents(amount * (1 + regime.reduced_duration_uplift)), npec)
        amounts.append(amount)
    owed = participation(contract, regime, npec, ends_on)
    delay = datetime.timedelta(days=regime.payment_delay_days)
    instalments: list[Instalment] = []
    for number, ((start, end), amount) in enumerate(zip(years, amounts, strict=True), start=1):
        is_last = number == len(years)
        plan = ((1, regime.short_contract_advance),) if is_short else regime.instalments
        paid = Decimal("0.00")
        for month, share in plan:
            on = start if month == 1 else last_day_of_month(start, month)
            if on > end:
                continue  # a partial last year: what falls after its end goes into the balance
            value = cents(amount * share)
            paid += value
            kind = Kind.ADVANCE if month == 1 else Kind.INSTALMENT
            documents = (INVOICE,)
            due_on = on + delay if month == 1 else on
            if month == 1 and number == 1:
                value -= owed  # R.6332-25 III 1°: deducted whether or not the CFA collected it
                if contract.is_new_cfa and regime.new_cfa_first_payment_month:
                    # R.6332-25 V: on the start certificate, the first payment deferred to the 3rd month.
                    documents = (INVOICE, START_CERTIFICATE)
                    due_on = max(due_on, last_day_of_month(start, regime.new_cfa_first_payment_month))
            elif month == 1 and contract.is_new_cfa and regime.new_cfa_first_payment_month:
                documents = (INVOICE, START_CERTIFICATE)  # V: every advance waits for the certificate
            instalments.append(Instalment(number, kind, share, value, on, due_on, documents))
        balance = amount - paid
        if regime.balance_month and not is_short and last_day_of_month(start, regime.balance_month) <= end:
            on = last_day_of_month(start, regime.balance_month)  # décret 2020-1739: at the 10th month
            instalments.append(Instalment(number, Kind.BALANCE, None, balance, on, on, (INVOICE,)))
            continue
        if not is_last:
            # III 4°: paid with the next year's advance, with no document.
            next_start = years[number][0]
            instalments.append(Instalment(number, Kind.BALANCE, None, balance, next_start, next_start + delay))
            continue
        on = end + datetime.timedelta(days=1)
        documents, deadline = (INVOICE,), None
        if regime.final_documents_months is not None:
            documents = (INVOICE, COMPLETION_CERTIFICATE) + ((PARTICIPATION_INVOICE,) if owed else ())
            deadline = add_months(end, regime.final_documents_months)
        instalments.append(Instalment(number, Kind.BALANCE, None, balance, on, on + delay, documents, deadline))
    return Schedule(regime, npec, owed, tuple(amounts), tuple(_with_shares(instalments, amounts)))


def _with_shares(instalments: list[Instalment], amounts: list[Decimal]) -> list[Instalment]:
    """The balance's share is what the others left of the year (10 % or 30 % of a full year)."""
    result = []
    for item in instalments:
        if item.kind == Kind.BALANCE:
            taken = sum(i.share for i in instalments if i.year == item.year and i.kind != Kind.BALANCE)
            item = replace(item, share=Decimal(1) - taken)
        result.append(item)
    return result


def compute_schedule(contract: Contract, regime: Regime) -> Schedule:
    """The instalments of a contract, after its rupture if it has one.

    After a rupture (spec § 1.3) the instalments already due on the rupture date keep the amounts of the planned
    schedule, and one closing balance brings the total to what the contract executed is worth (its years prorated
    to the rupture, minus the participation recomputed): negative when the CFA was overpaid, and the difference of
    participation (R.6332-25-2, rupture in the first 45 days) travels in it.
    """
    if not contract.ruptured_on:
        return _planned(contract, regime, contract.ends_on)
    if contract.ruptured_on < contract.starts_on:
        raise ScheduleError("La date de rupture précède la date de début du contrat.")
    planned = _planned(replace(contract, ruptured_on=None, rupture_within_45_days=False), regime, contract.ends_on)
    executed = _planned(contract, regime, min(contract.ruptured_on, contract.ends_on))
    kept = [i for i in planned.instalments if i.invoicable_from <= contract.ruptured_on]
    closing = executed.total - sum((i.amount for i in kept), Decimal("0.00"))
    after = contract.ruptured_on + datetime.timedelta(days=1)
    documents = (INVOICE,)
    if regime.final_documents_months is not None:
        documents = (INVOICE, COMPLETION_CERTIFICATE)
    last_year = kept[-1].year if kept else 1
    closing_item = Instalment(
        last_year,
        Kind.CLOSING,
        None,
        closing,
        after,
        after + datetime.timedelta(days=regime.payment_delay_days),
        documents,
    )
    return Schedule(regime, executed.annual_npec, executed.participation, executed.years, (*kept, closing_item))
