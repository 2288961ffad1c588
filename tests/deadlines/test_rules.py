"""The rules of the échéances (deadlines.rules) at their boundaries: weekends and public holidays (Alsace-Moselle
included), month ends, leap years, birthdays on 29 February. Pure: no database."""

from datetime import date
from decimal import Decimal

import pytest

from deadlines.rules import (
    Audience,
    Contract,
    DossierFacts,
    Kind,
    PayRow,
    age_on,
    events_of,
    is_alsace_moselle,
    public_holidays,
    reached_on,
    start_window_end,
    transmission_deadline,
    trial_end_estimate,
)

pytestmark = pytest.mark.no_database


def facts(contract=None, **kwargs):
    contract = contract or Contract(start=date(2025, 9, 1), end=date(2027, 8, 31), birth=date(2008, 5, 10))
    values = {
        "is_apprenticeship": True,
        "start": contract.start,
        "end": contract.end,
        "employer_postcode": "31000",
        "transmitted_on": contract.start,
        "contract": contract,
    }
    return DossierFacts(**{**values, **kwargs})


def of_kind(events, kind):
    return [event for event in events if event.kind == kind]


# --- transmission: 5 jours ouvrables (D.6224-1) ---------------------------------------------------------------------


def test_transmission_counts_saturdays_but_not_sundays():
    # Monday 1 September 2025: Tue 2 … Sat 6 are the five jours ouvrables; the deadline stays on the Saturday.
    assert transmission_deadline(date(2025, 9, 1)) == date(2025, 9, 6)
    # Thursday 4 September: Fri 5, Sat 6, (Sun 7 skipped) Mon 8, Tue 9, Wed 10.
    assert transmission_deadline(date(2025, 9, 4)) == date(2025, 9, 10)


def test_transmission_skips_public_holidays_including_movable_ones():
    # Friday 7 November 2025: Sat 8, Mon 10, (Tue 11 November) Wed 12, Thu 13, Fri 14.
    assert transmission_deadline(date(2025, 11, 7)) == date(2025, 11, 14)
    # Easter 2026 is 5 April: Easter Monday 6 April is skipped.
    assert transmission_deadline(date(2026, 4, 3)) == date(2026, 4, 10)
    # Ascension 2026 = Easter + 39 = Thursday 14 May.
    assert transmission_deadline(date(2026, 5, 11)) == date(2026, 5, 18)
    # Whit Monday 2026 = Easter + 50 = 25 May.
    assert transmission_deadline(date(2026, 5, 22)) == date(2026, 5, 29)


def test_alsace_moselle_adds_good_friday_and_26_december():
    assert {date(2026, 4, 3), date(2026, 12, 26)} <= public_holidays(2026, alsace_moselle=True)
    assert date(2026, 4, 3) not in public_holidays(2026)
    assert len(public_holidays(2026)) == 11
    # Tuesday 22 December 2026: Wed 23, Thu 24, (Fri 25) Sat 26, Mon 28, Tue 29 — in Moselle Sat 26 is a holiday.
    assert transmission_deadline(date(2026, 12, 22)) == date(2026, 12, 29)
    assert transmission_deadline(date(2026, 12, 22), alsace_moselle=True) == date(2026, 12, 30)
    # Monday 30 March 2026: in Moselle Good Friday 3 April is skipped (Tue … Sat, then Tue 7 after Easter Monday).
    assert transmission_deadline(date(2026, 3, 30)) == date(2026, 4, 4)
    assert transmission_deadline(date(2026, 3, 30), alsace_moselle=True) == date(2026, 4, 7)


@pytest.mark.parametrize(
    ("postcode", "expected"), [("57000", True), ("67100", True), ("68200", True), ("75001", False), ("", False)]
)
def test_the_employers_departement_comes_from_its_postcode(postcode, expected):
    assert is_alsace_moselle(postcode) is expected


def test_a_moselle_employer_gets_the_later_transmission_deadline():
    contract = Contract(start=date(2026, 12, 22), end=date(2028, 12, 21), birth=date(2009, 1, 1))
    paris = of_kind(events_of(facts(contract)), Kind.TRANSMISSION)[0]
    metz = of_kind(events_of(facts(contract, employer_postcode="57000")), Kind.TRANSMISSION)[0]
    assert (paris.date, metz.date) == (date(2026, 12, 29), date(2026, 12, 30))
    assert paris.audiences == {Audience.COMPANY} and paris.is_action and paris.done


# --- OPCO decision: 20 calendar days (R.6224-3) ----------------------------------------------------------------------


def test_decision_is_due_20_calendar_days_after_the_complete_file_even_on_a_sunday():
    events = events_of(facts(complete_file_received_on=date(2026, 2, 9)))
    decision = of_kind(events, Kind.DECISION)[0]
    assert decision.date == date(2026, 3, 1)  # a Sunday: not extended
    assert decision.audiences == {Audience.CASE_MANAGER, Audience.COMPANY}
    assert decision.is_action and not decision.done
    assert "refus implicite" in decision.label


