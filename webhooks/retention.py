"""How long what a webhook carried is kept. A payload quotes messages, names and amounts (personal data, RGPD art.
5-1-e: kept no longer than needed): once every delivery of an event is over (delivered or abandoned) and the
retention period has passed, the payload is emptied. The event's id, type and date and its deliveries stay, as the
record of what was sent to whom and when."""

import datetime

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils import timezone

from webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEvent


def forget_old_payloads(now: datetime.datetime | None = None) -> int:
    """Empty the payloads older than WEBHOOKS_PAYLOAD_RETENTION_DAYS whose deliveries are all over; the number
    emptied."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.WEBHOOKS_PAYLOAD_RETENTION_DAYS)
    still_to_send = WebhookDelivery.objects.filter(
        event=OuterRef("pk"), status__in=[DeliveryStatus.PENDING, DeliveryStatus.SENDING]
    )
    return (
        WebhookEvent.objects.filter(created_at__lt=cutoff)
        .exclude(payload={})
        .exclude(Exists(still_to_send))
        .update(payload={})
    )
