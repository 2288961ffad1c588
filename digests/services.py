"""Twice-weekly digests of what is new for each user, sent exactly once per user and period.

A run belongs to a period (the scheduled slot it was started for, see digests.schedule). `plan_run` splits the
recipients into batches; `send_batch` handles one batch with a constant number of queries to read what is new and
write the ledger rows (pending), then in one transaction turns them "sent" and writes their emails to the outbox
(which sends them, retried, exactly once per row):

- a repeated run finds the rows sent and skips them; a run that crashed before that transaction left them
  pending, and the rerun builds those emails again; after it, the emails are in the outbox and the rerun skips them;
- two runs of the same period do not send to the same user at once: a batch holds a PostgreSQL advisory lock per
  user while it works and reads the ledger only once it holds them, so the other run skips those users or, later,
  finds them sent;
- an SMTP server that refuses or hangs touches only the outbox: its rows are retried, the ledger stays "sent".

"New" for a user (the same scope as the portals: active memberships of active users, per portal role):
- messages from Constructys on the dossiers of the employer establishments they are attached to in eGestion,
  that they did not write and have not opened (messaging.MessageRead);
- documents issued by Constructys on those dossiers and on the dossiers trained by their oGestion
  establishments, that they did not upload. Documents have no read state of their own: a document attached to a
  message the user has opened counts as seen (they saw it with the message).
- decisions of Constructys's accounting on the invoices of the dossiers trained by their oGestion establishments
  (validated with the expected payment date, or rejected with the reason: invoicing.services), that they did not
  take themselves;
between the end of the window of their last digest sent (or, for a first digest, the previous slot) and the
period's slot.
"""

import dataclasses
import datetime
import functools
from collections import defaultdict
from itertools import islice

from django.conf import settings
from django.core import signing
from django.db import connection, models, transaction
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from accounts.models import PORTAL_ROLES, Membership, Portal, User
from common.emails import build_email, compose_email
from deadlines.selectors import upcoming_by_user
from digests import frame, parts
from digests.models import Digest, DigestPreference, DigestState, InstantEmail, NotificationMode
from digests.schedule import period_at, previous_period
from dossiers.models import FINISHED_STATUSES, Document, DocumentDirection, Dossier, Enrolment, history_cutoff
from invoicing.models import Invoice, InvoiceStatus
from messaging.models import Message, MessageRead, SenderSide
from outbox import services as outbox

UNSUBSCRIBE_SALT = "digests.unsubscribe"


# --- What is new ---------------------------------------------------------------------------------------------------

_SCOPE = """
    WITH window_of(user_id, since) AS (SELECT * FROM unnest(%(users)s::bigint[], %(since)s::timestamptz[]))
"""

MESSAGES_SQL = (
    _SCOPE
    + """
    SELECT w.user_id, m.dossier_id, m.title
    FROM window_of w
    JOIN {membership} ms ON ms.user_id = w.user_id AND ms.is_active AND ms.role = ANY(%(company_roles)s)
    JOIN {dossier} d ON d.employer_establishment_id = ms.establishment_id{company_visible}
    JOIN {message} m ON m.dossier_id = d.id
    WHERE m.sender_side = %(constructys)s
      AND m.created_at > w.since AND m.created_at <= %(until)s
      AND m.author_id IS DISTINCT FROM w.user_id
      AND NOT EXISTS (SELECT 1 FROM {read} r WHERE r.message_id = m.id AND r.user_id = w.user_id)
    ORDER BY w.user_id, m.dossier_id, m.created_at, m.id
"""
)

