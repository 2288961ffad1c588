from datetime import date
from decimal import Decimal

import pytest

from dossiers.cerfa import Timeline, suggest_rows
from dossiers.cerfa.dates import (
    add_jours_ouvrables,
    add_months,
    age_on,
    easter_sunday,
    months_covering,
    period_end,
)
from dossiers.cerfa.remuneration import minimum_amount

pytestmark = pytest.mark.no_database  # pure: no database


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2025, 5, 31), -3, date(2025, 2, 28)),
        (date(2025, 11, 30), 3, date(2026, 2, 28)),
        (date(2025, 9, 1), 54, date(2030, 3, 1)),
        (date(2025, 12, 15), 1, date(2026, 1, 15)),
    ],
)
def test_calendar_months_with_end_of_month_clamping(day, months, expected):
    assert add_months(day, months) == expected


def test_a_period_of_n_months_ends_the_day_before_the_same_date():
    assert period_end(date(2025, 9, 1), 6) == date(2026, 2, 28)
    assert period_end(date(2025, 9, 1), 36) == date(2028, 8, 31)


@pytest.mark.parametrize(
    ("birth", "on", "age"),
    [
        (date(2008, 3, 15), date(2026, 3, 14), 17),
        (date(2008, 3, 15), date(2026, 3, 15), 18),  # a birthday counts on its own day
        (date(2008, 2, 29), date(2026, 2, 28), 17),
        (date(2008, 2, 29), date(2026, 3, 1), 18),
    ],
)
def test_age_in_whole_years(birth, on, age):
    assert age_on(birth, on) == age


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (date(2025, 9, 1), date(2027, 8, 31), 24),
        (date(2025, 9, 1), date(2027, 9, 1), 25),
        (date(2025, 9, 1), date(2027, 8, 30), 24),
        (date(2025, 9, 1), date(2026, 2, 28), 6),
    ],
)
def test_contract_length_in_months_rounded_up(start, end, months):
    assert months_covering(start, end) == months


def test_jours_ouvrables_skip_sundays_and_public_holidays():
    assert easter_sunday(2025) == date(2025, 4, 20)
    assert easter_sunday(2026) == date(2026, 4, 5)
    # Monday 1 September 2025: Tue 2, Wed 3, Thu 4, Fri 5, Sat 6
    assert add_jours_ouvrables(date(2025, 9, 1), 5) == date(2025, 9, 6)
    # Monday 10 November 2025: 11 November is a holiday, Sunday 16 is skipped: 12, 13, 14, 15, 17
    assert add_jours_ouvrables(date(2025, 11, 10), 5) == date(2025, 11, 17)


def test_minimum_amounts_are_rounded_up_to_the_cent():
    # the spec's table for 1 801,80 €, 1 823,03 € and Mayotte 1 361,97 €
    assert minimum_amount(Decimal(27), Decimal("1801.80")) == Decimal("486.49")
    assert minimum_amount(Decimal(78), Decimal("1801.80")) == Decimal("1405.41")
    assert minimum_amount(Decimal(27), Decimal("1823.03")) == Decimal("492.22")
    assert minimum_amount(Decimal(61), Decimal("1823.03")) == Decimal("1112.05")
    assert minimum_amount(Decimal(43), Decimal("1361.97")) == Decimal("585.65")


def test_age_band_changes_on_the_first_of_the_month_after_the_birthday():
    timeline = Timeline(date(2008, 3, 15), date(2025, 9, 1), date(2027, 8, 31))

    assert timeline.band_on(date(2026, 3, 15)) == 0  # 18 on that day, still the under-18 rate
    assert timeline.band_on(date(2026, 3, 31)) == 0
    assert timeline.band_on(date(2026, 4, 1)) == 1


def test_band_at_start_counts_even_when_the_birthday_month_is_not_over():
    # 18 on 10 September 2025, start 15 September: 18-20 from the start
    timeline = Timeline(date(2007, 9, 10), date(2025, 9, 15), date(2027, 9, 14))

    assert timeline.band_on(date(2025, 9, 15)) == 1


def test_years_of_execution_are_anniversaries_of_the_start_and_the_fourth_runs_to_the_end():
    timeline = Timeline(date(2003, 1, 10), date(2025, 9, 1), date(2030, 2, 28))

    assert timeline.year_of(date(2026, 8, 31)) == 1
    assert timeline.year_of(date(2026, 9, 1)) == 2
    assert timeline.year_of(date(2030, 2, 28)) == 4
    assert timeline.year_window(4) == (date(2028, 9, 1), date(2030, 2, 28))
    assert timeline.years() == [1, 2, 3, 4]


def test_minimum_rate_is_the_highest_on_any_day_of_the_period():
    timeline = Timeline(date(2008, 3, 15), date(2025, 9, 1), date(2027, 8, 31))

    assert timeline.minimum_rate(date(2025, 9, 1), date(2026, 3, 31)) == 27
    assert timeline.minimum_rate(date(2025, 9, 1), date(2026, 4, 1)) == 43  # one day in the 18-20 band
    assert timeline.minimum_rate(date(2026, 9, 1), date(2027, 8, 31)) == 51
    assert timeline.minimum_rate(date(2025, 9, 1), date(2026, 3, 31), btp=True) == 40


def test_suggested_rows_for_the_minor_split_the_first_year():
    rows = suggest_rows(date(2008, 3, 15), date(2025, 9, 1), date(2027, 8, 31))

    assert [(r.year, r.period, r.du, r.au, r.taux, r.base) for r in rows] == [
        (1, 1, date(2025, 9, 1), date(2026, 3, 31), 27, "SMIC"),
        (1, 2, date(2026, 4, 1), date(2026, 8, 31), 43, "SMIC"),
        (2, 1, date(2026, 9, 1), date(2027, 8, 31), 51, "SMIC"),
    ]
    assert rows[0].as_payload() == {
        "remuneration_1_1_du": "2025-09-01",
        "remuneration_1_1_au": "2026-03-31",
        "remuneration_1_1_taux": "27",
        "remuneration_1_1_base": "SMIC",
    }


def test_suggested_rows_for_a_long_contract_reaching_26_use_the_smc_when_better():
    # born 10/01/2003: 26 on 10/01/2029 → 100 % from 01/02/2029, inside the 4th year
    rows = suggest_rows(date(2003, 1, 10), date(2025, 9, 1), date(2029, 2, 28), smc=Decimal("2000.00"))

    assert [(r.year, r.period, r.du, r.au, r.taux, r.base) for r in rows] == [
        (1, 1, date(2025, 9, 1), date(2026, 8, 31), 53, "SMC"),
        (2, 1, date(2026, 9, 1), date(2027, 8, 31), 61, "SMC"),
        (3, 1, date(2027, 9, 1), date(2028, 8, 31), 78, "SMC"),
        (4, 1, date(2028, 9, 1), date(2029, 1, 31), 78, "SMC"),
        (4, 2, date(2029, 2, 1), date(2029, 2, 28), 100, "SMC"),
    ]
