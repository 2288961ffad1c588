"""The NPEC payment schedule at its boundaries (shared/spec/npec-and-deadlines.md § 1), computed by hand here."""

import datetime
from decimal import Decimal

import pytest

from invoicing.schedule import (
    COMPLETION_CERTIFICATE,
    PARTICIPATION_INVOICE,
    REFERENCE_REGIMES,
    START_CERTIFICATE,
    Contract,
    Kind,
    ScheduleError,
    compute_schedule,
    last_day_of_month,
    regime_for,
)

pytestmark = pytest.mark.no_database

D = Decimal
day = datetime.date
OLD_CONCLUSION = day(2025, 6, 30)
NEW_CONCLUSION = day(2025, 7, 1)


def schedule(**fields):
    values = {
        "starts_on": day(2025, 9, 1),
        "ends_on": day(2026, 8, 31),
        "concluded_on": NEW_CONCLUSION,
        "annual_npec": D("8000"),
        "level": 5,
        **fields,
    }
    contract = Contract(**values)
    return compute_schedule(contract, regime_for(contract.concluded_on, REFERENCE_REGIMES))


def rows(result):
    return [(i.kind, i.amount, i.invoicable_from, i.due_on) for i in result.instalments]


def test_a_contract_concluded_on_30_june_2025_follows_decree_2020_1739():
    result = schedule(concluded_on=OLD_CONCLUSION)
    assert "2020-1739" in result.regime.name
    assert rows(result) == [
        (Kind.ADVANCE, D("3200.00"), day(2025, 9, 1), day(2025, 10, 1)),  # 40 % within 30 days of the invoice
        (Kind.INSTALMENT, D("2400.00"), day(2026, 3, 31), day(2026, 3, 31)),  # 30 % by the end of the 7th month
        (Kind.BALANCE, D("2400.00"), day(2026, 6, 30), day(2026, 6, 30)),  # 30 % at the 10th month
    ]


def test_a_contract_concluded_on_1_july_2025_follows_decree_2025_585():
    result = schedule(concluded_on=NEW_CONCLUSION)
    assert "2025-585" in result.regime.name
    assert rows(result) == [
        (Kind.ADVANCE, D("3200.00"), day(2025, 9, 1), day(2025, 10, 1)),
        (Kind.INSTALMENT, D("2400.00"), day(2026, 3, 31), day(2026, 3, 31)),
        (Kind.INSTALMENT, D("1600.00"), day(2026, 6, 30), day(2026, 6, 30)),
        (Kind.BALANCE, D("800.00"), day(2026, 9, 1), day(2026, 10, 1)),  # after the end, on documents
    ]
    balance = result.instalments[-1]
    assert COMPLETION_CERTIFICATE in balance.documents
    assert balance.documents_deadline == day(2026, 12, 31)  # four months after the end


def test_a_contract_concluded_before_2021_has_no_rule():
    with pytest.raises(ScheduleError):
        schedule(concluded_on=day(2020, 12, 31))


def test_twelve_months_and_three_days_new_regime_pays_the_three_days_at_365ths():
    result = schedule(ends_on=day(2026, 9, 3))
    assert result.years == (D("8000.00"), D("65.75"))  # 8000 × 3 / 365 = 65.753…
    second_year = [i for i in result.instalments if i.year == 2]
    assert [(i.kind, i.amount) for i in second_year] == [(Kind.ADVANCE, D("26.30")), (Kind.BALANCE, D("39.45"))]
    # The first year's balance is paid with the second year's advance, with no document.
    first_balance = next(i for i in result.instalments if i.year == 1 and i.kind == Kind.BALANCE)
    assert (first_balance.amount, first_balance.invoicable_from, first_balance.documents) == (
        D("800.00"),
        day(2026, 9, 1),
        (),
    )
    assert result.total == D("8065.75")


def test_twelve_months_and_three_days_old_regime_counts_thirteen_months():
    result = schedule(concluded_on=OLD_CONCLUSION, ends_on=day(2026, 9, 3))
    assert result.years == (D("8000.00"), D("666.67"))  # the 13th month begun is due
    assert result.total == D("8666.67")