DOCUMENTS_SQL = (
    _SCOPE
    + """
    , scope AS (
        SELECT w.user_id, w.since, d.id AS dossier_id
        FROM window_of w
        JOIN {membership} ms ON ms.user_id = w.user_id AND ms.is_active AND ms.role = ANY(%(company_roles)s)
        JOIN {dossier} d ON d.employer_establishment_id = ms.establishment_id{company_visible}
        UNION
        SELECT w.user_id, w.since, d.id
        FROM window_of w
        JOIN {membership} ms ON ms.user_id = w.user_id AND ms.is_active AND ms.role = ANY(%(provider_roles)s)
        JOIN {dossier} d ON d.provider_establishment_id = ms.establishment_id
    )
    SELECT s.user_id, doc.dossier_id, doc.name
    FROM scope s
    -- Each dossier's documents of the window through the index on (dossier, direction, date): OFFSET 0 keeps
    -- PostgreSQL from hashing every issued document of the table instead (40 -> 25 ms per batch of 500 users).
    CROSS JOIN LATERAL (
        SELECT doc.id, doc.dossier_id, doc.name, doc.uploaded_at, doc.message_id
        FROM {document} doc
        WHERE doc.dossier_id = s.dossier_id AND doc.direction = %(issued)s
          AND doc.uploaded_at > s.since AND doc.uploaded_at <= %(until)s
          AND doc.uploaded_by_id IS DISTINCT FROM s.user_id
        OFFSET 0
    ) doc
    WHERE NOT EXISTS (
          SELECT 1 FROM {read} r WHERE doc.message_id IS NOT NULL AND r.message_id = doc.message_id
                                   AND r.user_id = s.user_id)
    ORDER BY s.user_id, doc.dossier_id, doc.uploaded_at, doc.id
"""
)

# Accounting's decisions on a provider's invoices (invoicing.services.validate_invoice / reject_invoice): the
# provider's users of the establishment that trains the dossier hear of them.
INVOICES_SQL = (
    _SCOPE
    + """
    SELECT w.user_id, i.dossier_id, i.number, i.status, i.expected_payment_on, i.rejection_reason
    FROM window_of w
    JOIN {membership} ms ON ms.user_id = w.user_id AND ms.is_active AND ms.role = ANY(%(provider_roles)s)
    JOIN {dossier} d ON d.provider_establishment_id = ms.establishment_id
    JOIN {invoice} i ON i.dossier_id = d.id
    WHERE i.status = ANY(%(decided)s)
      AND i.reviewed_at > w.since AND i.reviewed_at <= %(until)s
      AND i.reviewed_by_id IS DISTINCT FROM w.user_id
    ORDER BY w.user_id, i.dossier_id, i.reviewed_at, i.id
"""
)
DECIDED_INVOICES = [InvoiceStatus.VALIDATED, InvoiceStatus.REJECTED]


def invoice_news_label(number, status, expected_payment_on, rejection_reason) -> str:
    """ "Facture n° F-12 : Validée — paiement prévu le 12/03/2027", "Facture n° F-12 : Rejetée : <motif>" (the
    status as FACTURATION shows it, Invoice.status_label)."""
    invoice = Invoice(status=status, expected_payment_on=expected_payment_on, rejection_reason=rejection_reason or "")
    return f"Facture n° {number} : {invoice.status_label()}"


# Dossier.objects.for_company_user's 6-year rule, in SQL: a company hears nothing of a dossier it can no longer see.
_COMPANY_VISIBLE = " AND NOT (d.status = ANY(%(finished)s) AND d.end_date < %(history_cutoff)s)"


def _tables():
    return {
        "company_visible": _COMPANY_VISIBLE,
        "membership": Membership._meta.db_table,
        "dossier": Dossier._meta.db_table,
        "message": Message._meta.db_table,
        "read": MessageRead._meta.db_table,
        "document": Document._meta.db_table,
        "invoice": Invoice._meta.db_table,
    }


@dataclasses.dataclass
class DossierNews:
    part: str  # "messages", "documents" or "invoices"
    number: str
    trainees: str
    provider: str
    title: str
    start_date: datetime.date
    end_date: datetime.date
    items: list[str]

    @property
    def count(self) -> int:
        return len(self.items)

    # A dossier's part of the email (digests.parts) is built once per batch and shared by every user who gets the
    # same rows (collect_news hands them the same object): at scale most of an email is these parts.
    @functools.cached_property
    def html(self) -> str:
        return parts.HTML[self.part](self)

    @functools.cached_property
    def text(self) -> str:
        return parts.TEXT[self.part](self)

    @functools.cached_property
    def cells(self) -> dict:
        """The dossier's columns as the emails print them (computed once: the documents table repeats them)."""
        return {
            "trainees": self.trainees or "—",
            "provider": self.provider or "—",
            "start": self.start_date.strftime("%d/%m/%Y"),
            "end": self.end_date.strftime("%d/%m/%Y"),
        }


