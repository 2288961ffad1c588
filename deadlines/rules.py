"""The dates that matter of a dossier ("échéances"): a pure module (no Django, no ORM), over plain dataclasses built
by deadlines.adapters, tested without the database.

    events = events_of(facts)      # [Event(kind, date, audiences, label, amount, estimate, is_action, done)]

The rules, their legal sources and the conventions the portal adopts where the texts are silent are those of
shared/spec/npec-and-deadlines.md §2 (and §1.3 for the CFA's documents deadline); each rule below cites its source.
The pay grid and the SMIC are the CERFA engine's (dossiers.cerfa): one grid for the contract and its step-ups.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from common.formats import format_decimal
from dossiers.cerfa.codes import smic_monthly
from dossiers.cerfa.dates import ONE_DAY, add_months, add_years, easter_sunday, first_day_of_next_month
from dossiers.cerfa.dates import french_public_holidays as national_public_holidays
from dossiers.cerfa.remuneration import MAX_YEARS, band_of_age, legal_rate, minimum_amount


class Audience(StrEnum):
    COMPANY = "company"
    PROVIDER = "provider"
    CASE_MANAGER = "case_manager"


class Kind(StrEnum):
    TRANSMISSION = "transmission"
    DECISION = "decision"
    TRIAL_END = "trial_end"
    PAY_STEP = "pay_step"
    PRACTICAL_START_LIMIT = "practical_start_limit"
    CFA_START_LIMIT = "cfa_start_limit"
    LAST_EXAM = "last_exam"
    AMENDMENT = "amendment"
    START = "start"
    END = "end"
    ATTENDANCE_DUE = "attendance_due"
    INVOICE_DUE = "invoice_due"
    CFA_DOCUMENTS_DUE = "cfa_documents_due"


KIND_LABELS = {
    Kind.TRANSMISSION: "Transmission du contrat à l'OPCO",
    Kind.DECISION: "Décision de l'OPCO",
    Kind.TRIAL_END: "Fin de la période probatoire",
    Kind.PAY_STEP: "Hausse de rémunération",
    Kind.PRACTICAL_START_LIMIT: "Début de la formation pratique",
    Kind.CFA_START_LIMIT: "Début de la formation en CFA",
    Kind.LAST_EXAM: "Dernière épreuve",
    Kind.AMENDMENT: "Avenant",
    Kind.START: "Début",
    Kind.END: "Fin",
    Kind.ATTENDANCE_DUE: "Attestation d'assiduité",
    Kind.INVOICE_DUE: "Facture",
    Kind.CFA_DOCUMENTS_DUE: "Documents de solde du CFA",
}

COMPANY = frozenset({Audience.COMPANY})
COMPANY_AND_PROVIDER = frozenset({Audience.COMPANY, Audience.PROVIDER})
PROVIDER = frozenset({Audience.PROVIDER})
CASE_MANAGER_AND_COMPANY = frozenset({Audience.CASE_MANAGER, Audience.COMPANY})


@dataclass(frozen=True)
class Event:
    """One dated event of a dossier. `is_action`: someone must do something by that date (it can be overdue);
    `done`: it is done (or can no longer be). `estimate`: the date is an estimate, labelled as such."""

    kind: Kind
    date: date
    audiences: frozenset[Audience]
    label: str
    amount: Decimal | None = None
    estimate: bool = False
    is_action: bool = False
    done: bool = False


@dataclass(frozen=True)
class PayRow:
    """A remuneration row of the CERFA (from, to, % , base "SMIC" or "SMC")."""

    first: date
    last: date
    rate: Decimal
    base: str = "SMIC"


@dataclass(frozen=True)
class Contract:
    """What the apprenticeship contract (the CERFA's data) says about dates and pay."""

    start: date  # contrat_date_debut_execution
    end: date  # contrat_date_fin
    concluded: date | None = None  # contrat_date_conclusion
    practical_start: date | None = None  # contrat_date_debut_formation_pratique
    cfa_start: date | None = None  # formation_date_debut
    last_exam: date | None = None  # formation_date_fin_epreuves
    birth: date | None = None  # apprenti_date_naissance
    contract_type: str = ""  # contrat_type (31 to 38: avenants)
    amendment_effective: date | None = None  # contrat_date_effet_avenant
    pay_rows: tuple[PayRow, ...] = ()
    smc: Decimal | None = None  # contrat_smc_montant
    mayotte: bool = False  # employer postcode 976xx: the Mayotte SMIC


@dataclass(frozen=True)
class DossierFacts:
    """What the rules need of a dossier."""

    is_apprenticeship: bool
    start: date
    end: date
    employer_postcode: str = ""
    transmitted_on: date | None = None
    complete_file_received_on: date | None = None  # receipt of the complete file by the OPCO
    is_decided: bool = False  # accepted, refused, closed or cancelled
    is_dropped: bool = False  # refused or cancelled: nothing more will happen
    is_closed: bool = False  # "Soldé"
    received_document_kinds: frozenset[str] = field(default_factory=frozenset)  # "attendance", "invoice"
    contract: Contract | None = None


# --- calendars ------------------------------------------------------------------------------------------------------

# L.3134-13: in Moselle, Bas-Rhin and Haut-Rhin, Good Friday (where there is a Protestant church, applied by the
# spec to every employer there) and 26 December are public holidays on top of those of L.3133-1.
ALSACE_MOSELLE_DEPARTEMENTS = ("57", "67", "68")


def is_alsace_moselle(postcode: str) -> bool:
    """Whether an employer's postcode is in Moselle, Bas-Rhin or Haut-Rhin (the département is its first two
    digits)."""
    return (postcode or "").strip()[:2] in ALSACE_MOSELLE_DEPARTEMENTS


def public_holidays(year: int, *, alsace_moselle: bool = False) -> frozenset[date]:
    """The eleven public holidays of L.3133-1 (Easter Monday, Ascension and Whit Monday move with Easter: the CERFA
    engine's list), plus Good Friday and 26 December in Alsace-Moselle (L.3134-13)."""
    holidays = national_public_holidays(year)
    if alsace_moselle:
        holidays = holidays | {easter_sunday(year) - timedelta(days=2), date(year, 12, 26)}
    return holidays


def is_jour_ouvrable(day: date, *, alsace_moselle: bool = False) -> bool:
    """Monday to Saturday, public holidays excluded (spec §2: a deadline on a Saturday stays there)."""
    return day.weekday() != 6 and day not in public_holidays(day.year, alsace_moselle=alsace_moselle)


def add_jours_ouvrables(day: date, count: int, *, alsace_moselle: bool = False) -> date:
    """The `count`-th jour ouvrable after `day` (the day itself does not count)."""
    while count > 0:
        day += ONE_DAY
        if is_jour_ouvrable(day, alsace_moselle=alsace_moselle):
            count -= 1
    return day


def nth_working_day(first: date, count: int, *, alsace_moselle: bool = False) -> date:
    """The `count`-th Monday-to-Friday day without a public holiday, counting `first` itself when it is one."""
    day = first - ONE_DAY
    while count > 0:
        day += ONE_DAY
        if day.weekday() < 5 and day not in public_holidays(day.year, alsace_moselle=alsace_moselle):
            count -= 1
    return day


# --- ages (spec §2: a 29 February birthday is reached on 28 February in a common year) ------------------------------


def reached_on(birth: date, age: int) -> date:
    """The day the apprentice reaches `age`; born 29 February, on 28 February of a common year (spec §2)."""
    year = birth.year + age
    if birth.month == 2 and birth.day == 29 and not calendar.isleap(year):
        return date(year, 2, 28)
    return date(year, birth.month, birth.day)


def age_on(birth: date, day: date) -> int:
    age = day.year - birth.year
    while age > 0 and reached_on(birth, age) > day:
        age -= 1
    return age


# --- apprenticeship rules --------------------------------------------------------------------------------------------

TRANSMISSION_JOURS_OUVRABLES = 5  # D.6224-1
DECISION_DAYS = 20  # R.6224-3: calendar days, not extended past a weekend or a holiday
TRIAL_PRACTICAL_DAYS = 45  # L.6222-18
START_WINDOW_MONTHS = 3  # L.6222-12 (practical training and CFA at the latest 3 months after the start)
AGE_THRESHOLDS = (18, 21, 26)  # D.6222-26 / D.6222-31: the age bands of the pay grid
AMENDMENT_TYPES = frozenset({"31", "32", "33", "34", "35", "36", "37", "38"})
# R.6332-25 III 4° (décret n° 2025-585, contracts concluded from 1 July 2025): the balance is due only if the
# CFA's invoice and attestation de réalisation reach the OPCO within four months of the end (spec §1.1, §1.3).
CFA_DOCUMENTS_MONTHS = 4
CFA_DOCUMENTS_RULE_SINCE = date(2025, 7, 1)


def transmission_deadline(start: date, *, alsace_moselle: bool = False) -> date:
    """D.6224-1: at the latest 5 jours ouvrables after the start of execution (Monday to Saturday, without the
    public holidays of L.3133-1, and in Alsace-Moselle of L.3134-13)."""
    return add_jours_ouvrables(start, TRANSMISSION_JOURS_OUVRABLES, alsace_moselle=alsace_moselle)


def decision_deadline(received: date) -> date:
    """R.6224-3: the OPCO decides within 20 days of receiving the complete file; its silence is a refusal."""
    return received + timedelta(days=DECISION_DAYS)


def trial_end_estimate(practical_start: date, *, alsace_moselle: bool = False) -> date:
    """L.6222-18: 45 days, consecutive or not, of practical training in the company. Without the CFA calendar and
    the absences, the spec's estimate: the 45th Monday-to-Friday day without public holidays from the start of the
    practical training. Never used to decide a rupture's reason."""
    return nth_working_day(practical_start, TRIAL_PRACTICAL_DAYS, alsace_moselle=alsace_moselle)


def start_window_end(start: date) -> date:
    """L.6222-12: practical training and CFA start at the latest 3 calendar months after the start of execution
    (end-of-month clamping)."""
    return add_months(start, START_WINDOW_MONTHS)


@dataclass(frozen=True)
class PayStep:
    day: date
    rate: Decimal
    base: str
    amount: Decimal | None
    year: int
    age: int | None  # the age reached, when a birthday causes the rise


class PayAxis:
    """The contract's pay on each day: the CERFA engine's legal grid (year of execution × age band, D.6222-26), the
    band changing the first day of the month after the 18th, 21st and 26th birthdays (D.6222-31), the first band
    being the age at the start; a rate the contract sets higher (its remuneration rows) prevails."""

    def __init__(self, contract: Contract):
        self.contract = contract
        birth = contract.birth
        self.start_band = band_of_age(age_on(birth, contract.start)) if birth else 0
        self.band_changes = (
            {first_day_of_next_month(reached_on(birth, age)): age for age in AGE_THRESHOLDS} if birth else {}
        )

    def year_of(self, day: date) -> int:
        """Year of execution: anniversaries of the start (D.6222-26); the 4th runs to the end (CERFA engine)."""
        year = 1
        while year < MAX_YEARS and add_years(self.contract.start, year) <= day:
            year += 1
        return year

    def band_on(self, day: date) -> int:
        return max(self.start_band, sum(change <= day for change in self.band_changes))

    def row_on(self, day: date) -> PayRow | None:
        return next((row for row in self.contract.pay_rows if row.first <= day <= row.last), None)

    def rate_on(self, day: date) -> Decimal:
        rate = legal_rate(self.year_of(day), self.band_on(day))
        row = self.row_on(day)
        return max(rate, row.rate) if row else rate

    def base_on(self, day: date) -> str:
        """The SMC from 21 when it is more favourable than the SMIC in force (D.6222-26), or the row's own base."""
        row = self.row_on(day)
        if row and row.base == "SMC":
            return "SMC"
        smic = smic_monthly(day, mayotte=self.contract.mayotte)
        smc = self.contract.smc
        if self.band_on(day) >= 2 and smc and smic and smc > smic:
            return "SMC"
        return "SMIC"

    def amount_on(self, day: date, rate: Decimal, base: str) -> Decimal | None:
        """Gross monthly minimum: rate × the SMIC in force that day (or the SMC), rounded up to the cent as the
        CERFA engine does."""
        reference = self.contract.smc if base == "SMC" else smic_monthly(day, mayotte=self.contract.mayotte)
        return minimum_amount(rate, reference) if reference else None

    def steps(self) -> list[PayStep]:
        """The days on which the rate rises, within the contract: an anniversary and a birthday band change on the
        same day are one step; a change that does not raise the rate is not a step (spec §2)."""
        contract = self.contract
        if contract.birth is None:
            return []
        anniversaries = {add_years(contract.start, year) for year in range(1, 10)}
        candidates = sorted(
            day for day in anniversaries | set(self.band_changes) if contract.start < day <= contract.end
        )
        steps = []
        for day in candidates:
            rate = self.rate_on(day)
            if rate > self.rate_on(day - ONE_DAY):
                base = self.base_on(day)
                steps.append(
                    PayStep(
                        day, rate, base, self.amount_on(day, rate, base), self.year_of(day), self.band_changes.get(day)
                    )
                )
        return steps


def pay_step_label(step: PayStep) -> str:
    cause = f"{step.age} ans" if step.age else f"{step.year}e année"
    return f"Hausse de rémunération ({cause}) : {format_decimal(step.rate)} % du {step.base}"


def _apprenticeship_events(facts: DossierFacts, contract: Contract, alsace_moselle: bool) -> list[Event]:
    events = [
        Event(
            Kind.TRANSMISSION,
            transmission_deadline(contract.start, alsace_moselle=alsace_moselle),
            COMPANY,
            "Transmission du contrat à l'OPCO (5 jours ouvrables après le début)",
            is_action=True,
            done=facts.transmitted_on is not None,
        )
    ]
    if facts.complete_file_received_on:
        events.append(
            Event(
                Kind.DECISION,
                decision_deadline(facts.complete_file_received_on),
                CASE_MANAGER_AND_COMPANY,
                "Décision de l'OPCO (sans décision : refus implicite)",
                is_action=True,
                done=facts.is_decided,
            )
        )
    if facts.is_dropped:
        return events
    practical_start = contract.practical_start or contract.start
    events.append(
        Event(
            Kind.TRIAL_END,
            trial_end_estimate(practical_start, alsace_moselle=alsace_moselle),
            COMPANY_AND_PROVIDER,
            "Fin de la période probatoire (estimation : 45 jours de formation pratique)",
            estimate=True,
        )
    )
    window_end = start_window_end(contract.start)
    events.append(
        Event(Kind.PRACTICAL_START_LIMIT, window_end, COMPANY, "Début de la formation pratique : date limite")
    )
    events.append(
        Event(Kind.CFA_START_LIMIT, window_end, COMPANY_AND_PROVIDER, "Début de la formation en CFA : date limite")
    )
    for step in PayAxis(contract).steps():
        events.append(Event(Kind.PAY_STEP, step.day, COMPANY, pay_step_label(step), amount=step.amount))
    if contract.last_exam:
        events.append(Event(Kind.LAST_EXAM, contract.last_exam, COMPANY_AND_PROVIDER, "Dernière épreuve de l'examen"))
    if contract.contract_type in AMENDMENT_TYPES and contract.amendment_effective:
        events.append(
            Event(Kind.AMENDMENT, contract.amendment_effective, COMPANY_AND_PROVIDER, "Prise d'effet de l'avenant")
        )
    if contract.concluded and contract.concluded >= CFA_DOCUMENTS_RULE_SINCE:
        events.append(
            Event(
                Kind.CFA_DOCUMENTS_DUE,
                add_months(facts.end, CFA_DOCUMENTS_MONTHS),
                PROVIDER,
                "Facture de solde et attestation de réalisation à transmettre à l'OPCO",
                is_action=True,
                done=facts.is_closed,
            )
        )
    return events


# --- skills plan and other dossiers ----------------------------------------------------------------------------------

# Portal convention (no Constructys source in the spec yet): the attendance certificate and the invoice of a
# training are due within the same four months after its end as the CFA's documents of R.6332-25 III 4°.
TRAINING_DOCUMENTS_MONTHS = 4
ATTENDANCE = "attendance"  # dossiers.DocumentKind.ATTENDANCE
INVOICE = "invoice"  # dossiers.DocumentKind.INVOICE


def _training_events(facts: DossierFacts) -> list[Event]:
    if facts.is_dropped:
        return []
    due = add_months(facts.end, TRAINING_DOCUMENTS_MONTHS)
    received = facts.received_document_kinds
    return [
        Event(
            Kind.ATTENDANCE_DUE,
            due,
            COMPANY_AND_PROVIDER,
            "Attestation d'assiduité à transmettre",
            is_action=True,
            done=ATTENDANCE in received or facts.is_closed,
        ),
        Event(
            Kind.INVOICE_DUE,
            due,
            COMPANY_AND_PROVIDER,
            "Facture à transmettre",
            is_action=True,
            done=INVOICE in received or facts.is_closed,
        ),
    ]


# --- a dossier's events ----------------------------------------------------------------------------------------------


def events_of(facts: DossierFacts) -> list[Event]:
    """Every dated event of a dossier, by date. The start and end of the dossier (the funding agreement's dates)
    concern the company and the provider; an apprenticeship adds the contract's dates, another dossier the
    documents due after the training."""
    alsace_moselle = is_alsace_moselle(facts.employer_postcode)
    apprenticeship = facts.is_apprenticeship and facts.contract is not None
    events = []
    if not facts.is_dropped:
        events.append(
            Event(
                Kind.START,
                facts.start,
                COMPANY_AND_PROVIDER,
                "Début du contrat" if apprenticeship else "Début de la formation",
            )
        )
        events.append(
            Event(
                Kind.END, facts.end, COMPANY_AND_PROVIDER, "Fin du contrat" if apprenticeship else "Fin de la formation"
            )
        )
    if apprenticeship:
        events += _apprenticeship_events(facts, facts.contract, alsace_moselle)
    elif not facts.is_apprenticeship:
        events += _training_events(facts)
    return sorted(events, key=lambda event: (event.date, event.kind))
