"""Table cells written in Python once per row instead of a template variable, filter and tag per cell: at 25 rows of
5–10 cells, that per-cell work was most of a list's rendering (issue 18). Each function writes the HTML of the
template it replaces (the tests compare them cell for cell); every value is escaped as the templates' autoescaping
does (html.escape, which is what django.utils.html.escape runs)."""

from html import escape
from urllib.parse import urlencode

from django.utils import timezone
from django.utils.safestring import mark_safe


def text(value) -> str:
    """A value as {{ value }} writes it, escaped."""
    return escape(str(value))


def iban_end(iban: str, empty: str = "") -> str:
    """An IBAN as lists show it: only its last four characters (a bank detail in full never reaches a list);
    `empty` (escaped) when there is none."""
    if not iban:
        return text(empty)
    end = text(iban[-4:])
    return f'<span aria-label="IBAN se terminant par {end}">•••• {end}</span>'


def date_cell(value) -> str:
    """A date as the template's |date:"d/m/Y" writes it (a datetime in the current time zone first)."""
    if hasattr(value, "tzinfo") and timezone.is_aware(value):
        value = timezone.localtime(value)
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


def datetime_cell(value) -> str:
    """A datetime as the back office prints it (config/formats: "d/m/Y H:i"), in the current time zone."""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return f"{date_cell(value)} {value.hour:02d}:{value.minute:02d}"


def querystring(params, **changes) -> str:
    """What {% querystring params key=value key=None %} writes (single values, or None to drop the key), without
    copying the QueryDict for each link: that deep copy was most of a sortable header's time."""
    pairs, changed = [], set()
    for key, values in params.lists():
        if key in changes:
            changed.add(key)
            values = [] if changes[key] is None else [changes[key]]
        pairs.extend((key, str(value)) for value in values)
    pairs.extend((key, str(value)) for key, value in changes.items() if key not in changed and value is not None)
    if not pairs and not params:
        return ""
    return f"?{urlencode(pairs)}"


def sort_headers(columns, sort, params, target):
    """The <th> of each (key, label) column, as the lists' former header template wrote them (the reference in
    tests.harness): a link that sorts by
    the column (descending when it already sorts ascending), keeping the other query parameters but the page; a
    column without a key is a plain header."""
    cells = []
    for key, label in columns:
        if not key:
            cells.append(f'<th scope="col">{text(label)}</th>')
            continue
        descending = f"-{key}"
        url = escape(querystring(params, tri=descending if sort == key else key, page=None))
        aria, arrow = "", ""
        if sort == key:
            aria, arrow = ' aria-sort="ascending"', " ▲"
        elif sort == descending:
            aria, arrow = ' aria-sort="descending"', " ▼"
        cells.append(
            f'<th scope="col"{aria}><a class="sort-link" href="{url}" hx-get="{url}" hx-target="#{escape(target)}"'
            f' hx-swap="outerHTML" hx-push-url="true">{text(label)}{arrow}</a></th>'
        )
    return mark_safe("".join(cells))  # noqa: S308 (every value escaped above)
