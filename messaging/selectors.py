"""What the portals and the back office read of the dossiers' threads: a dossier's thread, a user's inbox, unread
counts and the staff's read state. Writes (sending, answering, marking read) are in messaging/services.py."""

import datetime

from django.db.models import Exists, F, FilteredRelation, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from accounts.models import Portal
from common.prepared import PreparedAggregate, PreparedListing, PreparedQuery, read_together
from dossiers.models import Dossier, company_scope, history_cutoff, month_of, next_month, visible_establishment_ids
from dossiers.selectors import company_dossier_queryset
from messaging.models import Message, MessageRead, SeenCount, SeenTotal, ThreadCount, ThreadTotal


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


# (messages, seen by the user) of the threads of dossiers annotated by _with_users_seen: one row of each per dossier.
THREAD_TOTALS = {"messages": Coalesce(Sum("thread_count__messages"), 0), "seen": Coalesce(Sum("users_seen__seen"), 0)}


def _with_users_seen(dossiers, user):
    return dossiers.annotate(users_seen=FilteredRelation("seen_counts", condition=Q(seen_counts__user=user)))


def _company_establishments(user, establishment_ids):
    return visible_establishment_ids(user, Portal.EGESTION, establishment_ids)


# Every eGestion home page and Messagerie page reads these counts: their SQL is built once (common.prepared). Each
# figure is the totals of the months after the cutoff's month (messaging.models.ThreadTotal, SeenTotal: a few rows per
# establishment) plus the dossiers of the cutoff's month finished since the cutoff (ThreadCount, SeenCount).
_COMPANY_MESSAGES = PreparedAggregate(
    lambda user_id, establishment_ids, month: ThreadTotal.objects.filter(
        establishment__in=_company_establishments(user_id, establishment_ids), month__gt=month
    ),
    name="company messages",
    n=Coalesce(Sum("messages"), 0),
)
_COMPANY_MESSAGES_OF_THE_MONTH = PreparedAggregate(
    lambda user_id, establishment_ids, cutoff, month_after: ThreadCount.objects.filter(
        establishment__in=_company_establishments(user_id, establishment_ids),
        finished_on__gte=cutoff,
        finished_on__lt=month_after,
    ),
    name="company messages of the cutoff's month",
    n=Coalesce(Sum("messages"), 0),
)
_COMPANY_SEEN = PreparedAggregate(
    lambda user_id, establishment_ids, month: SeenTotal.objects.filter(
        user=user_id, establishment__in=_company_establishments(user_id, establishment_ids), month__gt=month
    ),
    name="company messages seen",
    n=Coalesce(Sum("seen"), 0),
)
_COMPANY_SEEN_OF_THE_MONTH = PreparedAggregate(
    lambda user_id, establishment_ids, cutoff, month_after: SeenCount.objects.filter(
        user=user_id,
        establishment__in=_company_establishments(user_id, establishment_ids),
        finished_on__gte=cutoff,
        finished_on__lt=month_after,
    ),
    name="company messages seen of the cutoff's month",
    n=Coalesce(Sum("seen"), 0),
)


def _sums(user, establishment_ids, *figures) -> list[int]:
    """Each figure, a pair of (totals, cutoff's month) aggregates, for every dossier the company user sees (the
    scope of Dossier.objects.for_company_user), in one statement (one round trip on every eGestion home)."""
    cutoff = history_cutoff()
    by_month = (user.pk, establishment_ids, month_of(cutoff))
    of_the_month = (user.pk, establishment_ids, cutoff, next_month(cutoff))
    return read_together(*[[(totals, by_month), (month, of_the_month)] for totals, month in figures])


_MESSAGES = (_COMPANY_MESSAGES, _COMPANY_MESSAGES_OF_THE_MONTH)
_SEEN = (_COMPANY_SEEN, _COMPANY_SEEN_OF_THE_MONTH)


def _company_totals(user, establishment_ids) -> tuple[int, int]:
    """(messages, seen by `user`) of every dossier the company user sees."""
    messages, seen = _sums(user, establishment_ids, _MESSAGES, _SEEN)
    return messages, seen


def _company_messages(user, establishment_ids) -> int:
    """The messages alone (the Messagerie's TOUS tab: what the user has seen is not counted)."""
    return _sums(user, establishment_ids, _MESSAGES)[0]


# The dossier page's counter and its messages tab: their SQL is built once (common.prepared).
_DOSSIER_TOTALS = PreparedAggregate(
    lambda dossier_id, user_id: _with_users_seen(Dossier.objects.filter(pk=dossier_id), user_id),
    name="dossier messages and seen",
    **THREAD_TOTALS,
)

# What a row of the Messagerie shows (egestion.dossiers.rows.message_row): the rest is read when a message is opened.
INBOX_FIELDS = ["dossier__number", "sender_side", "title", "body", "created_at"]
# What the messages tab shows of each message (egestion.dossiers.rows.message_row), as the Messagerie does.
_DOSSIER_THREAD = PreparedQuery(
    lambda dossier_id, user_id: dossier_thread(dossier_id, user_id).only(*INBOX_FIELDS), name="dossier thread"
)


