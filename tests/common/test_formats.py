from decimal import Decimal

import pytest

from common.formats import format_amount, parse_decimal

pytestmark = pytest.mark.no_database  # pure: no database


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("87518.5"), "87 518,50 €"),
        ("1 801,8", "1 801,80 €"),
        (720.72, "720,72 €"),
        (0, "0,00 €"),
        (Decimal("-1234.5"), "-1 234,50 €"),
        ("abc", "abc"),
    ],
)
def test_amounts_are_printed_the_french_way(value, expected):
    assert format_amount(value).replace("\u00a0", " ") == expected


@pytest.mark.parametrize("value", ["", "abc", None, "NaN", "Infinity"])
def test_what_is_not_an_amount_is_not_parsed(value):
    assert parse_decimal(value) is None
