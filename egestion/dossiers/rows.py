"""The rows of "Suivre les dossiers de formation" and of the Messagerie, and the list's sortable headers, written in
Python once per row instead of a template variable, filter and tag per cell: at 25 rows of 10 cells, that per-cell
work was most of the list's rendering (issue 18). The HTML is the templates' (tests/dossier_tracking/test_rows.py
compares them cell for cell); every value is escaped as the templates' autoescaping does (html.escape, which is
what django.utils.html.escape runs)."""

import unicodedata
from html import escape

from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from common.rows import date_cell as _date
from common.rows import text as _text
from common.templatetags.portal import fill, url_pattern
from messaging.models import SenderSide

# The start of a message shown in its row (the template's truncatechars:60).
MESSAGE_START = 60
SENDER_LABELS = {side.value: str(side.label) for side in SenderSide}
UNREAD_MARK = '<span class="visually-hidden"> (non lu)</span>'


def _start_of(text: str, ellipsis: str) -> str:
    """The start of a message as |truncatechars:60 writes it (Truncator.chars, whose walk through every character
    was half of a row's time): unchanged when short, else its first characters and `ellipsis`; Django's own walk
    when combining characters (which it does not count) are among them."""
    if len(text) <= MESSAGE_START:
        return text
    if any(unicodedata.combining(char) for char in text[: MESSAGE_START + 1]):
        return Truncator(text).chars(MESSAGE_START)
    return text[: MESSAGE_START - len(ellipsis)] + ellipsis


def dossier_row(row, dossier_url) -> str:
    """One row of the dossier list (dossiers.selectors.CompanyListRow); `dossier_url` is
    url_pattern("egestion:dossier")."""
    return (
        f'<tr><th scope="row" class="mono"><a href="{escape(fill(dossier_url, row.number))}">'
        f"{_text(row.number)}</a></th>"
        f'<td class="mono" data-label="N° de demande">{_text(row.request_number)}</td>'
        f'<td data-label="Dispo formation">{_text(row.scheme)}</td>'
        f'<td class="mono" data-label="SIRET">{_text(row.siret)}</td>'
        f'<td data-label="CP">{_text(row.postal_code)}</td>'
        f'<td data-label="Ville">{_text(row.city)}</td>'
        f'<td data-label="Du">{_date(row.start_date)}</td>'
        f'<td data-label="Au">{_date(row.end_date)}</td>'
        f'<td data-label="État">{_text(row.status_label)}</td>'
        f'<td data-label="Organisme de formation">{_text(row.provider_name or "—")}</td></tr>'
    )


def dossier_rows(rows):
    """The <tr> of each row of the list's page (dossiers.selectors.CompanyListRow)."""
    dossier_url = url_pattern("egestion:dossier")
    return mark_safe("".join(dossier_row(row, dossier_url) for row in rows))  # noqa: S308 (escaped)


def message_row(message, show_dossier, tab_url, message_url, ellipsis) -> str:
    """One message: Date, (Dossier), Titre, the start of the message, Envoyé par; unread ones marked."""
    number = message.dossier.number
    unread = not message.is_read
    dossier_cell = ""
    if show_dossier:
        href = escape(fill(fill(tab_url, number), "messages"))
        dossier_cell = f'<td class="mono" data-label="Dossier"><a href="{href}">{_text(number)}</a></td>'
    return (
        f'<tr class="message-row{" message-row--unread" if unread else ""}">'
        f'<td data-label="Date">{_date(message.created_at)}</td>'
        f"{dossier_cell}"
        f'<th scope="row"><a href="{escape(fill(fill(message_url, number), message.pk))}">{_text(message.title)}</a>'
        f"{UNREAD_MARK if unread else ''}</th>"
        f'<td data-label="Message">{_text(_start_of(message.body, ellipsis))}</td>'
        f'<td data-label="Envoyé par">{_text(SENDER_LABELS.get(message.sender_side, message.sender_side))}</td>'
        "</tr>"
    )


def message_rows(messages, show_dossier):
    """The <tr> of each message of a thread or of a page of the Messagerie."""
    tab_url = url_pattern("egestion:dossier_tab", 2)
    message_url = url_pattern("egestion:dossier_message", 2)
    ellipsis = Truncator("ab").chars(1)  # "…", as truncatechars ends a cut text in the active language
    return mark_safe(  # noqa: S308 (escaped)
        "".join(message_row(message, show_dossier, tab_url, message_url, ellipsis) for message in messages)
    )
