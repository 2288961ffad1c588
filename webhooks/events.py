"""Emitting an event: one call where a change is made, in its transaction.

    events.emit("payment.recorded", lambda: payloads.payment(payment, lines), establishments=[payment.beneficiary_id])

One query finds the endpoints listening to that event among the organisations concerned (given directly, or through
their establishments) whose creator sees these establishments in the portal today (WebhookEndpoint.reaching: a
manager restricted to some establishments registers an endpoint that hears of those only); with none, nothing more
happens (the payload is not even built). Otherwise an event per organisation and a delivery per endpoint are written
with the change, and published to a worker once the change commits (never if it rolls back). If the broker is down
the sweeper (beat, every minute) sends them."""

from collections.abc import Callable, Iterable

from django.db import transaction

from webhooks.models import EventType, WebhookDelivery, WebhookEndpoint, WebhookEvent


def _ids(values) -> list[int]:
    return sorted({value if isinstance(value, int) else value.pk for value in values if value is not None})


def emit(
    event_type: str,
    payload: dict | Callable[[], dict],
    *,
    organisations: Iterable = (),
    establishments: Iterable = (),
) -> list[WebhookEvent]:
    """Queue `event_type` for the organisations given and those of the establishments given (objects or ids): an
    event about establishments goes to the endpoints whose creator manages one of them; `organisations`, for an
    event of a whole organisation, to those whose creator manages any of its establishments."""
    EventType(event_type)  # a misspelt type fails loudly, in the tests
    organisation_ids, establishment_ids = _ids(organisations), _ids(establishments)
    if not organisation_ids and not establishment_ids:
        return []
    endpoints = list(
        WebhookEndpoint.objects.listening(event_type)
        .reaching(organisation_ids=organisation_ids, establishment_ids=establishment_ids)
        .only("pk", "organisation_id")
    )
    if not endpoints:
        return []
    data = payload() if callable(payload) else payload
    events = {}
    for endpoint in endpoints:
        if endpoint.organisation_id not in events:
            events[endpoint.organisation_id] = WebhookEvent(
                type=event_type, organisation_id=endpoint.organisation_id, payload=data
            )
    WebhookEvent.objects.bulk_create(events.values())
    queue(WebhookDelivery(endpoint=endpoint, event=events[endpoint.organisation_id]) for endpoint in endpoints)
    return list(events.values())


def queue(deliveries) -> list[WebhookDelivery]:
    """Write deliveries and have a worker send them once the surrounding transaction commits."""
    from webhooks.delivery import publish

    rows = WebhookDelivery.objects.bulk_create(list(deliveries))
    ids = [row.pk for row in rows]
    transaction.on_commit(lambda: publish(ids))
    return rows