@dataclasses.dataclass
class DigestContent:
    messages: list[DossierNews]
    documents: list[DossierNews]
    # "À venir cette semaine": the user's échéances of the week starting at the period (deadlines.Deadline rows).
    upcoming: list = dataclasses.field(default_factory=list)
    # Accounting's decisions on the provider's invoices, per dossier.
    invoices: list[DossierNews] = dataclasses.field(default_factory=list)

    @property
    def messages_count(self) -> int:
        return sum(news.count for news in self.messages)

    @property
    def documents_count(self) -> int:
        return sum(news.count for news in self.documents)

    @property
    def invoices_count(self) -> int:
        return sum(news.count for news in self.invoices)

    @property
    def dossiers_count(self) -> int:
        parts = (self.messages, self.documents, self.invoices)
        return len({news.number for part in parts for news in part})

    def __bool__(self):
        return bool(self.messages or self.documents or self.invoices or self.upcoming)

    # Each part of the email joined once (the templates print four values instead of looping over the dossiers).
    @property
    def messages_html(self) -> str:
        return mark_safe("".join(news.html for news in self.messages))

    @property
    def documents_html(self) -> str:
        return mark_safe("".join(news.html for news in self.documents))

    @property
    def messages_text(self) -> str:
        return "".join(news.text for news in self.messages)

    @property
    def documents_text(self) -> str:
        return "".join(news.text for news in self.documents)


UPCOMING_DAYS = 7  # "cette semaine": the period's day and the six after it


def add_upcoming(news: dict[int, DigestContent], user_ids, period: datetime.datetime) -> None:
    """Each user's échéances of the week starting on the period's day, as the part "À venir cette semaine" (once
    per digest); a user with only that gets a digest too. Two queries for the whole batch."""
    first = timezone.localdate(period)
    last = first + datetime.timedelta(days=UPCOMING_DAYS - 1)
    for user_id, rows in upcoming_by_user(list(user_ids), first, last).items():
        news.setdefault(user_id, DigestContent(messages=[], documents=[])).upcoming = rows


def collect_news(windows: dict[int, datetime.datetime], until: datetime.datetime) -> dict[int, DigestContent]:
    """What is new for each user (id → start of their window), up to `until`: five queries, whatever the number
    of users and items. Users with nothing new are left out."""
    if not windows:
        return {}
    params = {
        "users": list(windows),
        "since": list(windows.values()),
        "until": until,
        "company_roles": list(PORTAL_ROLES[Portal.EGESTION]),
        "provider_roles": list(PORTAL_ROLES[Portal.OGESTION]),
        "constructys": SenderSide.CONSTRUCTYS,
        "issued": DocumentDirection.ISSUED,
        "finished": list(FINISHED_STATUSES),
        "history_cutoff": history_cutoff(timezone.localdate(until)),
        "decided": DECIDED_INVOICES,
    }
    tables = _tables()
    with connection.cursor() as cursor:
        cursor.execute(MESSAGES_SQL.format(**tables), params)
        message_rows = cursor.fetchall()
        cursor.execute(DOCUMENTS_SQL.format(**tables), params)
        document_rows = cursor.fetchall()
        cursor.execute(INVOICES_SQL.format(**tables), params)
        invoice_rows = [(row[0], row[1], invoice_news_label(*row[2:])) for row in cursor.fetchall()]
    dossier_ids = {row[1] for rows in (message_rows, document_rows, invoice_rows) for row in rows}
    dossiers = _dossier_facts(dossier_ids)

    news: dict[int, DigestContent] = {}
    shared: dict[tuple, DossierNews] = {}  # users who get the same rows of a dossier share one object
    for rows, part in ((message_rows, "messages"), (document_rows, "documents"), (invoice_rows, "invoices")):
        grouped: dict[tuple[int, int], list[str]] = defaultdict(list)
        for user_id, dossier_id, label in rows:
            grouped[user_id, dossier_id].append(label)
        for (user_id, dossier_id), items in grouped.items():
            content = news.setdefault(user_id, DigestContent(messages=[], documents=[]))
            key = (part, dossier_id, tuple(items))
            if key not in shared:
                shared[key] = DossierNews(part=part, items=items, **dossiers[dossier_id])
            getattr(content, part).append(shared[key])
    for content in news.values():
        content.messages.sort(key=lambda news: news.number)
        content.documents.sort(key=lambda news: news.number)
        content.invoices.sort(key=lambda news: news.number)
    return news


