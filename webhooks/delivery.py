"""Sending deliveries: POST the event, signed, and record the endpoint's answer.

- `publish` hands committed deliveries to a worker (outbox.services.publish_task: a broker that is down costs the
  request at most OUTBOX_PUBLISH_TIMEOUT seconds, then the sweeper sends them).
- `deliver` sends due deliveries one at a time, each claimed first (outbox.services.claim_next: state "sending"
  under a lease of WEBHOOKS_LEASE_SECONDS, committed before the POST), so two workers never send the same one.
  A worker that dies mid-POST leaves it "sending" until the lease ends; it is then sent again with the same event
  id, which receivers use to drop a second copy.
- A 2xx answer is a success; anything else (another code, a redirect — never followed —, a timeout, a refused
  address) is a failure, retried after WEBHOOKS_RETRY_BASE_SECONDS doubling up to WEBHOOKS_RETRY_MAX_SECONDS, for
  WEBHOOKS_RETRY_HOURS after the event; then the delivery is abandoned ("Abandonné").
- After WEBHOOKS_DISABLE_AFTER_FAILURES failures in a row (any event), the first of them at least
  WEBHOOKS_DISABLE_AFTER_SECONDS ago, the endpoint is disabled, its waiting deliveries abandoned, and its creator and
  the organisation's managers / référents get an email.
"""

import dataclasses
import datetime
import http.client
import json
import logging
import time

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from accounts.models import Membership, OrganisationKind, Portal, Role
from common.emails import send_email_on_commit
from outbox.services import backoff, claim_next, publish_task
from webhooks import signing
from webhooks.addresses import RefusedAddress, pinned_connection
from webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint

logger = logging.getLogger(__name__)

USER_AGENT = "Constructys-Webhooks/1.0"
RESPONSE_EXCERPT_BYTES = 1000  # what is kept of an answer, and shown on the endpoint's page
ADMIN_ROLES = (Role.COMPANY_MANAGER, Role.PROVIDER_REFERENT)


def publish(ids, **options) -> None:
    """Have a worker send these deliveries now (WEBHOOKS_DELIVERY "celery"), send them in this process ("inline"),
    or leave them to the sweeper ("sweeper")."""
    ids = list(ids)
    if not ids:
        return
    if settings.WEBHOOKS_DELIVERY == "inline":
        deliver(ids)
    elif settings.WEBHOOKS_DELIVERY == "celery":
        from webhooks.tasks import deliver_webhooks

        publish_task(deliver_webhooks, ids, **options)


# --- what is sent -----------------------------------------------------------------------------------------------


def body_of(event) -> bytes:
    """The JSON body: the same bytes at every attempt (the signature covers them)."""
    envelope = {
        "id": str(event.event_id),
        "type": event.type,
        "created_at": timezone.localtime(event.created_at).isoformat(timespec="seconds"),
        "data": event.payload,
    }
    return json.dumps(envelope, ensure_ascii=False, sort_keys=True).encode()


def headers_of(delivery, body: bytes, timestamp: int) -> dict:
    return {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        "X-Constructys-Event": delivery.event.type,
        "X-Constructys-Event-Id": str(delivery.event.event_id),
        "X-Constructys-Timestamp": str(timestamp),
        "X-Constructys-Signature": signing.signature(delivery.endpoint.secret, timestamp, body),
    }


