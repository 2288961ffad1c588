"""Cursor pagination: the latest rows first, `suivant` the cursor of the next page (null on the last page).

The cursor is the id of the last row given, encoded: a page stays right when rows are added meanwhile (no offset
that shifts), and each page is one indexed query whatever its position."""

import base64
import binascii

from django.core.exceptions import ValidationError

DEFAULT_LIMIT = 25
MAX_LIMIT = 100


def encode_cursor(pk: int) -> str:
    return base64.urlsafe_b64encode(f"id:{pk}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, _, value = text.partition(":")
        if kind != "id" or not value.isdigit():
            raise ValueError
        return int(value)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise ValidationError({"curseur": ["Curseur invalide : reprenez la valeur « suivant » d'une page."]}) from None


def paginate(queryset, cursor: str | None, limit: int | None):
    """(rows of the page, cursor of the next page or None)."""
    limit = min(max(limit or DEFAULT_LIMIT, 1), MAX_LIMIT)
    queryset = queryset.order_by("-pk")
    if cursor:
        queryset = queryset.filter(pk__lt=decode_cursor(cursor))
    rows = list(queryset[: limit + 1])
    if len(rows) > limit:
        return rows[:limit], encode_cursor(rows[limit - 1].pk)
    return rows, None
