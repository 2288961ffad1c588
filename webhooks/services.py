"""What an organisation does with its webhook endpoints (the portals' pages call these): register, disable,
enable, delete, send a test event. Each change is written to the admin history (common.history)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from common.history import ADDITION, log_change
from webhooks import events
from webhooks.addresses import validate_webhook_url
from webhooks.delivery import _abandon
from webhooks.models import EventType, WebhookDelivery, WebhookEndpoint, WebhookEvent


@transaction.atomic
def create_endpoint(
    organisation, user, *, portal: str, url: str, events: list[str], description: str = ""
) -> WebhookEndpoint:
    """A new endpoint, active, with a new secret (the caller shows it once). It receives what `user` sees in
    `portal`, read at each event (WebhookEndpoint.reaching)."""
    validate_webhook_url(url)
    if not events:
        raise ValidationError("Choisissez au moins un événement.")
    endpoint = WebhookEndpoint.objects.create(
        organisation=organisation,
        portal=portal,
        url=url,
        events=list(events),
        description=description,
        created_by=user,
    )
    log_change(user, endpoint, f"Point de réception de webhooks créé : {url}", ADDITION)
    return endpoint


@transaction.atomic
def disable(endpoint: WebhookEndpoint, user) -> WebhookEndpoint:
    """Stop sending to the endpoint; what was waiting for it is abandoned."""
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    if endpoint.is_active:
        endpoint.is_active = False
        endpoint.disabled_at = timezone.now()
        endpoint.disabled_reason = f"Désactivé par {user.get_full_name() or user.email}."
        endpoint.save(update_fields=["is_active", "disabled_at", "disabled_reason"])
        _abandon(endpoint.deliveries.all(), "Point de réception désactivé.")
        log_change(user, endpoint, "Point de réception de webhooks désactivé.")
    return endpoint


@transaction.atomic
def enable(endpoint: WebhookEndpoint, user) -> WebhookEndpoint:
    """Send again, from the next event on (what was abandoned stays so: the API gives what was missed)."""
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    if not endpoint.is_active and not endpoint.deleted_at:
        endpoint.is_active = True
        endpoint.disabled_at, endpoint.disabled_reason = None, ""
        endpoint.consecutive_failures, endpoint.failing_since = 0, None
        endpoint.save(
            update_fields=["is_active", "disabled_at", "disabled_reason", "consecutive_failures", "failing_since"]
        )
        log_change(user, endpoint, "Point de réception de webhooks réactivé.")
    return endpoint


@transaction.atomic
def delete(endpoint: WebhookEndpoint, user) -> WebhookEndpoint:
    """The endpoint leaves the organisation's list and receives nothing more; it stays, with its deliveries, as
    their record (its secret is erased)."""
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    if endpoint.deleted_at is None:
        endpoint.deleted_at = timezone.now()
        endpoint.is_active = False
        endpoint.secret = ""
        endpoint.save(update_fields=["deleted_at", "is_active", "secret"])
        _abandon(endpoint.deliveries.all(), "Point de réception supprimé.")
        log_change(user, endpoint, "Point de réception de webhooks supprimé.")
    return endpoint


@transaction.atomic
def send_test(endpoint: WebhookEndpoint, user) -> WebhookDelivery:
    """ "Envoyer un événement de test": an event of type webhook.test, to this endpoint only."""
    if not endpoint.is_active or endpoint.deleted_at:
        raise ValidationError("Ce point de réception est désactivé : réactivez-le pour lui envoyer un test.")
    event = WebhookEvent.objects.create(
        type=EventType.TEST,
        organisation_id=endpoint.organisation_id,
        payload={
            "message": "Événement de test envoyé depuis le portail Constructys.",
            "sent_by": user.get_full_name() or user.email,
            "endpoint_url": endpoint.url,
        },
    )
    [delivery] = events.queue([WebhookDelivery(endpoint=endpoint, event=event)])
    return delivery
