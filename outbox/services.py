"""Queue emails in the outbox, hand them to a worker, send them.

- `add` writes rows in the caller's transaction; `send_on_commit` also publishes them once it commits (what
  `common.emails.send_email_on_commit` and the allauth adapter use).
- `publish` asks Celery to send rows now. The broker may be down: the publish gives up within
  OUTBOX_PUBLISH_TIMEOUT seconds and the beat task `outbox.tasks.sweep` (every minute) sends what is due anyway.
- `deliver` sends due rows, one at a time: each row is claimed (state "sending", committed) before the SMTP
  server hears of it, so two workers never send the same row. A worker that dies while sending leaves its row
  "sending" until the lease (OUTBOX_LEASE_SECONDS) runs out; it is then sent again. That is the one window for a
  duplicate (the server accepted the email and the worker died before recording it); the Message-ID is the same
  both times, so the receiving side can drop the second copy.
- A failure is retried with exponential backoff (OUTBOX_RETRY_BASE_SECONDS doubling up to
  OUTBOX_RETRY_MAX_SECONDS); after OUTBOX_MAX_ATTEMPTS attempts, or when the server refuses the recipients for good
  (5xx), the row is "failed" and shows in the admin, where "Renvoyer" queues it again.

`publish_task`, `claim_next` and `backoff` serve any queue kept in the database the same way (webhooks' deliveries).
"""

import dataclasses
import datetime
import logging
import smtplib
import time
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.db import connection, transaction
from django.utils import timezone

from outbox.models import EmailStatus, OutgoingEmail

logger = logging.getLogger(__name__)


# --- Queue ---------------------------------------------------------------------------------------------------------


def _row(message: EmailMessage, kind: str, dedup_key: str | None) -> OutgoingEmail:
    if message.attachments:
        raise ValueError("The outbox keeps no attachments: link to the portal instead.")
    headers = dict(message.extra_headers)
    html = next((content for content, mimetype in getattr(message, "alternatives", []) if mimetype == "text/html"), "")
    return OutgoingEmail(
        kind=kind,
        message_id=headers.pop("Message-ID", None) or make_msgid(domain=settings.OUTBOX_MESSAGE_ID_DOMAIN),
        dedup_key=dedup_key,
        from_email=message.from_email,
        to=list(message.to),
        cc=list(message.cc),
        bcc=list(message.bcc),
        reply_to=list(message.reply_to),
        subject=message.subject,
        body=message.body,
        html=html,
        headers=headers,
    )


def add(messages, *, kind: str = "", dedup_keys=None) -> list[OutgoingEmail]:
    """Write these emails as pending rows, in the current transaction (one INSERT). The caller publishes them once
    its transaction commits (or leaves them to the sweeper)."""
    dedup_keys = dedup_keys or [None] * len(messages)
    return OutgoingEmail.objects.bulk_create(
        [_row(message, kind, key) for message, key in zip(messages, dedup_keys, strict=True)]
    )


def send_on_commit(message: EmailMessage, *, kind: str = "", dedup_key: str | None = None) -> OutgoingEmail:
    """Queue one email with the change being made: it is sent after the commit, never if the change rolls back."""
    [row] = add([message], kind=kind, dedup_keys=[dedup_key])
    transaction.on_commit(lambda: publish([row.pk]))
    return row


def publish(ids) -> None:
    """Have a worker send these rows now (OUTBOX_DELIVERY "celery"), send them in this process ("inline": the
    tests, so that django.core.mail.outbox fills), or leave them to the sweeper ("sweeper")."""
    ids = [row.pk if isinstance(row, OutgoingEmail) else int(row) for row in ids]
    if not ids:
        return
    if settings.OUTBOX_DELIVERY == "inline":
        deliver(ids)
    elif settings.OUTBOX_DELIVERY == "celery":
        _publish_task(ids)


# After a failed publish, this process leaves its emails to the sweeper for a while instead of waiting for the
# broker again at each email (a frozen Redis would otherwise cost every page OUTBOX_PUBLISH_TIMEOUT per email).
PUBLISH_PAUSE_SECONDS = 30
_publish_paused_until = 0.0


def _publish_task(ids) -> None:
    from outbox.tasks import send_emails

    publish_task(send_emails, ids)


def publish_task(task, *args, **options) -> bool:
    """Queue `task(*args)` on the broker (`options` go to apply_async: a countdown...), or leave the work to a
    sweeper: the rows it works on are in the database already. Shared by every queue written in the database (the
    outbox, webhooks' deliveries). Returns whether the task was published."""
    global _publish_paused_until

    if time.monotonic() < _publish_paused_until:
        return False
    timeout = settings.OUTBOX_PUBLISH_TIMEOUT
    try:
        # A connection of its own with short timeouts and no retry: a broker that is down or frozen costs the
        # request at most `timeout` seconds; the rows are in the database and the sweeper sends them.
        with task.app.connection_for_write(
            connect_timeout=timeout,
            transport_options={"max_retries": 0, "socket_connect_timeout": timeout, "socket_timeout": timeout},
        ) as broker:
            task.apply_async(args, connection=broker, retry=False, **options)
    except Exception:
        _publish_paused_until = time.monotonic() + PUBLISH_PAUSE_SECONDS
        logger.warning("Could not publish %s%s; the sweeper will do it", task.name, args, exc_info=True)
        return False
    return True