def test_no_decision_deadline_before_the_complete_file_and_done_once_decided():
    assert of_kind(events_of(facts()), Kind.DECISION) == []
    decided = events_of(facts(complete_file_received_on=date(2026, 2, 9), is_decided=True))
    assert of_kind(decided, Kind.DECISION)[0].done


# --- trial period: an estimate (L.6222-18) ---------------------------------------------------------------------------


def test_trial_end_is_the_45th_weekday_without_holidays_labelled_as_an_estimate():
    # From Monday 1 September 2025: 22 weekdays in September, 23 in October → Friday 31 October.
    assert trial_end_estimate(date(2025, 9, 1)) == date(2025, 10, 31)
    # From Monday 27 October 2025: 1 and 11 November are skipped.
    assert trial_end_estimate(date(2025, 10, 27)) == date(2025, 12, 30)
    # A start on a Saturday counts from the Monday.
    assert trial_end_estimate(date(2025, 8, 30)) == date(2025, 10, 31)
    contract = Contract(
        start=date(2025, 8, 25), end=date(2027, 8, 24), practical_start=date(2025, 9, 1), birth=date(2008, 5, 10)
    )
    trial = of_kind(events_of(facts(contract)), Kind.TRIAL_END)[0]
    assert trial.date == date(2025, 10, 31) and trial.estimate
    assert "estimation" in trial.label


# --- start windows: 3 calendar months, clamped (L.6222-12) -----------------------------------------------------------


def test_start_windows_are_three_months_clamped_at_the_month_end():
    assert start_window_end(date(2025, 11, 30)) == date(2026, 2, 28)
    assert start_window_end(date(2027, 11, 30)) == date(2028, 2, 29)  # leap year
    assert start_window_end(date(2026, 1, 31)) == date(2026, 4, 30)
    events = events_of(facts(Contract(start=date(2025, 11, 30), end=date(2027, 11, 29), birth=date(2008, 5, 10))))
    assert of_kind(events, Kind.PRACTICAL_START_LIMIT)[0].date == date(2026, 2, 28)
    assert Audience.PROVIDER in of_kind(events, Kind.CFA_START_LIMIT)[0].audiences


# --- pay step-ups (D.6222-26, D.6222-31) ------------------------------------------------------------------------------


def test_pay_rises_at_each_anniversary_with_the_smic_in_force():
    # 17 at the start (band < 18 until after 10 May 2026 → from 1 June 2026: 18-20).
    contract = Contract(start=date(2025, 9, 1), end=date(2028, 8, 31), birth=date(2008, 5, 10))
    steps = of_kind(events_of(facts(contract)), Kind.PAY_STEP)
    assert [(step.date, step.amount) for step in steps] == [
        (date(2026, 6, 1), Decimal("783.91")),  # 43 % of 1 823,03 € (18 ans)
        (date(2026, 9, 1), Decimal("929.75")),  # 51 %, 2nd year
        (date(2027, 9, 1), Decimal("1221.44")),  # 67 %, 3rd year
    ]
    assert steps[0].label == "Hausse de rémunération (18 ans) : 43 % du SMIC"
    assert steps[1].label == "Hausse de rémunération (2e année) : 51 % du SMIC"
    assert steps[0].audiences == {Audience.COMPANY}


def test_a_birthday_rise_on_an_anniversary_is_one_event():
    # 21st birthday in August 2026 → new band on 1 September 2026, the contract's anniversary.
    contract = Contract(start=date(2025, 9, 1), end=date(2027, 8, 31), birth=date(2005, 8, 15))
    steps = of_kind(events_of(facts(contract)), Kind.PAY_STEP)
    assert [(step.date, step.amount) for step in steps] == [(date(2026, 9, 1), Decimal("1112.05"))]  # 61 %


def test_no_event_when_the_rate_does_not_rise():
    # 26 and over: 100 % every year, nothing rises.
    contract = Contract(start=date(2025, 9, 1), end=date(2027, 8, 31), birth=date(1995, 1, 1))
    assert of_kind(events_of(facts(contract)), Kind.PAY_STEP) == []


def test_a_29_february_birthday_is_reached_on_28_february_in_a_common_year():
    birth = date(2008, 2, 29)
    assert reached_on(birth, 18) == date(2026, 2, 28)
    assert reached_on(birth, 20) == date(2028, 2, 29)
    assert age_on(birth, date(2026, 2, 27)) == 17 and age_on(birth, date(2026, 2, 28)) == 18
    contract = Contract(start=date(2025, 9, 1), end=date(2027, 8, 31), birth=birth)
    steps = of_kind(events_of(facts(contract)), Kind.PAY_STEP)
    assert steps[0].date == date(2026, 3, 1)  # the month after 28 February 2026
    assert steps[0].label.startswith("Hausse de rémunération (18 ans)")