def _trainees(dossier_ids) -> dict[int, str]:
    """Each dossier's trainees as the emails print them ("Ana Diaz, Léo Martin"): one query."""
    names = defaultdict(list)
    for dossier_id, first_name, last_name in (
        Enrolment.objects.filter(dossier_id__in=dossier_ids)
        .order_by("person__last_name", "person__first_name")
        .values_list("dossier_id", "person__first_name", "person__last_name")
    ):
        names[dossier_id].append(f"{first_name} {last_name}".strip())
    return {dossier_id: ", ".join(people) for dossier_id, people in names.items()}


def _dossier_facts(dossier_ids) -> dict[int, dict]:
    """The columns the digest shows for each dossier: two queries."""
    if not dossier_ids:
        return {}
    trainees = _trainees(dossier_ids)
    return {
        row["pk"]: {
            "number": row["number"],
            "trainees": trainees.get(row["pk"], ""),
            "provider": row["provider_establishment__name"] or "",
            "title": row["title"],
            "start_date": row["start_date"],
            "end_date": row["end_date"],
        }
        for row in Dossier.objects.filter(pk__in=dossier_ids).values(
            "pk", "number", "title", "start_date", "end_date", "provider_establishment__name"
        )
    }


# --- Recipients and their windows -----------------------------------------------------------------------------------


def recipients() -> models.QuerySet:
    """Users a digest may go to: active, attached to at least one establishment in a portal, not opted out."""
    return (
        User.objects.filter(is_active=True)
        .filter(models.Exists(Membership.objects.filter(user=models.OuterRef("pk"))))
        .exclude(digest_preference__mode=NotificationMode.NONE)
    )


def _batch_users(user_ids, period) -> list[dict]:
    """The batch's users with their preference, their portal and the end of their last digest sent: one query."""
    return list(
        User.objects.filter(pk__in=user_ids, is_active=True)
        .annotate(
            mode=Coalesce(
                models.Subquery(DigestPreference.objects.filter(user=models.OuterRef("pk")).values("mode")[:1]),
                models.Value(NotificationMode.DIGEST),
            ),
            last_end=models.Subquery(
                Digest.objects.filter(user=models.OuterRef("pk"), state=DigestState.SENT, period__lt=period)
                .order_by("-window_end")
                .values("window_end")[:1]
            ),
            in_egestion=models.Exists(
                Membership.objects.for_portal(Portal.EGESTION).filter(user=models.OuterRef("pk"))
            ),
            upcoming_deadlines=Coalesce(
                models.Subquery(
                    DigestPreference.objects.filter(user=models.OuterRef("pk")).values("upcoming_deadlines")[:1]
                ),
                models.Value(True),
            ),
        )
        .values("pk", "email", "first_name", "mode", "last_end", "in_egestion", "upcoming_deadlines")
    )


# --- Sending --------------------------------------------------------------------------------------------------------


@dataclasses.dataclass
class BatchResult:
    sent: int = 0
    skipped: int = 0


@functools.cache
def _signer() -> signing.Signer:
    return signing.Signer(salt=UNSUBSCRIBE_SALT)


