"""What the portals and the back office read of the dossiers' threads: a dossier's thread, a user's inbox, unread
counts and the staff's read state. Writes (sending, answering, marking read) are in messaging/services.py."""

from django.db.models import Exists, OuterRef

from messaging.models import Message, MessageRead


def dossier_thread(dossier, user):
    """A dossier's messages, latest first, each with `is_read` for that user."""
    return (
        Message.objects.filter(dossier=dossier)
        .with_read_state(user)
        .select_related("dossier")
        .order_by("-created_at", "-id")
    )


def dossier_message(dossier, user, pk):
    """One message of the dossier, with its author, attachments and `is_read` for that user, or None."""
    return (
        Message.objects.filter(dossier=dossier, pk=pk)
        .with_read_state(user)
        .select_related("author")
        .prefetch_related("attachments")
        .first()
    )


def unread_count(dossier, user) -> int:
    """Messages of the dossier the user did not write and has not opened."""
    return Message.objects.filter(dossier=dossier).unread_by(user).count()


def company_inbox(user, dossiers, unread_only=False):
    """The Messagerie: the messages of `dossiers` (the user's, already scoped), latest first, with `is_read`."""
    thread = Message.objects.filter(dossier__in=dossiers)
    if unread_only:
        thread = thread.unread_by(user)
    return thread.with_read_state(user).select_related("dossier").order_by("-created_at", "-id")


def company_unread_count(user, establishment_ids) -> int:
    """The unread messages of every dossier the company user sees (the eGestion home page's counter)."""
    return Message.objects.for_company_user(user, establishment_ids).unread_by(user).count()


def staff_have_read(message_ref="pk"):
    """A staff user (any case manager) has opened the message (an expression for filters and annotations)."""
    return Exists(MessageRead.objects.filter(message=OuterRef(message_ref), user__is_staff=True))
