"""Messages between a company and its Constructys case manager: sending, answering, read state (per user)."""

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.dispatch import Signal

from common.forms import check_text
from common.prepared import PreparedQuery
from dossiers.models import Document, DocumentDirection, DocumentKind, Dossier
from messaging.models import Message, MessageRead, SenderSide
from messaging.selectors import staff_have_read
from webhooks import events, payloads

# Sent inside the transaction that writes a message from Constructys: digests queues, in that same transaction, the
# emails of those who asked to be told right away (so a broker outage cannot lose them).
constructys_message_sent = Signal()


def _attach(message, files, user, direction):
    """`files` are common.uploads.CheckedUpload: checked by the caller before anything is written."""
    for checked in files:
        document = Document.objects.create(
            dossier=message.dossier,
            message=message,
            direction=direction,
            kind=DocumentKind.OTHER,
            uploaded_by=user,
            **checked.stored_fields(),
        )
        if direction == DocumentDirection.ISSUED:
            document.emit_issued()


def check_message_text(title: str, body: str) -> None:
    """A title on one line, a body on several; neither with a control character (PostgreSQL refuses NUL)."""
    check_text(title)
    check_text(body, multiline=True)


@transaction.atomic
def send_company_message(dossier, user, title, body, files=()) -> Message:
    """A company user writes to the dossier's case manager; the attached files become received documents."""
    check_message_text(title, body)
    message = Message.objects.create(
        dossier=dossier, sender_side=SenderSide.COMPANY, author=user, title=title.strip(), body=body.strip()
    )
    _attach(message, files, user, DocumentDirection.RECEIVED)
    Dossier.objects.filter(pk=dossier.pk).update(has_unread_company_messages=True)
    return message


@transaction.atomic
def reply_as_case_manager(dossier, user, title, body, files=()) -> Message:
    """A Constructys case manager (staff) answers on the dossier; attached files become issued documents."""
    check_message_text(title, body)
    message = Message.objects.create(
        dossier=dossier, sender_side=SenderSide.CONSTRUCTYS, author=user, title=title.strip(), body=body.strip()
    )
    _attach(message, files, user, DocumentDirection.ISSUED)
    constructys_message_sent.send(sender=Message, message=message)
    # The company's event only: the thread is the company's and its case manager's.
    events.emit(
        "message.received", lambda: payloads.message(message), establishments=[dossier.employer_establishment_id]
    )
    return message


def mark_read(message, user) -> None:
    """Idempotent: reading a message twice keeps the first reading's date."""
    MessageRead.objects.bulk_create([MessageRead(message=message, user=user)], ignore_conflicts=True)


def mark_unread(message, user) -> None:
    MessageRead.objects.filter(message=message, user=user).delete()


# Read on every view of a dossier in the back office (common.prepared: the SQL is built once per process).
_COMPANY_MESSAGES_UNREAD_BY = PreparedQuery(
    lambda dossier_id, user_id: (
        Message.objects.filter(dossier_id=dossier_id, sender_side=SenderSide.COMPANY)
        .unread_by(user_id)
        .values_list("pk", flat=True)
    ),
    name="company messages unread by a case manager",
)


def mark_company_messages_read(dossier, user) -> None:
    """A case manager opened the dossier in the back office: its company messages are read by them. When none was
    new to them (most visits), nothing is written and the dossier's unread flag cannot have changed."""
    reads = [MessageRead(message_id=pk, user=user) for pk in _COMPANY_MESSAGES_UNREAD_BY(dossier.pk, user.pk)]
    if not reads:
        return
    MessageRead.objects.bulk_create(reads, ignore_conflicts=True)
    refresh_unread_company_messages(Dossier.objects.filter(pk=dossier.pk))


def refresh_unread_company_messages(dossiers=None) -> int:
    """Recompute Dossier.has_unread_company_messages (of `dossiers`, a queryset, or of all): whether a company
    message of the thread has not been opened by any staff user. Returns the number of dossiers changed."""
    unread = Exists(
        Message.objects.filter(dossier=OuterRef("pk"), sender_side=SenderSide.COMPANY).exclude(staff_have_read())
    )
    dossiers = Dossier.objects.all() if dossiers is None else dossiers
    # Only the rows whose flag changes are written.
    return dossiers.filter(unread, has_unread_company_messages=False).update(
        has_unread_company_messages=True
    ) + dossiers.filter(~unread, has_unread_company_messages=True).update(has_unread_company_messages=False)