@functools.cache
def _paths() -> dict:
    """The paths the emails link to, reversed once per process (thousands of emails per batch)."""
    return {
        "unsubscribe": reverse("digests:unsubscribe", args=["TOKEN"]),
        **{portal: (reverse(f"{portal}:login"), reverse(f"{portal}:account")) for portal in Portal},
    }


def unsubscribe_url(user_id: int) -> str:
    """A signed link that stops the digests without logging in (the user id, signed with SECRET_KEY)."""
    return settings.SITE_URL + _paths()["unsubscribe"].replace("TOKEN", _signer().sign(str(user_id)))


def user_of_unsubscribe_token(token: str) -> User | None:
    try:
        user_id = int(_signer().unsign(token))
    except (signing.BadSignature, ValueError):
        return None
    return User.objects.filter(pk=user_id).first()


def unsubscribe_headers(url: str) -> dict:
    """One-click unsubscribe (RFC 8058): mail clients POST to the link, without a session."""
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def _portal_urls(in_egestion: bool) -> dict:
    portal = Portal.EGESTION if in_egestion else Portal.OGESTION
    login, account = _paths()[portal]
    return {
        "portal_label": portal.label,
        "login_url": settings.SITE_URL + login,
        "preferences_url": settings.SITE_URL + account,
    }


def build_digest_email(*, user_id, email, first_name, in_egestion, content: DigestContent, test=False):
    """The digest as an email (HTML and text) with its one-click List-Unsubscribe header (RFC 8058)."""
    unsubscribe = unsubscribe_url(user_id)
    context = {
        "first_name": first_name,
        "content": content,
        "unsubscribe_url": unsubscribe,
        "test": test,
        **_portal_urls(in_egestion),
    }
    rendered = frame.render(context)  # the templates rendered once per shape of digest
    if rendered is None:
        return build_email("digest", context, [email], headers=unsubscribe_headers(unsubscribe))
    return compose_email(*rendered, [email], unsubscribe_headers(unsubscribe))


OUTBOX_CHUNK = 50

# Advisory lock keys of the digests: this prefix, then the user id (PostgreSQL session locks, bigint keys).
LOCK_PREFIX = 0x0D16 << 48


