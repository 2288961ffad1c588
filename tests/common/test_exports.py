"""XLSX extractions: dates are real dates shown the French way."""

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from common.exports import xlsx_bytes

pytestmark = pytest.mark.no_database  # pure: no database


def test_dates_are_date_cells_shown_day_month_year():
    submitted = datetime.datetime(2026, 12, 3, 16, 20, tzinfo=datetime.UTC)
    content = xlsx_bytes([["9920000005.01", datetime.date(2026, 3, 4), submitted]], ["N°", "Du", "Transmise"], "Test")

    sheet = load_workbook(io.BytesIO(content)).active
    number, start, sent = sheet[2]

    assert number.value == "9920000005.01"
    assert start.is_date and start.value == datetime.datetime(2026, 3, 4)
    assert start.number_format == "dd/mm/yyyy"
    # In Paris time, as the portal shows it (Excel has no time zones).
    assert sent.is_date and sent.value == submitted.astimezone(ZoneInfo("Europe/Paris")).replace(tzinfo=None)
    assert sent.number_format == "dd/mm/yyyy hh:mm"
