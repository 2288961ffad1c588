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


def test_phones_sizes_and_counts_read_the_french_way():
    from common.formats import counted, format_file_size, format_phone

    assert format_phone("0556123401") == "05 56 12 34 01"
    assert format_phone("05.56.12.34.01") == "05 56 12 34 01"
    assert format_phone("+33556123401") == "+33 5 56 12 34 01"
    assert format_phone("poste 12") == "poste 12"
    assert format_file_size(31334) == "30,6\u00a0Ko"
    assert format_file_size(3 * 1024 * 1024) == "3,0\u00a0Mo"
    assert format_file_size(512) == "512\u00a0octets"
    assert (counted(0, "dossier"), counted(1, "dossier"), counted(2, "dossier")) == (
        "0 dossier",
        "1 dossier",
        "2 dossiers",
    )
    assert counted(3, "demande validée", "demandes validées") == "3 demandes validées"