def send_batch(period: datetime.datetime, user_ids, first_since: datetime.datetime | None = None) -> BatchResult:
    """Send the period's digests of these users that are not sent yet. Safe to run again, and concurrently: the
    batch first takes a session lock per user (a user another run is sending to is left to that run), then reads
    the ledger, so what it finds pending is its own until it lets go. A user's first digest covers what came since
    the previous slot, or since `first_since` when given (a demo, or a first run in production)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM unnest(%s::bigint[]) AS id WHERE pg_try_advisory_lock(%s + id)",
            [[int(user_id) for user_id in user_ids], LOCK_PREFIX],
        )
        locked = [row[0] for row in cursor.fetchall()]
    try:
        return _send_locked(period, locked, first_since)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s + id) FROM unnest(%s::bigint[]) AS id", [LOCK_PREFIX, locked])


def _send_locked(period, user_ids, first_since) -> BatchResult:
    users = {user["pk"]: user for user in _batch_users(user_ids, period)}
    ledger = {row.user_id: row for row in Digest.objects.filter(period=period, user_id__in=users)}
    default_start = first_since or previous_period(period)
    windows = {}
    for user_id, user in users.items():
        if user["mode"] == NotificationMode.NONE:
            continue
        row = ledger.get(user_id)
        if row is None:
            start = user["last_end"] or default_start
            if start < period:
                windows[user_id] = start
        elif row.state == DigestState.PENDING:  # left by a run that crashed before handing its emails over
            windows[user_id] = row.window_start
    news = collect_news(windows, period)
    add_upcoming(news, [user_id for user_id in windows if users[user_id]["upcoming_deadlines"]], period)

    # The ledger row exists (pending) before its email is built: a crash from here on leaves it to the rerun.
    Digest.objects.bulk_create(
        [
            Digest(
                user_id=user_id,
                period=period,
                window_start=windows[user_id],
                window_end=period,
                messages_count=content.messages_count,
                documents_count=content.documents_count,
                dossiers_count=content.dossiers_count,
                email=users[user_id]["email"],
            )
            for user_id, content in news.items()
            if user_id not in ledger
        ],
        ignore_conflicts=True,
    )
    # Rows left pending by an earlier run whose recipient has nothing new any more (read since, or opted out).
    stale = [row.pk for row in ledger.values() if row.state == DigestState.PENDING and row.user_id not in news]
    if stale:
        Digest.objects.filter(pk__in=stale, state=DigestState.PENDING).update(state=DigestState.EMPTY)

    sent = 0
    server_unreachable = False
    # Handed over and sent OUTBOX_CHUNK users at a time: a batch never holds more than that many emails in memory,
    # and the outbox sends them from memory instead of reading back what it has just written.
    with_news = list(news)
    for start in range(0, len(with_news), OUTBOX_CHUNK):
        chunk = {user_id: news[user_id] for user_id in with_news[start : start + OUTBOX_CHUNK]}
        with transaction.atomic():
            # Exactly once: the ledger rows become "sent" in the transaction that writes their emails to the
            # outbox. A crash before the commit leaves both undone (the rerun builds them again); after it, the
            # outbox sends.
            handed_over = list(_mark_sent(period, users, chunk).items())
            rows = outbox.add(
                [_digest_email(users[user_id], news[user_id]) for _, user_id in handed_over],
                kind="digest",
                dedup_keys=[f"digest:{digest_id}" for digest_id, _ in handed_over],
            )
        # This worker sends them now (the beat sweeper would, should it die here). Once the SMTP server could not
        # be reached, the next chunks are only handed over: trying again would wait its timeout once per chunk.
        if not server_unreachable:
            server_unreachable = outbox.deliver(rows).unreachable
        sent += len(rows)
    return BatchResult(sent=sent, skipped=len(news) - sent)


def _digest_email(user, content):
    return build_digest_email(
        user_id=user["pk"],
        email=user["email"],
        first_name=user["first_name"],
        in_egestion=user["in_egestion"],
        content=content,
    )


MARK_SENT_SQL = """
    UPDATE {digest} AS d
    SET state = %(sent)s, sent_at = %(now)s, email = v.email,
        messages_count = v.messages, documents_count = v.documents, dossiers_count = v.dossiers
    FROM unnest(%(users)s::bigint[], %(emails)s::text[], %(messages)s::int[], %(documents)s::int[], %(dossiers)s::int[])
        AS v(user_id, email, messages, documents, dossiers)
    WHERE d.user_id = v.user_id AND d.period = %(period)s AND d.state = %(pending)s
    RETURNING d.id, d.user_id
