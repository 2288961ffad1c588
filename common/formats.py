"""French number and money formats, for pages, emails and PDFs: 87 518,50 € (no-break spaces between groups)."""

import re
from decimal import Decimal, InvalidOperation
from typing import Any

NBSP = "\u00a0"
_DECIMAL = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


def parse_decimal(value: Any) -> Decimal | None:
    """A finite Decimal; strings may use a decimal comma and spaces between thousands ("1 801,80"). The CERFA rule
    engine reads its numbers with it too."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | Decimal):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(str(value))
    elif isinstance(value, str):
        text = re.sub(r"\s", "", value).replace(",", ".")
        if not _DECIMAL.match(text):
            return None
        try:
            number = Decimal(text)
        except InvalidOperation:
            return None
    else:
        return None
    return number if number.is_finite() else None


def format_decimal(number: Decimal, places: int | None = None) -> str:
    """Decimal(1234.5) -> '1 234,5' (places=None: as few as needed), French separators, no-break spaces."""
    if places is None:
        text = format(number.normalize(), "f")
        if "." in text:
            text = text.rstrip("0").rstrip(".")
    else:
        text = f"{number:.{places}f}"
    sign, text = ("-", text[1:]) if text.startswith("-") else ("", text)
    whole, _, fraction = text.partition(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return sign + NBSP.join(groups or ["0"]) + (f",{fraction}" if fraction else "")


def format_amount(value: Any) -> str:
    """87518.5 -> '87 518,50 €'; a value that is not a number is returned as it is."""
    number = parse_decimal(value)
    return f"{format_decimal(number, 2)}{NBSP}€" if number is not None else str(value)


def counted(count: int, singular: str, plural: str | None = None) -> str:
    """counted(2, "dossier") -> '2 dossiers'; counted(1, "demande validée", "demandes validées") -> '1 demande
    validée'. French uses the singular for 0 and 1."""
    return f"{count} {singular if abs(count) < 2 else plural or singular + 's'}"


def format_phone(value: Any) -> str:
    """'0556123401' or '+33556123401' -> '05 56 12 34 01' / '+33 5 56 12 34 01'; any other value as it is."""
    text = str(value or "")
    digits = re.sub(r"[\s.\-]", "", text)
    if re.fullmatch(r"0\d{9}", digits):
        return " ".join(digits[i : i + 2] for i in range(0, 10, 2))
    if re.fullmatch(r"\+33\d{9}", digits):
        rest = digits[3:]
        return "+33 " + rest[0] + " " + " ".join(rest[i : i + 2] for i in range(1, 9, 2))
    return text


_SIZE_UNITS = ("Ko", "Mo", "Go")


def format_file_size(size: Any) -> str:
    """31334 -> '30,6 Ko' (1 Ko = 1 024 octets, as Django and the file managers count); 512 -> '512 octets'."""
    number = parse_decimal(size)
    if number is None:
        return str(size)
    if abs(number) < 1024:
        return f"{format_decimal(number, 0)}{NBSP}octet{'s' if abs(number) >= 2 else ''}"
    for unit in _SIZE_UNITS:
        number /= 1024
        if abs(number) < 1024 or unit == _SIZE_UNITS[-1]:
            return f"{format_decimal(number, 1)}{NBSP}{unit}"
    raise AssertionError("unreachable")


def masked_iban(iban: str) -> str:
    """An IBAN as history lists, emails and the admin show it: country and check digits, then the last four
    characters."""
    return f"{iban[:4]} •••• {iban[-4:]}" if iban else "—"
