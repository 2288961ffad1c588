"""Messages between a company and its Constructys case manager: sending, answering, read state (per user)."""

from django.db import transaction
from django.dispatch import Signal

from dossiers.models import Document, DocumentDirection, DocumentKind
from messaging.models import Message, MessageRead, SenderSide

# Sent once a message from Constructys is committed (digests emails it right away to those who asked).
constructys_message_sent = Signal()


def _attach(message, files, user, direction):
    """`files` are dossiers.uploads.CheckedUpload: checked by the caller before anything is written."""
    for checked in files:
        Document.objects.create(
            dossier=message.dossier,
            message=message,
            direction=direction,
            kind=DocumentKind.OTHER,
            name=checked.original_name,
            file=checked.as_content_file(),
            content_type=checked.content_type,
            size=checked.size,
            checksum=checked.checksum,
            uploaded_by=user,
        )


@transaction.atomic
def send_company_message(dossier, user, title, body, files=()) -> Message:
    """A company user writes to the dossier's case manager; the attached files become received documents."""
    message = Message.objects.create(
        dossier=dossier, sender_side=SenderSide.COMPANY, author=user, title=title.strip(), body=body.strip()
    )
    _attach(message, files, user, DocumentDirection.RECEIVED)
    return message


@transaction.atomic
def reply_as_case_manager(dossier, user, title, body, files=()) -> Message:
    """A Constructys case manager (staff) answers on the dossier; attached files become issued documents."""
    message = Message.objects.create(
        dossier=dossier, sender_side=SenderSide.CONSTRUCTYS, author=user, title=title.strip(), body=body.strip()
    )
    _attach(message, files, user, DocumentDirection.ISSUED)
    transaction.on_commit(lambda: constructys_message_sent.send(sender=Message, message=message))
    return message


def mark_read(message, user) -> None:
    """Idempotent: reading a message twice keeps the first reading's date."""
    MessageRead.objects.bulk_create([MessageRead(message=message, user=user)], ignore_conflicts=True)


def mark_unread(message, user) -> None:
    MessageRead.objects.filter(message=message, user=user).delete()