@dataclasses.dataclass
class Answer:
    status_code: int | None = None
    excerpt: str = ""
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def post(delivery) -> Answer:
    """One POST of the delivery's event, with short timeouts; redirects are not followed."""
    body = body_of(delivery.event)
    timestamp = int(time.time())
    connection = None
    try:
        connection, path = pinned_connection(delivery.endpoint.url, timeout=settings.WEBHOOKS_TIMEOUT_SECONDS)
        connection.request("POST", path, body=body, headers=headers_of(delivery, body, timestamp))
        response = connection.getresponse()
        excerpt = response.read(RESPONSE_EXCERPT_BYTES).decode("utf-8", errors="replace")
        answer = Answer(response.status, excerpt)
        if not answer.ok:
            answer.error = f"Réponse HTTP {response.status}" + (
                " (redirection non suivie)" if 300 <= response.status < 400 else ""
            )
        return answer
    except RefusedAddress as error:
        return Answer(error=str(error))
    except TimeoutError:
        return Answer(error=f"Pas de réponse en {settings.WEBHOOKS_TIMEOUT_SECONDS} s.")
    except (OSError, http.client.HTTPException) as error:
        return Answer(error=f"Échec de la connexion : {type(error).__name__} {error}"[:500])
    finally:
        if connection is not None:
            connection.close()


# --- the queue --------------------------------------------------------------------------------------------------


@dataclasses.dataclass
class DeliveryResult:
    sent: int = 0
    retried: int = 0
    failed: int = 0


def deliver(ids=None, *, time_budget: float | None = None) -> DeliveryResult:
    """Send the due deliveries (among `ids` when given). An endpoint that fails is not tried again in this run (its
    other deliveries keep their turn), so one dead endpoint cannot hold up the others."""
    result = DeliveryResult()
    started = time.monotonic()
    failing = []
    while time_budget is None or time.monotonic() - started < time_budget:
        claimed = claim_next(
            WebhookDelivery,
            ids,
            lease_seconds=settings.WEBHOOKS_LEASE_SECONDS,
            where="AND NOT (endpoint_id = ANY(%(failing)s))",
            params={"failing": failing},
        )
        if claimed is None:
            break
        delivery = WebhookDelivery.objects.select_related("endpoint", "event").get(pk=claimed.pk)
        outcome = attempt(delivery)
        if outcome == DeliveryStatus.SENT:
            result.sent += 1
            continue
        failing.append(delivery.endpoint_id)
        if outcome == DeliveryStatus.FAILED:
            result.failed += 1
        else:
            result.retried += 1
    return result


def attempt(delivery) -> str:
    """Send one claimed delivery and record the outcome: the delivery's new status."""
    endpoint = delivery.endpoint
    if endpoint.deleted_at or not endpoint.is_active:
        _abandon(WebhookDelivery.objects.filter(pk=delivery.pk), "Point de réception désactivé ou supprimé.")
        return DeliveryStatus.FAILED
    answer = post(delivery)
    if answer.ok:
        _record_success(delivery, answer)
        return DeliveryStatus.SENT
    return _record_failure(delivery, answer)


def _record_success(delivery, answer: Answer) -> None:
    now = timezone.now()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.SENT,
        delivered_at=now,
        last_attempt_at=now,
        last_status_code=answer.status_code,
        last_response=answer.excerpt,
        last_error="",
        updated_at=now,
    )
    WebhookEndpoint.objects.filter(pk=delivery.endpoint_id).filter(
        Q(consecutive_failures__gt=0) | Q(failing_since__isnull=False)
    ).update(consecutive_failures=0, failing_since=None)


def retry_delay(attempts: int) -> datetime.timedelta:
    return backoff(attempts, settings.WEBHOOKS_RETRY_BASE_SECONDS, settings.WEBHOOKS_RETRY_MAX_SECONDS)


