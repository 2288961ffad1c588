"""What the portals and the back office read of the dossiers' threads: a dossier's thread, a user's inbox, unread
counts and the staff's read state. Writes (sending, answering, marking read) are in messaging/services.py."""

from django.db.models import Exists, FilteredRelation, OuterRef, Q, Sum
from django.db.models.functions import Coalesce

from dossiers.models import Dossier
from messaging.models import Message, MessageQuerySet, MessageRead


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


def _message_totals(dossiers, user) -> dict:
    """{"messages": …, "seen": …} of the threads of `dossiers` (a queryset), from the counts the triggers keep
    (messaging.models.ThreadCount, SeenCount): one row of each per dossier, whatever the number of messages."""
    return dossiers.annotate(
        users_seen=FilteredRelation("seen_counts", condition=Q(seen_counts__user=user))
    ).aggregate(messages=Coalesce(Sum("thread_count__messages"), 0), seen=Coalesce(Sum("users_seen__seen"), 0))


def _unread(dossiers, user) -> int:
    totals = _message_totals(dossiers, user)
    return totals["messages"] - totals["seen"]


def unread_count(dossier, user) -> int:
    """Messages of the dossier the user did not write and has not opened."""
    return _unread(Dossier.objects.filter(pk=dossier.pk), user)


class _CountedMessages(MessageQuerySet):
    """The Messagerie's messages, whose count (the paginator's) comes from the kept counts instead of a count of
    every message in scope. A clone (filter, slice) counts again as usual."""

    known_count = None

    def count(self):
        if self.known_count is not None and self._result_cache is None:
            return self.known_count
        return super().count()


def company_inbox(user, dossiers, unread_only=False):
    """The Messagerie: the messages of `dossiers` (the user's, already scoped), latest first, with `is_read`."""
    thread = Message.objects.filter(dossier__in=dossiers)
    if unread_only:
        thread = thread.unread_by(user)
    thread = thread.with_read_state(user).select_related("dossier").order_by("-created_at", "-id")
    counted = _CountedMessages(model=Message, query=thread.query)
    totals = _message_totals(dossiers, user)
    counted.known_count = totals["messages"] - totals["seen"] if unread_only else totals["messages"]
    return counted


def company_unread_count(user, establishment_ids) -> int:
    """The unread messages of every dossier the company user sees (the eGestion home page's counter)."""
    return _unread(Dossier.objects.for_company_user(user, establishment_ids), user)


def staff_have_read(message_ref="pk"):
    """A staff user (any case manager) has opened the message (an expression for filters and annotations)."""
    return Exists(MessageRead.objects.filter(message=OuterRef(message_ref), user__is_staff=True))
