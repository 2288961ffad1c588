"""The dossier page's read-only lists: its trainees, documents, messages, payment lines and the history of its status.

They were tabular inlines: on every view Django built a formset, a form per line, the hidden inputs of each and a
queryset per list, for lines nobody edits there (about 13 of its 41 ms of CPU in-process; under load 0.12 → 0.20 of
the bare page, bench/README.md, issue 18). Each list is now one prepared query (common.prepared) and a table written
in Python, with a link to the page that adds a trainee or issues a document (DossierAdmin.add_line_view) for who
may. Who sees what is unchanged: a list needs the view (or change) permission of its model, as the inline did, and
the documents keep Document.objects.for_staff_user's rules. Nothing is posted back: the page's form has no input for
these lines.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from django.template.defaultfilters import capfirst, linebreaksbr
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from accounts.models import User
from accounts.staff_access import DOWNLOAD_MESSAGE_ATTACHMENT, DOWNLOAD_RIB, FULL_IBAN
from common.formats import format_amount, format_file_size
from common.prepared import PreparedQuery
from common.rows import date_cell, datetime_cell, text
from dossiers.models import Document, DocumentDirection, DocumentKind, DossierStatus, DossierStatusChange, Enrolment
from messaging.models import Message, SenderSide
from messaging.selectors import staff_have_read
from payments.models import PaymentLine

EMPTY = "-"  # what the admin prints for a value that is not there (ModelAdmin.empty_value_display)
MESSAGE_EXCERPT = 300  # characters of a message's body shown in the list


def _user_fields(relation: str) -> list[str]:
    return [f"{relation}__{name}" for name in User.NAME_FIELDS]


_ENROLMENTS = PreparedQuery(
    lambda dossier_id: (
        Enrolment.objects.filter(dossier_id=dossier_id)
        .select_related("person")
        .only("created_at", "person__last_name", "person__first_name")
    ),
    name="dossier page: trainees",
)
_DOCUMENTS = PreparedQuery(
    lambda dossier_id, full_iban, rib, message_attachments: (
        Document.objects.filter(dossier_id=dossier_id)
        .for_staff_rights(full_iban=full_iban, rib=rib, message_attachments=message_attachments)
        .select_related("uploaded_by")
        .only("name", "kind", "direction", "size", "uploaded_at", *_user_fields("uploaded_by"))
    ),
    name="dossier page: documents",
)
_MESSAGES = PreparedQuery(
    lambda dossier_id: (
        Message.objects.filter(dossier_id=dossier_id)
        .select_related("author")
        .only("created_at", "sender_side", "title", "body", *_user_fields("author"))
        .annotate(staff_read=staff_have_read())
    ),
    name="dossier page: messages",
)
_PAYMENT_LINES = PreparedQuery(
    lambda dossier_id: (
        PaymentLine.objects.filter(dossier_id=dossier_id)
        .select_related("payment__beneficiary")
        .only(
            "invoice_number",
            "period_start",
            "period_end",
            "amount",
            "payment__reference",
            "payment__paid_on",
            "payment__beneficiary__name",
        )
    ),
    name="dossier page: payment lines",
)
_STATUS_CHANGES = PreparedQuery(
    lambda dossier_id: (
        DossierStatusChange.objects.filter(dossier_id=dossier_id)
        .select_related("changed_by")
        .only("changed_at", "from_status", "to_status", "note", *_user_fields("changed_by"))
    ),
    name="dossier page: status history",
)

_KINDS = dict(DocumentKind.choices)
_DIRECTIONS = dict(DocumentDirection.choices)
_SENDERS = dict(SenderSide.choices)
_STATUSES = dict(DossierStatus.choices)


def may_view(user, model: str) -> bool:
    """What Django's admin asks before showing a model's lines: the view or the change permission."""
    app_label, model_name = model.split(".")
    return user.has_perm(f"{app_label}.view_{model_name}") or user.has_perm(f"{app_label}.change_{model_name}")


def _person(user) -> str:
    return text(user) if user is not None else EMPTY


def _label(model, name: str) -> str:
    return capfirst(model._meta.get_field(name).verbose_name)


@dataclass(frozen=True)
class Panel:
    """One list of the page: `rows(dossier_id, user)` gives each line's cells, already escaped."""

    key: str  # the block's id is "<key>-group", as the inline's was (links and the browser tests find it by it)
    title: str
    permission: str  # "<app_label>.<model_name>": its view or change permission shows the list
    columns: tuple[tuple[str, str], ...]  # (CSS name, header)
    empty: str
    rows: Callable

    def allowed(self, user) -> bool:
        return may_view(user, self.permission)

    def html(self, dossier_id: int, user, add_link: tuple[str, str] | None = None) -> str:
        """The list; `add_link` (URL, label) is the page that adds a line to it."""
        heading = f"{self.key}-heading"
        header = "".join(f'<th class="column-{name}" scope="col">{text(label)}</th>' for name, label in self.columns)
        rows = self.rows(dossier_id, user)
        if rows:
            body = "".join(
                '<tr class="form-row">'
                + "".join(
                    f'<td class="field-{name}"><p>{cell}</p></td>'
                    for (name, _), cell in zip(self.columns, row, strict=True)
                )
                + "</tr>"
                for row in rows
            )
        else:
            body = f'<tr><td colspan="{len(self.columns)}">{text(self.empty)}</td></tr>'
        return (
            f'<div class="inline-group" id="{self.key}-group"><div class="tabular inline-related">'
            f'<fieldset class="module" aria-labelledby="{heading}">'
            f'<h2 id="{heading}" class="inline-heading">{text(self.title)}</h2>'
            f"<table><thead><tr>{header}</tr></thead><tbody>{body}</tbody></table>{_add(add_link)}"
            "</fieldset></div></div>"
        )