def test_six_months_and_six_months_plus_one_day_old_regime():
    six = schedule(concluded_on=OLD_CONCLUSION, ends_on=day(2026, 2, 28))
    assert rows(six) == [
        (Kind.ADVANCE, D("2000.00"), day(2025, 9, 1), day(2025, 10, 1)),  # under one year: a single 50 % advance
        (Kind.BALANCE, D("2000.00"), day(2026, 3, 1), day(2026, 3, 31)),
    ]
    one_more_day = schedule(concluded_on=OLD_CONCLUSION, ends_on=day(2026, 3, 1))
    assert one_more_day.years == (D("4666.67"),)  # 7 months begun
    assert [i.amount for i in one_more_day.instalments] == [D("2333.34"), D("2333.33")]  # half-up, balance absorbs


def test_six_months_and_six_months_plus_one_day_new_regime():
    six = schedule(ends_on=day(2026, 2, 28))
    assert six.years == (D("3967.12"),)  # 181 days × 8000 / 365
    assert [(i.kind, i.amount) for i in six.instalments] == [(Kind.ADVANCE, D("1983.56")), (Kind.BALANCE, D("1983.56"))]
    one_more_day = schedule(ends_on=day(2026, 3, 1))
    assert one_more_day.years == (D("3989.04"),)  # 182 days


def test_reduced_duration_convention_adds_ten_percent_never_above_the_npec():
    assert schedule(ends_on=day(2026, 2, 28), reduced_duration_convention=True).years == (D("4363.83"),)
    assert schedule(ends_on=day(2026, 8, 20), reduced_duration_convention=True).years == (D("8000.00"),)


def test_a_year_with_29_february_pays_366_365ths():
    result = schedule(starts_on=day(2027, 9, 1), ends_on=day(2028, 8, 31))
    assert result.years == (D("8021.92"),)
    assert [i.amount for i in result.instalments] == [D("3208.77"), D("2406.58"), D("1604.38"), D("802.19")]
    assert [i.invoicable_from for i in result.instalments[1:3]] == [day(2028, 3, 31), day(2028, 6, 30)]


def test_the_7th_month_ends_the_day_before_the_8th_begins_with_end_of_month_clamping():
    assert last_day_of_month(day(2025, 8, 31), 7) == day(2026, 3, 30)
    assert last_day_of_month(day(2025, 9, 1), 7) == day(2026, 3, 31)
    assert last_day_of_month(day(2025, 9, 15), 10) == day(2026, 7, 14)


def test_level_6_deducts_750_from_the_first_advance_and_asks_the_participation_invoice():
    level_5 = schedule(ends_on=day(2027, 8, 31), level=5)
    level_6 = schedule(ends_on=day(2027, 8, 31), level=6)
    assert level_5.instalments[0].amount == D("3200.00")
    assert level_6.instalments[0].amount == D("2450.00")
    assert level_6.participation == D("750")
    assert level_5.total - level_6.total == D("750.00")
    assert PARTICIPATION_INVOICE in level_6.instalments[-1].documents
    assert PARTICIPATION_INVOICE not in level_5.instalments[-1].documents
    second_advance = next(i for i in level_6.instalments if i.year == 2 and i.kind == Kind.ADVANCE)
    assert second_advance.amount == D("3200.00")  # the first year only


def test_level_6_after_an_early_rupture_with_another_employer_pays_200():
    assert schedule(level=6, new_contract_after_early_rupture=True).instalments[0].amount == D("3000.00")


def test_old_regime_has_no_participation():
    assert schedule(concluded_on=OLD_CONCLUSION, level=7).instalments[0].amount == D("3200.00")


def test_rupture_in_the_first_45_days_participation_is_half_the_prorated_npec():
    result = schedule(ends_on=day(2027, 8, 31), level=6, ruptured_on=day(2025, 10, 5), rupture_within_45_days=True)
    assert result.participation == D("383.56")  # 50 % × 8000 × 35 / 365, below 750
    assert rows(result) == [
        (Kind.ADVANCE, D("2450.00"), day(2025, 9, 1), day(2025, 10, 1)),  # already due: kept
        (Kind.CLOSING, D("-2066.44"), day(2025, 10, 6), day(2025, 11, 5)),  # 767.12 − 383.56 − 2450: owed back
    ]


def test_rupture_in_the_first_45_days_not_declared_keeps_750():
    result = schedule(ends_on=day(2027, 8, 31), level=6, ruptured_on=day(2025, 10, 5))
    assert result.participation == D("750")
    assert result.instalments[-1].amount == D("-2432.88")  # 767.12 − 750 − 2450