def _record_failure(delivery, answer: Answer) -> str:
    now = timezone.now()
    delay = retry_delay(delivery.attempts)
    gives_up = now + delay > delivery.event.created_at + datetime.timedelta(hours=settings.WEBHOOKS_RETRY_HOURS)
    status = DeliveryStatus.FAILED if gives_up else DeliveryStatus.PENDING
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=status,
        next_attempt_at=now + delay,
        last_attempt_at=now,
        last_status_code=answer.status_code,
        last_response=answer.excerpt,
        last_error=(answer.error + (f" Abandonné après {delivery.attempts} tentatives." if gives_up else ""))[:500],
        updated_at=now,
    )
    logger.info("Webhook delivery %s failed (attempt %s): %s", delivery.pk, delivery.attempts, answer.error)
    WebhookEndpoint.objects.filter(pk=delivery.endpoint_id).update(
        consecutive_failures=F("consecutive_failures") + 1, failing_since=Coalesce(F("failing_since"), now)
    )
    disabled = _disable_if_failing(delivery.endpoint_id, answer)
    if status == DeliveryStatus.PENDING and not disabled:
        _schedule_retry(delivery.pk, delay)
    return DeliveryStatus.FAILED if disabled else status


def _schedule_retry(pk, delay: datetime.timedelta) -> None:
    """A near retry gets a task of its own, published with its countdown (kept under the broker's visibility
    timeout); later ones, and this one if the publish fails, are the sweeper's. Never "inline": the retry would
    run at once, in this call."""
    if settings.WEBHOOKS_DELIVERY == "celery" and delay.total_seconds() <= settings.WEBHOOKS_COUNTDOWN_MAX_SECONDS:
        publish([pk], countdown=delay.total_seconds() + 0.5)


def _abandon(deliveries, reason: str) -> int:
    return deliveries.filter(status__in=[DeliveryStatus.PENDING, DeliveryStatus.SENDING]).update(
        status=DeliveryStatus.FAILED, last_error=reason, updated_at=timezone.now()
    )


@transaction.atomic
def _disable_if_failing(endpoint_id, answer: Answer) -> bool:
    endpoint = WebhookEndpoint.objects.select_for_update().select_related("organisation").get(pk=endpoint_id)
    threshold_passed = endpoint.consecutive_failures >= settings.WEBHOOKS_DISABLE_AFTER_FAILURES
    long_enough = endpoint.failing_since and endpoint.failing_since <= timezone.now() - datetime.timedelta(
        seconds=settings.WEBHOOKS_DISABLE_AFTER_SECONDS
    )
    if not endpoint.is_active or not threshold_passed or not long_enough:
        return False
    endpoint.is_active = False
    endpoint.disabled_at = timezone.now()
    endpoint.disabled_reason = (
        f"Désactivé automatiquement après {endpoint.consecutive_failures} échecs consécutifs depuis le "
        f"{timezone.localtime(endpoint.failing_since):%d/%m/%Y à %H:%M} (dernière erreur : {answer.error})"
    )[:500]
    endpoint.save(update_fields=["is_active", "disabled_at", "disabled_reason"])
    _abandon(endpoint.deliveries.all(), "Point de réception désactivé après des échecs répétés.")
    _email_owners(endpoint)
    return True


# --- who is told ------------------------------------------------------------------------------------------------


def portal_of(organisation) -> str:
    return Portal.EGESTION if organisation.kind == OrganisationKind.COMPANY else Portal.OGESTION


def endpoint_url(endpoint) -> str:
    try:
        return settings.SITE_URL + reverse(f"{portal_of(endpoint.organisation)}:webhook", args=[endpoint.pk])
    except NoReverseMatch:  # a configuration without the portals' pages
        return settings.SITE_URL


def owner_emails(endpoint) -> list[str]:
    """The endpoint's creator (while active) and the organisation's account managers / référents."""
    emails = set(
        Membership.objects.filter(
            establishment__organisation=endpoint.organisation_id, role__in=ADMIN_ROLES
        ).values_list("user__email", flat=True)
    )
    creator = endpoint.created_by
    if creator is not None and creator.is_active:
        emails.add(creator.email)
    return sorted(email for email in emails if email)


def _email_owners(endpoint) -> None:
    recipients = owner_emails(endpoint)
    if not recipients:
        return
    send_email_on_commit(
        "webhook_disabled",
        {"endpoint": endpoint, "url": endpoint_url(endpoint), "organisation": endpoint.organisation},
        to=recipients,
    )