# --- Send ----------------------------------------------------------------------------------------------------------


@dataclasses.dataclass
class DeliveryResult:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    unreachable: bool = False  # the run stopped on a server it could not reach: the rest waits for the sweeper


# The row sent just before, recorded in the statement that claims the next one (one round trip per email; the
# record still follows the server's acceptance at once, so a worker that dies leaves at most that one row to resend).
RECORD_SENT_SQL = """
    WITH sent AS (
        UPDATE {table} SET status = %(sent)s, sent_at = %(now)s, last_error = '', updated_at = %(now)s
        WHERE id = %(sent_id)s
    )
"""

CLAIM_SQL = """
    UPDATE {table} SET status = %(sending)s, attempts = attempts + 1, next_attempt_at = %(lease_end)s,
                       updated_at = %(now)s
    WHERE id = (
        SELECT id FROM {table}
        WHERE status IN (%(pending)s, %(sending)s) AND next_attempt_at <= %(now)s {among}
        {order}
        FOR UPDATE SKIP LOCKED
    )
    RETURNING {returning}
"""


def claim_next(
    model,
    ids=None,
    *,
    lease_seconds: int,
    where: str = "",
    params: dict | None = None,
    before: str = "",
    columns: list[str] | None = None,
):
    """The next due row of `model` (a queue table with the outbox's columns: status "pending"/"sending", attempts,
    next_attempt_at, updated_at), now "sending" under this worker's lease: one statement, committed before any
    talk with the outside. SKIP LOCKED lets concurrent senders take different rows. `where` (SQL starting with
    AND, placeholders in `params`) narrows the rows; `before` (a WITH clause) runs in the same statement.
    `columns`: return only these (a dict, or None) instead of the whole row as a model instance."""
    now = timezone.now()
    one = ids is not None and len(ids) == 1
    among = ("" if ids is None else "AND id = %(id)s " if one else "AND id = ANY(%(ids)s) ") + where
    # One named row: no ORDER BY, so that PostgreSQL reads it by its primary key (ordered, it walked the due
    # index past every pending row of the batch to find it).
    order = "" if one else "ORDER BY next_attempt_at, id LIMIT 1"
    returning = "*" if columns is None else ", ".join(columns)
    sql = before + CLAIM_SQL.format(table=model._meta.db_table, among=among, order=order, returning=returning)
    params = {
        **(params or {}),
        "sending": EmailStatus.SENDING,
        "pending": EmailStatus.PENDING,
        "now": now,
        "lease_end": now + datetime.timedelta(seconds=lease_seconds),
        "ids": list(ids or []),
        "id": ids[0] if one else None,
    }
    if columns is None:
        return next(iter(model.objects.raw(sql, params)), None)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return None if row is None else dict(zip(columns, row, strict=True))


# What a claim returns of a row this process holds in memory: what may have changed since it was written (an
# admin's "Renvoyer" gives a sent row a new Message-ID).
CLAIMED_COLUMNS = ["attempts", "message_id"]


def _claim_next(ids=None, sent_id: int | None = None) -> OutgoingEmail | None:
    """The outbox's next row; `sent_id`: the row this worker has just sent, recorded "sent" by the same statement
    (one round trip per email). `ids` may hold one row this process has just written (an `OutgoingEmail` with its
    texts): the claim then reads back only CLAIMED_COLUMNS, not its texts (most of the row, compressed by
    PostgreSQL), and returns that row."""
    written = ids[0] if ids and isinstance(ids[0], OutgoingEmail) else None
    options = {"lease_seconds": settings.OUTBOX_LEASE_SECONDS}
    if written is not None:
        ids, options["columns"] = [written.pk], CLAIMED_COLUMNS
    if sent_id is not None:
        options.update(
            before=RECORD_SENT_SQL.format(table=OutgoingEmail._meta.db_table),
            # The claim reads the rows as they were before the WITH recorded this one: with its lease run out (a
            # slow SMTP answer) it would be claimed again, and of two updates of one row in one statement either
            # may win.
            where="AND id <> %(sent_id)s",
            params={"sent": EmailStatus.SENT, "sent_id": sent_id},
        )
    row = claim_next(OutgoingEmail, ids, **options)
    if written is None or row is None:
        return row
    for column, value in row.items():
        setattr(written, column, value)
    written.status = EmailStatus.SENDING
    return written


def _record_sent(row_id: int) -> None:
    now = timezone.now()
    OutgoingEmail.objects.filter(pk=row_id).update(status=EmailStatus.SENT, sent_at=now, last_error="", updated_at=now)


