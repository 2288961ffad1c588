"""What a webhook carried is not kept forever: 30 days after the event, once every delivery is over, the payload
(messages, names, amounts) is emptied; the event and its deliveries stay as the record of what was sent."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import Role
from tests.factories import MembershipFactory
from webhooks import events, retention, services
from webhooks.models import DeliveryStatus, EventType, WebhookDelivery, WebhookEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def endpoint(local_webhooks):
    referent = MembershipFactory(role=Role.PROVIDER_REFERENT)
    return services.create_endpoint(
        referent.establishment.organisation,
        referent.user,
        portal="ogestion",
        url="https://logiciel.exemple.fr/cfa",
        events=[EventType.MESSAGE_RECEIVED],
    )


def message_event(endpoint, days_ago, status):
    [event] = events.emit(
        EventType.MESSAGE_RECEIVED,
        {"title": "Votre apprenti Jean Dupont", "body": "Bonjour Madame Martin"},
        organisations=[endpoint.organisation],
    )
    WebhookEvent.objects.filter(pk=event.pk).update(created_at=timezone.now() - datetime.timedelta(days=days_ago))
    WebhookDelivery.objects.filter(event=event).update(status=status)
    return event


def payload(event):
    event.refresh_from_db()
    return event.payload


def test_payloads_past_their_retention_are_emptied_once_every_delivery_is_over(endpoint):
    delivered = message_event(endpoint, days_ago=31, status=DeliveryStatus.SENT)
    abandoned = message_event(endpoint, days_ago=45, status=DeliveryStatus.FAILED)
    recent = message_event(endpoint, days_ago=29, status=DeliveryStatus.SENT)
    still_retried = message_event(endpoint, days_ago=31, status=DeliveryStatus.PENDING)

    assert retention.forget_old_payloads() == 2

    assert payload(delivered) == {} and payload(abandoned) == {}
    assert payload(recent)["title"] == "Votre apprenti Jean Dupont"
    assert payload(still_retried)["body"] == "Bonjour Madame Martin"
    # The record stays: the event, its id and its delivery.
    assert WebhookDelivery.objects.filter(event=delivered, status=DeliveryStatus.SENT).exists()
    assert retention.forget_old_payloads() == 0  # a second run finds nothing more