def _add(link: tuple[str, str] | None) -> str:
    if link is None:
        return ""
    url, label = link
    return f'<p class="add-row"><a href="{text(url)}" class="addlink">{text(label)}</a></p>'


def _trainee_rows(dossier_id, user):
    enrolments = _ENROLMENTS(dossier_id)
    if not may_view(user, "accounts.person"):
        return [(text(enrolment.person), datetime_cell(enrolment.created_at)) for enrolment in enrolments]
    # A link to the trainee's record only for who may open it.
    page = reverse("admin:accounts_person_change", args=[0]).rsplit("/0/", 1)
    return [
        (
            f'<a href="{page[0]}/{enrolment.person_id}/{page[1]}">{text(enrolment.person)}</a>',
            datetime_cell(enrolment.created_at),
        )
        for enrolment in enrolments
    ]


def _document_rows(dossier_id, user):
    documents = _DOCUMENTS(
        dossier_id,
        user.has_perm(FULL_IBAN),
        user.has_perm(DOWNLOAD_RIB),
        user.has_perm(DOWNLOAD_MESSAGE_ATTACHMENT),
    )
    download = reverse("admin:dossiers_document_download", args=[0]).rsplit("/0/", 1)
    return [
        (
            text(document.name),
            text(_KINDS.get(document.kind, document.kind)),
            text(_DIRECTIONS.get(document.direction, document.direction)),
            text(format_file_size(document.size)) if document.size is not None else EMPTY,
            _person(document.uploaded_by),
            datetime_cell(document.uploaded_at),
            f'<a href="{download[0]}/{document.pk}/{download[1]}">Télécharger</a>',
        )
        for document in documents
    ]


def _message_rows(dossier_id, user):
    return [
        (
            datetime_cell(message.created_at),
            text(_SENDERS.get(message.sender_side, message.sender_side)),
            _person(message.author),
            '<span class="badge-unread">Non lu</span>'
            if message.sender_side == SenderSide.COMPANY and not message.staff_read
            else "",
            text(message.title),
            linebreaksbr(Truncator(message.body).chars(MESSAGE_EXCERPT)),
        )
        for message in _MESSAGES(dossier_id)
    ]


def _payment_line_rows(dossier_id, user):
    return [
        (
            text(line.payment.reference),
            date_cell(line.payment.paid_on),
            text(line.payment.beneficiary.name),
            text(line.invoice_number),
            date_cell(line.period_start),
            date_cell(line.period_end),
            text(format_amount(line.amount)),
        )
        for line in _PAYMENT_LINES(dossier_id)
    ]


def _status_change_rows(dossier_id, user):
    return [
        (
            datetime_cell(change.changed_at),
            text(_STATUSES.get(change.from_status, change.from_status)),
            text(_STATUSES.get(change.to_status, change.to_status)),
            _person(change.changed_by),
            linebreaksbr(change.note) if change.note else EMPTY,
        )
        for change in _STATUS_CHANGES(dossier_id)
    ]


PANELS = (
    Panel(
        "trainees",
        "Stagiaires",
        "dossiers.enrolment",
        (("person", _label(Enrolment, "person")), ("created_at", _label(Enrolment, "created_at"))),
        "Aucun stagiaire inscrit sur ce dossier.",
        _trainee_rows,
    ),
    Panel(
        "documents",
        "Documents (émis par Constructys et reçus de l'entreprise)",
        "dossiers.document",
        tuple(
            (name, _label(Document, name))
            for name in ("name", "kind", "direction", "size", "uploaded_by", "uploaded_at")
        )
        + (("download", "Télécharger"),),
        "Aucun document sur ce dossier.",
        _document_rows,
    ),
    Panel(
        "messages",
        "Messages",
        "messaging.message",
        (
            ("created_at", _label(Message, "created_at")),
            ("sender_side", _label(Message, "sender_side")),
            ("author", _label(Message, "author")),
            ("state", "Lecture"),
            ("title", _label(Message, "title")),
            ("excerpt", "Contenu"),
        ),
        "Aucun message sur ce dossier.",
        _message_rows,
    ),
    Panel(
        "payment_lines",
        "Règlements",
        "payments.paymentline",
        (
            ("reference", "N° virement"),
            ("paid_on", "Date de règlement"),
            ("beneficiary", "Bénéficiaire"),
            *((name, _label(PaymentLine, name)) for name in ("invoice_number", "period_start", "period_end", "amount")),
        ),
        "Aucun règlement sur ce dossier.",
        _payment_line_rows,
    ),
    Panel(
        "status_changes",
        "Historique des changements d'état",
        "dossiers.dossierstatuschange",
        tuple(
            (name, _label(DossierStatusChange, name))
            for name in ("changed_at", "from_status", "to_status", "changed_by", "note")
        ),
        "Aucun changement d'état.",
        _status_change_rows,
    ),
)


class DossierPanels:
    """The page's lists for this user, written when the template reads them: the page is rendered before the
    company's messages are marked read (DossierAdmin.change_view), so the list still shows which were new."""

    def __init__(self, dossier_id: int, user, add_links: dict[str, tuple[str, str]]):
        self.dossier_id = dossier_id
        self.user = user
        self.add_links = add_links  # {list key: (URL, label)} of the pages the user may add lines with

    @cached_property
    def html(self) -> str:
        shown = (
            panel.html(self.dossier_id, self.user, self.add_links.get(panel.key))
            for panel in PANELS
            if panel.allowed(self.user)
        )
        return mark_safe("\n".join(shown))  # noqa: S308 (every value escaped where its cell is written)
