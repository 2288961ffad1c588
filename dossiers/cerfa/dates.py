"""Date arithmetic of the CERFA specification (§1): calendar months with end-of-month clamping, ages in whole years."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

ONE_DAY = timedelta(days=1)


def add_months(day: date, months: int) -> date:
    """Calendar months, clamped at the end of the month (31 January + 1 month = 28/29 February)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_years(day: date, years: int) -> date:
    return add_months(day, 12 * years)


def period_end(start: date, months: int) -> date:
    """Last day of a period of `months` months starting on `start` (inclusive): start + months − 1 day."""
    return add_months(start, months) - ONE_DAY


def age_on(birth: date, on: date) -> int:
    """Age in whole years; a birthday counts on its own day (born 29 February: on 1 March in common years)."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def birthday(birth: date, age: int) -> date:
    """First day on which `age_on(birth, day) >= age`."""
    year = birth.year + age
    if birth.month == 2 and birth.day == 29 and not calendar.isleap(year):
        return date(year, 3, 1)
    return date(year, birth.month, birth.day)


def first_day_of_next_month(day: date) -> date:
    return add_months(day.replace(day=1), 1)


def months_covering(start: date, end: date) -> int:
    """Length of [start, end] in months rounded up: the least m with start + m months − 1 day ≥ end."""
    months = max(0, (end.year - start.year) * 12 + end.month - start.month - 1)
    while period_end(start, months) < end:
        months += 1
    return months


def easter_sunday(year: int) -> date:
    """Anonymous Gregorian algorithm (Meeus/Jones/Butcher)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    m = (32 + 2 * e + 2 * i - h - k) % 7
    n = (a + 11 * h + 22 * m) // 451
    month, day = divmod(h + m - 7 * n + 114, 31)
    return date(year, month, day + 1)


def french_public_holidays(year: int) -> frozenset[date]:
    easter = easter_sunday(year)
    return frozenset(
        {
            date(year, 1, 1),
            easter + timedelta(days=1),  # lundi de Pâques
            date(year, 5, 1),
            date(year, 5, 8),
            easter + timedelta(days=39),  # Ascension
            easter + timedelta(days=50),  # lundi de Pentecôte
            date(year, 7, 14),
            date(year, 8, 15),
            date(year, 11, 1),
            date(year, 11, 11),
            date(year, 12, 25),
        }
    )


def is_jour_ouvrable(day: date) -> bool:
    """Monday to Saturday, public holidays excluded (the deposit deadline of L. 6224-1 counts « jours ouvrables »)."""
    return day.weekday() != 6 and day not in french_public_holidays(day.year)


def add_jours_ouvrables(day: date, count: int) -> date:
    """The `count`-th jour ouvrable after `day`."""
    while count > 0:
        day += ONE_DAY
        if is_jour_ouvrable(day):
            count -= 1
    return day


def format_date(day: date) -> str:
    return day.strftime("%d/%m/%Y")