def test_a_birthday_at_a_month_end_rises_the_next_first_of_month():
    contract = Contract(start=date(2025, 9, 1), end=date(2027, 8, 31), birth=date(2004, 12, 31))
    steps = of_kind(events_of(facts(contract)), Kind.PAY_STEP)
    assert steps[0].date == date(2026, 1, 1)  # 21 on 31 December 2025


def test_a_higher_rate_agreed_in_the_contract_prevails_and_the_smc_from_21():
    contract = Contract(
        start=date(2025, 9, 1),
        end=date(2027, 8, 31),
        birth=date(2003, 3, 1),  # 22 at the start: band 21-25
        pay_rows=(
            PayRow(date(2025, 9, 1), date(2026, 8, 31), Decimal(60)),
            PayRow(date(2026, 9, 1), date(2027, 8, 31), Decimal(70)),
        ),
        smc=Decimal("2000.00"),
    )
    steps = of_kind(events_of(facts(contract)), Kind.PAY_STEP)
    assert [(step.date, step.amount) for step in steps] == [(date(2026, 9, 1), Decimal("1400.00"))]
    assert steps[0].label.endswith("70 % du SMC")


# --- the other dates -------------------------------------------------------------------------------------------------


def test_last_exam_contract_end_amendment_and_the_cfas_documents():
    contract = Contract(
        start=date(2025, 10, 31),
        end=date(2027, 10, 31),
        concluded=date(2025, 10, 1),
        birth=date(2000, 1, 1),
        last_exam=date(2027, 6, 20),
        contract_type="35",
        amendment_effective=date(2026, 3, 1),
    )
    events = events_of(facts(contract))
    assert of_kind(events, Kind.LAST_EXAM)[0].date == date(2027, 6, 20)
    assert of_kind(events, Kind.END)[0].date == date(2027, 10, 31)
    assert of_kind(events, Kind.AMENDMENT)[0].date == date(2026, 3, 1)
    documents = of_kind(events, Kind.CFA_DOCUMENTS_DUE)[0]
    assert documents.date == date(2028, 2, 29)  # end + 4 months, clamped, leap year
    assert documents.audiences == {Audience.PROVIDER}
    assert events == sorted(events, key=lambda event: (event.date, event.kind))


def test_no_amendment_event_for_a_new_contract_nor_cfa_documents_before_july_2025():
    contract = Contract(
        start=date(2025, 3, 3),
        end=date(2027, 3, 2),
        concluded=date(2025, 2, 1),
        contract_type="11",
        amendment_effective=date(2026, 3, 1),
        birth=date(2000, 1, 1),
    )
    events = events_of(facts(contract))
    assert of_kind(events, Kind.AMENDMENT) == [] and of_kind(events, Kind.CFA_DOCUMENTS_DUE) == []


def test_a_refused_contract_keeps_only_its_transmission_and_decision():
    events = events_of(facts(complete_file_received_on=date(2025, 9, 5), is_decided=True, is_dropped=True))
    assert {event.kind for event in events} == {Kind.TRANSMISSION, Kind.DECISION}


def test_a_skills_plan_dossier_has_its_dates_and_documents_due_after_the_training():
    plan = DossierFacts(
        is_apprenticeship=False, start=date(2026, 1, 12), end=date(2026, 10, 31), received_document_kinds={"invoice"}
    )
    events = events_of(plan)
    assert [(event.kind, event.date) for event in events] == [
        (Kind.START, date(2026, 1, 12)),
        (Kind.END, date(2026, 10, 31)),
        (Kind.ATTENDANCE_DUE, date(2027, 2, 28)),
        (Kind.INVOICE_DUE, date(2027, 2, 28)),
    ]
    attendance, invoice = of_kind(events, Kind.ATTENDANCE_DUE)[0], of_kind(events, Kind.INVOICE_DUE)[0]
    assert attendance.date == invoice.date == date(2027, 2, 28)
    assert not attendance.done and invoice.done  # the invoice was received
    assert of_kind(events, Kind.START)[0].audiences == {Audience.COMPANY, Audience.PROVIDER}


def test_a_drafts_transmission_deadline_for_the_home_page():
    from deadlines.adapters import draft_transmission_deadline

    assert draft_transmission_deadline({"contrat_date_debut_execution": "2026-12-22"}, "57000") == date(2026, 12, 30)
    assert draft_transmission_deadline(
        {"contrat_date_debut_execution": "2026-12-22", "employeur_adresse_code_postal": "75001"}
    ) == date(2026, 12, 29)
    assert draft_transmission_deadline({}) is None