def test_rupture_after_the_7th_month_keeps_what_was_due_and_closes_with_the_difference():
    result = schedule(ends_on=day(2027, 8, 31), ruptured_on=day(2026, 4, 15))
    assert [(i.kind, i.amount) for i in result.instalments] == [
        (Kind.ADVANCE, D("3200.00")),
        (Kind.INSTALMENT, D("2400.00")),
        (Kind.CLOSING, D("-624.66")),  # 227 days: 4975.34 − 5600
    ]
    old = schedule(concluded_on=OLD_CONCLUSION, ends_on=day(2027, 8, 31), ruptured_on=day(2026, 4, 15))
    assert old.instalments[-1].amount == D("-266.67")  # 8 months begun: 5333.33 − 5600


def test_new_cfa_first_payment_waits_for_the_start_certificate_and_the_3rd_month():
    result = schedule(ends_on=day(2027, 8, 31), is_new_cfa=True)
    first = result.instalments[0]
    assert START_CERTIFICATE in first.documents
    assert first.due_on == day(2025, 11, 30)  # later of invoice + 30 days (01/10) and the end of month 3
    second_advance = next(i for i in result.instalments if i.year == 2 and i.kind == Kind.ADVANCE)
    assert START_CERTIFICATE in second_advance.documents
    assert second_advance.due_on == day(2026, 10, 1)
    assert START_CERTIFICATE not in schedule(ends_on=day(2027, 8, 31)).instalments[0].documents


@pytest.mark.parametrize(
    ("npec", "expected"),
    [(D("8000"), D("6400.00")), (D("4500"), D("4000.00")), (D("3500"), D("3500.00"))],
)
def test_distance_training_reduces_the_npec_by_20_percent_never_below_4000(npec, expected):
    assert schedule(annual_npec=npec, is_distance=True).annual_npec == expected
    assert schedule(annual_npec=npec, is_distance=True, concluded_on=OLD_CONCLUSION).annual_npec == npec


def test_every_schedule_adds_up_to_the_years_minus_the_participation():
    base = {"starts_on": day(2025, 1, 31), "ends_on": day(2027, 6, 14), "annual_npec": D("9123.45"), "level": 6}
    for concluded_on in (day(2024, 12, 1), NEW_CONCLUSION):
        result = schedule(**base, concluded_on=concluded_on)
        assert result.total == sum(result.years) - result.participation
        assert all(i.amount == i.amount.quantize(D("0.01")) for i in result.instalments)


def test_a_rupture_before_the_start_is_refused():
    contract = Contract(day(2025, 9, 1), day(2026, 8, 31), NEW_CONCLUSION, D("8000"), ruptured_on=day(2025, 8, 1))
    with pytest.raises(ScheduleError):
        compute_schedule(contract, REFERENCE_REGIMES[1])


# Spec § 1.1 boundaries not covered above (values computed by hand from the texts).


def test_rupture_in_the_first_45_days_participation_is_capped_at_750():
    # R.6332-25-2: 50 % of the NPEC prorated to the 44 days = 1 808.22 €, capped at 750 €.
    result = schedule(
        annual_npec=D("30000"), ends_on=day(2027, 8, 31), level=6, ruptured_on=day(2025, 10, 14),
        rupture_within_45_days=True,
    )  # fmt: skip
    assert result.participation == D("750")
    assert rows(result)[0][:2] == (Kind.ADVANCE, D("11250.00"))  # 40 % of 30 000 − 750
    assert result.instalments[-1].amount == D("-8383.56")  # 3 616.44 (44 days) − 750 − 11 250: owed back


def test_a_contract_under_one_year_at_level_6_deducts_the_participation_from_its_single_advance():
    result = schedule(ends_on=day(2026, 2, 28), level=6)
    assert [(i.kind, i.amount) for i in result.instalments] == [
        (Kind.ADVANCE, D("1233.56")),  # 50 % of 3 967.12 − 750
        (Kind.BALANCE, D("1983.56")),
    ]
    assert PARTICIPATION_INVOICE in result.instalments[-1].documents


def test_a_leap_calendar_year_pays_366_365ths_only_when_the_year_of_execution_holds_29_february():
    assert schedule(starts_on=day(2027, 3, 1), ends_on=day(2028, 2, 29)).years == (D("8021.92"),)
    assert schedule(starts_on=day(2028, 3, 1), ends_on=day(2029, 2, 28)).years == (D("8000.00"),)