def as_email(row: OutgoingEmail, connection=None) -> EmailMultiAlternatives:
    email = EmailMultiAlternatives(
        subject=row.subject,
        body=row.body,
        from_email=row.from_email,
        to=row.to,
        cc=row.cc,
        bcc=row.bcc,
        reply_to=row.reply_to,
        headers={**row.headers, "Message-ID": row.message_id},
        connection=connection,
    )
    if row.html:
        email.attach_alternative(row.html, "text/html")
    return email


def backoff(attempts: int, base_seconds: int, max_seconds: int) -> datetime.timedelta:
    """Exponential backoff: base, 2 × base, 4 × base ... capped."""
    return datetime.timedelta(seconds=min(base_seconds * 2 ** max(attempts - 1, 0), max_seconds))


def retry_delay(attempts: int) -> datetime.timedelta:
    return backoff(attempts, settings.OUTBOX_RETRY_BASE_SECONDS, settings.OUTBOX_RETRY_MAX_SECONDS)


def _refused_for_good(error: Exception) -> bool:
    """The server refused every recipient with a permanent (5xx) answer: retrying cannot help."""
    return isinstance(error, smtplib.SMTPRecipientsRefused) and all(
        code >= 500 for code, _ in error.recipients.values()
    )


def _server_unreachable(error: Exception) -> bool:
    """Connection refused, timed out or dropped: the next rows would fail the same way."""
    return isinstance(error, OSError | smtplib.SMTPConnectError | smtplib.SMTPServerDisconnected)


def _record_failure(row: OutgoingEmail, error: Exception) -> EmailStatus:
    now = timezone.now()
    final = _refused_for_good(error) or row.attempts >= settings.OUTBOX_MAX_ATTEMPTS
    OutgoingEmail.objects.filter(pk=row.pk).update(
        status=EmailStatus.FAILED if final else EmailStatus.PENDING,
        next_attempt_at=now + retry_delay(row.attempts),
        last_error=f"{type(error).__name__}: {error}"[:2000],
        updated_at=now,
    )
    logger.warning("Outbox: email %s not sent (attempt %s): %s", row.pk, row.attempts, error)
    return EmailStatus.FAILED if final else EmailStatus.PENDING


def deliver(ids=None, *, time_budget: float | None = None) -> DeliveryResult:
    """Send the due rows (among `ids` when given), over one SMTP connection. Stops early when the server is
    unreachable (the rows not tried keep their turn) or when `time_budget` seconds have passed. `ids` may be the
    rows `add` has just returned (committed since): their emails are then built from them, not read back."""
    result = DeliveryResult()
    started = time.monotonic()
    mail = None
    sent_id = None  # sent, not recorded yet: the next claim records it
    # With `ids`, each claim names one of them, in turn: the 500 ids of a digest batch sent with each of its 500
    # claims cost more CPU than building the emails.
    candidates = None if ids is None else iter([pk if isinstance(pk, OutgoingEmail) else int(pk) for pk in ids])
    try:
        while time_budget is None or time.monotonic() - started < time_budget:
            if candidates is None:
                row = _claim_next(sent_id=sent_id)
            elif (candidate := next(candidates, None)) is not None:
                row = _claim_next([candidate], sent_id=sent_id)
            else:
                break  # the finally records the last one sent
            sent_id = None
            if row is None:
                if candidates is not None:
                    continue  # not due (sent, or taken by another sender): the next one
                break
            try:
                if mail is None:
                    mail = get_connection(timeout=settings.EMAIL_TIMEOUT)
                    mail.open()
                if not as_email(row, mail).send():
                    raise smtplib.SMTPRecipientsRefused(dict.fromkeys(row.to, (550, b"adresse invalide")))
            except Exception as error:
                if _record_failure(row, error) == EmailStatus.FAILED:
                    result.failed += 1
                else:
                    result.retried += 1
                if _server_unreachable(error):
                    result.unreachable = True
                    break
                continue
            sent_id = row.pk
            result.sent += 1
    finally:
        if sent_id is not None:  # the last one (or the claim after it failed)
            _record_sent(sent_id)
        if mail is not None:
            try:
                mail.close()
            except Exception:  # a broken connection: nothing left to close cleanly
                logger.debug("Outbox: SMTP connection closed badly", exc_info=True)
    return result


def resend(rows) -> list[int]:
    """The admin's "Renvoyer": queue these emails again, now, with a fresh count of attempts. A row already sent
    gets a new Message-ID (a new email, not a copy the receiver should drop)."""
    ids = []
    now = timezone.now()
    with transaction.atomic():
        for row in rows.select_for_update().exclude(status=EmailStatus.SENDING):
            if row.status == EmailStatus.SENT:
                row.message_id = make_msgid(domain=settings.OUTBOX_MESSAGE_ID_DOMAIN)
            row.status = EmailStatus.PENDING
            row.attempts = 0
            row.next_attempt_at = now
            row.save(update_fields=["message_id", "status", "attempts", "next_attempt_at", "updated_at"])
            ids.append(row.pk)
        transaction.on_commit(lambda: publish(ids))
    return ids