def unread_count(dossier, user) -> int:
    """Messages of the dossier the user did not write and has not opened."""
    totals = _DOSSIER_TOTALS(dossier.pk, user.pk)
    return totals["messages"] - totals["seen"]


# The dossier page and its tabs: the dossier among the company user's and its unread count (as unread_count counts
# it: the thread's messages less those the user wrote or opened), in one statement.
_COMPANY_DOSSIER_WITH_UNREAD = PreparedQuery(
    lambda user_id, establishment_ids, number, cutoff: company_dossier_queryset(
        user_id, establishment_ids, number, cutoff
    ).annotate(
        unread=Coalesce(Subquery(ThreadCount.objects.filter(dossier=OuterRef("pk")).values("messages")), 0)
        - Coalesce(Subquery(SeenCount.objects.filter(dossier=OuterRef("pk"), user=user_id).values("seen")), 0)
    ),
    name="company dossier with its unread messages",
)


def company_dossier_with_unread(user, establishment_ids, number):
    """dossiers.selectors.company_dossier, with `unread` (unread_count) read in the same statement; None if the user
    does not see it."""
    return _COMPANY_DOSSIER_WITH_UNREAD.first(user.pk, establishment_ids, str(number), history_cutoff())


def dossier_thread_rows(dossier, user) -> list[Message]:
    """dossier_thread as a list (the dossier page's messages tab)."""
    return _DOSSIER_THREAD(dossier.pk, user.pk)


# Before every message: the date the latest dossiers are read since when a company has fewer than n dossiers.
EARLIEST = datetime.datetime.min.replace(tzinfo=datetime.UTC)


def _inbox_page(user_id, establishment_ids, cutoff, unread_only, earliest, window):
    """The messages of `window` (start, stop) of the company user's Messagerie, latest first, with `is_read`; each
    message's own dossier is checked against the company scope (not a look-up in every dossier the user sees).
    Without the unread filter, only the dossiers whose latest message is among the `stop` latest are read: every one
    of the `stop` latest messages is in one of them (dossiers tied on that date included)."""
    start, stop = window
    thread = Message.objects.filter(company_scope(user_id, establishment_ids, dossier="dossier__", cutoff=cutoff))
    if unread_only:
        thread = thread.unread_by(user_id)
    else:
        establishments = _company_establishments(user_id, establishment_ids)
        threads = ThreadCount.visible_to_companies(establishments, cutoff)
        # The `stop`-th latest thread of each establishment (its index read down to there, not every thread): the
        # `stop`-th latest of them all is at least as recent as the latest of these, so the threads since that one
        # hold the `stop` latest, with at most `stop` threads of each establishment read.
        nth_of_each = threads.filter(establishment=OuterRef("establishment_id")).order_by("-last_message_at")
        nth_of_each = Subquery(nth_of_each.values("last_message_at")[stop - 1 : stop])
        latest_nth = establishments.annotate(nth=nth_of_each).order_by(F("nth").desc(nulls_last=True))
        # No establishment has `stop` threads: all of them (`earliest`, an argument: no date is built into a
        # prepared query).
        since = Coalesce(Subquery(latest_nth.values("nth")[:1]), Value(earliest))
        thread = thread.filter(dossier__in=threads.filter(last_message_at__gte=since).values("dossier"))
    thread = thread.with_read_state(user_id).select_related("dossier").only(*INBOX_FIELDS)
    return thread.order_by("-created_at", "-id")[start:stop]


# Every Messagerie page reads this: its SQL is built once per window and filter (common.prepared).
_INBOX_PAGE = PreparedQuery(_inbox_page, name="Messagerie: page")


def company_inbox(user, establishment_ids, unread_only=False):
    """The Messagerie: the messages of every dossier the company user sees (Dossier.objects.for_company_user's scope,
    narrowed to `establishment_ids` when given), latest first, with `is_read`: what a Paginator reads (a count from
    the kept counts' indexes, pages through a prepared query)."""
    messages, seen = (
        _company_totals(user, establishment_ids) if unread_only else (_company_messages(user, establishment_ids), 0)
    )
    cutoff, earliest = history_cutoff(), None if unread_only else EARLIEST  # what the SQL reads
    return PreparedListing(_INBOX_PAGE, messages - seen, user.pk, establishment_ids, cutoff, unread_only, earliest)


def company_unread_count(user, establishment_ids) -> int:
    """The unread messages of every dossier the company user sees (the eGestion home page's counter)."""
    messages, seen = _company_totals(user, establishment_ids)
    return messages - seen


def staff_have_read(message_ref="pk"):
    """A staff user (any case manager) has opened the message (an expression for filters and annotations)."""
    return Exists(MessageRead.objects.filter(message=OuterRef(message_ref), user__is_staff=True))
