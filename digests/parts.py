"""A dossier's part of the digest email (its new messages, its new documents, or accounting's decisions on its
invoices), in HTML and in text.

Built with string formatting rather than templates: a run of 20 000 digests prints 560 000 item lines, and the
template engine's per-variable lookups were most of the CPU of a digest (issue 18). The email's frame (greeting,
explanations, footer) stays in the templates emails/digest.html and digest.txt. HTML values are escaped with
django.utils.html.escape, as the templates did."""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_ROW = '<tr style="border-top:1px solid #dde2ea;vertical-align:top;">'
_CELL = '<td style="padding:4px 6px;">'
_DOCUMENTS_HEAD = (
    '<table cellpadding="0" cellspacing="0" style="margin:8px 0 16px;font-size:12px;border-collapse:collapse;'
    'width:100%;border:1px solid #dde2ea;">\n  <tr style="background:#eef1f6;">'
    + "".join(
        f'<th align="left" style="padding:4px 6px;">{label}</th>'
        for label in (
            "N° dossier",
            "Stagiaire",
            "Prestataire de formation",
            "Intitulé du stage",
            "Date début formation",
            "Date fin formation",
            "Nom du document",
        )
    )
    + "</tr>\n"
)


def _plural(count: int, suffix: str = "s") -> str:
    return "" if count == 1 else suffix


def messages_html(news) -> SafeString:
    """One row of the messages table: the dossier, its trainees, how many new messages and their titles."""
    titles = ", ".join(f"« {escape(title)} »" for title in news.items)
    return mark_safe(
        f"  {_ROW}\n"
        f'    <td style="padding:6px 8px;font-weight:bold;">{escape(news.number)}</td>\n'
        f'    <td style="padding:6px 8px;">{escape(news.cells["trainees"])}</td>\n'
        f'    <td style="padding:6px 8px;">{news.count} : {titles}</td>\n'
        "  </tr>\n"
    )


def messages_text(news) -> str:
    trainees = f" — Stagiaire : {news.trainees}" if news.trainees else ""
    count = news.count
    head = f"- Dossier n° {news.number}{trainees} — {count} nouveau{_plural(count, 'x')} message{_plural(count)} :\n"
    return head + "".join(f"    « {title} »\n" for title in news.items)


def documents_html(news) -> SafeString:
    """The dossier's table of new documents: one row per document, each repeating the dossier's columns."""
    cells = news.cells
    dossier_cells = "".join(
        f"{_CELL}{escape(value)}</td>"
        for value in (news.number, cells["trainees"], cells["provider"], news.title, cells["start"], cells["end"])
    )
    rows = "".join(f"\n  {_ROW}{dossier_cells}{_CELL}{escape(name)}</td></tr>\n  " for name in news.items)
    return mark_safe(f"\n{_DOCUMENTS_HEAD}  {rows}\n</table>\n")


def documents_text(news) -> str:
    cells = news.cells
    return (
        f"\nN° dossier : {news.number}\n"
        f"Stagiaire : {cells['trainees']}\n"
        f"Prestataire de formation : {cells['provider']}\n"
        f"Intitulé du stage : {news.title}\n"
        f"Date début formation : {cells['start']}\n"
        f"Date fin formation : {cells['end']}\n"
        "Nom du document :\n" + "".join(f"    - {name}\n" for name in news.items)
    )


def invoices_html(news) -> SafeString:
    """One row of the invoices table: the dossier, its trainees, accounting's decisions on its invoices."""
    decisions = "<br>".join(escape(label) for label in news.items)
    return mark_safe(
        f"  {_ROW}\n"
        f'    <td style="padding:6px 8px;font-weight:bold;">{escape(news.number)}</td>\n'
        f'    <td style="padding:6px 8px;">{escape(news.cells["trainees"])}</td>\n'
        f'    <td style="padding:6px 8px;">{decisions}</td>\n'
        "  </tr>\n"
    )


def invoices_text(news) -> str:
    trainees = f" — Stagiaire : {news.trainees}" if news.trainees else ""
    return f"- Dossier n° {news.number}{trainees} :\n" + "".join(f"    {label}\n" for label in news.items)


HTML = {"messages": messages_html, "documents": documents_html, "invoices": invoices_html}
TEXT = {"messages": messages_text, "documents": documents_text, "invoices": invoices_text}