"""


def _mark_sent(period, users, news) -> dict[int, int]:
    """Pending ledger rows of these users → sent, with what their email holds: one statement. Digest id → user id
    of the rows it changed."""
    if not news:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            MARK_SENT_SQL.format(digest=Digest._meta.db_table),
            {
                "sent": DigestState.SENT,
                "pending": DigestState.PENDING,
                "now": timezone.now(),
                "period": period,
                "users": list(news),
                "emails": [users[user_id]["email"] for user_id in news],
                "messages": [content.messages_count for content in news.values()],
                "documents": [content.documents_count for content in news.values()],
                "dossiers": [content.dossiers_count for content in news.values()],
            },
        )
        return dict(cursor.fetchall())


def plan_run(period: datetime.datetime, batch_size: int | None = None) -> list[list[int]]:
    """The period's recipients still without a digest sent, in batches of user ids."""
    batch_size = batch_size or settings.DIGEST_BATCH_SIZE
    user_ids = (
        recipients()
        .exclude(
            models.Exists(
                Digest.objects.filter(user=models.OuterRef("pk"), period=period).exclude(state=DigestState.PENDING)
            )
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    ids = user_ids.iterator(chunk_size=5000)
    return list(iter(lambda: list(islice(ids, batch_size)), []))


def current_period() -> datetime.datetime:
    return period_at(timezone.now())


def send_period(period: datetime.datetime | None = None, first_since: datetime.datetime | None = None) -> BatchResult:
    """The whole run in this process, batch after batch (the management command; Celery fans out instead)."""
    period = period or current_period()
    total = BatchResult()
    for user_ids in plan_run(period):
        result = send_batch(period, user_ids, first_since)
        total.sent += result.sent
        total.skipped += result.skipped
    return total


# --- The admin's test digest and the "right away" email -------------------------------------------------------------


def send_test_digest(digest: Digest, to_email: str) -> bool:
    """Rebuild that digest (its user, its window, read state as of now) and send it to `to_email` only. The
    ledger is left alone. False when there is nothing left to show."""
    news = collect_news({digest.user_id: digest.window_start}, digest.window_end)
    if DigestPreference.objects.wants_upcoming_deadlines(digest.user):
        add_upcoming(news, [digest.user_id], digest.period)
    content = news.get(digest.user_id)
    if not content:
        return False
    in_egestion = Membership.objects.for_portal(Portal.EGESTION).filter(user_id=digest.user_id).exists()
    message = build_digest_email(
        user_id=digest.user_id,
        email=to_email,
        first_name=digest.user.first_name,
        in_egestion=in_egestion,
        content=content,
        test=True,
    )
    outbox.send_on_commit(message, kind="digest_test")
    return True


def queue_new_message_emails(message: Message) -> list:
    """Right away, to the company users who asked for it: a message from Constructys on one of their dossiers,
    unless they wrote it, already read it, or already have that email. Written to the outbox in the caller's
    transaction (the reply's, see digests.receivers), with an `InstantEmail` ledger row each; the caller publishes
    the outbox rows returned once it commits."""
    if message.sender_side != SenderSide.CONSTRUCTYS:
        return []
    users = list(
        User.objects.filter(
            is_active=True,
            digest_preference__mode=NotificationMode.INSTANT,
            pk__in=Membership.objects.for_portal(Portal.EGESTION)
            .filter(establishment_id=message.dossier.employer_establishment_id)
            .values("user_id"),
        )
        .exclude(pk=message.author_id)
        .exclude(message_reads__message=message)
        .exclude(instant_emails__message=message)
        .values("pk", "email", "first_name")
    )
    if not users:
        return []
    trainees = _trainees([message.dossier_id]).get(message.dossier_id, "")
    InstantEmail.objects.bulk_create([InstantEmail(user_id=user["pk"], message=message) for user in users])
    return outbox.add(
        [_instant_email(user, message, trainees) for user in users],
        kind="digest_message",
        dedup_keys=[f"instant:{message.pk}:{user['pk']}" for user in users],
    )


def send_new_message_emails(message_id: int) -> int:
    """The same for a message already committed (a task queued before the reply's transaction wrote them)."""
    with transaction.atomic():
        # The message's row lock makes a concurrent run wait, then find the InstantEmail rows and skip.
        message = (
            Message.objects.select_for_update(of=("self",))
            .filter(pk=message_id, sender_side=SenderSide.CONSTRUCTYS)
            .select_related("dossier")
            .first()
        )
        rows = queue_new_message_emails(message) if message else []
    outbox.publish(rows)
    return len(rows)


def _instant_email(user, message, trainees):
    unsubscribe = unsubscribe_url(user["pk"])
    return build_email(
        "digest_message",
        {
            "first_name": user["first_name"],
            "message": message,
            "dossier": message.dossier,
            "trainees": trainees,
            "unsubscribe_url": unsubscribe,
            **_portal_urls(True),
        },
        [user["email"]],
        headers=unsubscribe_headers(unsubscribe),
    )


def set_mode(user, mode: str, *, upcoming_deadlines: bool | None = None) -> DigestPreference:
    defaults = {"mode": mode}
    if upcoming_deadlines is not None:
        defaults["upcoming_deadlines"] = upcoming_deadlines
    preference, _ = DigestPreference.objects.update_or_create(user=user, defaults=defaults)
    return preference
