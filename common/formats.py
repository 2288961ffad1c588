"""French number and money formats, for pages, emails and PDFs: 87 518,50 € (no-break spaces between groups)."""

from decimal import Decimal, InvalidOperation
from typing import Any

NBSP = "\u00a0"


def parse_amount(value: Any) -> Decimal | None:
    """A Decimal from a number or from text as people type it ("1 801,8", "720.72"); None when it is not one."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool) or value is None:
        return None
    text = str(value).strip().replace(NBSP, "").replace("\u202f", "").replace(" ", "").replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
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
    number = parse_amount(value)
    return f"{format_decimal(number, 2)}{NBSP}€" if number is not None else str(value)
