"""Deliveries without a worker (webhooks.delivery.deliver called as the worker would): repeated failures disable
the endpoint and email its owners, retries stop after 24 hours, what a disabled endpoint had waiting is abandoned."""

import datetime
import json

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from accounts.models import Role
from outbox.models import OutgoingEmail
from tests.factories import MembershipFactory, ProviderEstablishmentFactory, UserFactory
from tests.webhooks.receiver import Receiver
from webhooks import delivery, events, services
from webhooks.models import DeliveryStatus, EventType, WebhookDelivery

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider():
    return ProviderEstablishmentFactory(name="CFA DES COMPAGNONS")


@pytest.fixture
def referent(provider):
    return MembershipFactory(
        role=Role.PROVIDER_REFERENT, establishment=provider, user__email="referente@cfa-compagnons.fr"
    ).user


def emit_payment(provider, reference="VIR1"):
    return events.emit(
        EventType.PAYMENT_RECORDED, {"reference": reference, "total_amount": "10.00"}, establishments=[provider]
    )


def test_repeated_failures_disable_the_endpoint_and_email_its_owners(
    local_webhooks, provider, referent, django_capture_on_commit_callbacks
):
    local_webhooks.WEBHOOKS_DISABLE_AFTER_FAILURES = 3
    local_webhooks.WEBHOOKS_DISABLE_AFTER_SECONDS = 0
    local_webhooks.WEBHOOKS_RETRY_BASE_SECONDS = 0  # due again at once: each run below is one more attempt
    creator = MembershipFactory(
        role=Role.PROVIDER_REFERENT, establishment=provider, user__email="dev@cfa-compagnons.fr"
    )
    other_provider_referent = MembershipFactory(
        role=Role.PROVIDER_REFERENT, establishment=ProviderEstablishmentFactory()
    )
    receiver = Receiver(answers=[500] * 10).start()
    try:
        endpoint = services.create_endpoint(
            provider.organisation,
            creator.user,
            portal="ogestion",
            url=receiver.url,
            events=[EventType.PAYMENT_RECORDED],
        )
        for number in range(3):
            emit_payment(provider, f"VIR{number}")
        # Its creator is no longer a référent: what was queued is still sent, and they still hear of the endpoint.
        creator.role = Role.PROVIDER_USER
        creator.save(update_fields=["role"])
        results = []
        with django_capture_on_commit_callbacks(execute=True):
            for _ in range(4):
                results.append(delivery.deliver())
    finally:
        receiver.stop()

    # One attempt per run (a failing endpoint waits for the next run), disabled at the third failure.
    assert [result.retried + result.failed for result in results] == [1, 1, 1, 0]
    assert len(receiver.requests) == 3
    endpoint.refresh_from_db()
    assert not endpoint.is_active and endpoint.disabled_at is not None
    assert "3 échecs consécutifs" in endpoint.disabled_reason and "HTTP 500" in endpoint.disabled_reason
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {DeliveryStatus.FAILED}

    [email] = mail.outbox
    assert sorted(email.to) == ["dev@cfa-compagnons.fr", "referente@cfa-compagnons.fr"]
    assert other_provider_referent.user.email not in email.to
    assert "désactivé" in email.subject
    assert endpoint.url in email.body and "Envoyer un événement de test" in email.body
    html = email.alternatives[0][0]
    assert (
        "désactivé ce point de réception" in html and f"/ogestion/mon-compte/acces-api/webhooks/{endpoint.pk}/" in html
    )
    assert OutgoingEmail.objects.filter(kind="webhook_disabled").count() == 1

    # Disabled: new events are not even queued for it.
    assert emit_payment(provider, "VIR9") == []


def test_a_success_resets_the_count_of_failures(local_webhooks, provider, referent):
    local_webhooks.WEBHOOKS_RETRY_BASE_SECONDS = 0
    receiver = Receiver(answers=[502]).start()
    try:
        endpoint = services.create_endpoint(
            provider.organisation, referent, portal="ogestion", url=receiver.url, events=["payment.recorded"]
        )
        emit_payment(provider)
        delivery.deliver()
        endpoint.refresh_from_db()
        assert endpoint.consecutive_failures == 1 and endpoint.failing_since is not None
        delivery.deliver()
    finally:
        receiver.stop()

    endpoint.refresh_from_db()
    assert (endpoint.consecutive_failures, endpoint.failing_since, endpoint.is_active) == (0, None, True)
    sent = WebhookDelivery.objects.get()
    assert (sent.status, sent.attempts, sent.last_status_code) == (DeliveryStatus.SENT, 2, 200)
    assert json.loads(sent.last_response) == {"reçu": True}


def test_retries_stop_24_hours_after_the_event(local_webhooks, provider, referent):
    local_webhooks.WEBHOOKS_RETRY_MAX_SECONDS = 3600
    local_webhooks.WEBHOOKS_DISABLE_AFTER_FAILURES = 1000
    receiver = Receiver(answers=[500] * 100).start()
    start = timezone.now()
    try:
        services.create_endpoint(
            provider.organisation, referent, portal="ogestion", url=receiver.url, events=["payment.recorded"]
        )
        emit_payment(provider)
        with time_machine.travel(start, tick=True) as traveller:
            for _ in range(60):
                row = WebhookDelivery.objects.get()
                if row.status == DeliveryStatus.FAILED:
                    break
                traveller.move_to(row.next_attempt_at + datetime.timedelta(seconds=1))
                delivery.deliver()
    finally:
        receiver.stop()

    row = WebhookDelivery.objects.get()
    assert row.status == DeliveryStatus.FAILED and "Abandonné après" in row.last_error
    assert row.last_attempt_at - start <= datetime.timedelta(hours=24)
    assert row.last_attempt_at - start >= datetime.timedelta(hours=22)  # an hour apart at most, near the end
    assert 20 <= row.attempts <= 40


def test_a_redirect_is_not_followed_and_counts_as_a_failure(local_webhooks, provider, referent):
    receiver = Receiver(answers=[302]).start()
    try:
        services.create_endpoint(
            provider.organisation, referent, portal="ogestion", url=receiver.url, events=["payment.recorded"]
        )
        emit_payment(provider)
        delivery.deliver()
    finally:
        receiver.stop()

    row = WebhookDelivery.objects.get()
    assert (row.status, row.last_status_code) == (DeliveryStatus.PENDING, 302)
    assert "redirection non suivie" in row.last_error
    assert len(receiver.requests) == 1


def test_a_private_address_registered_before_is_refused_when_sending(local_webhooks, provider, referent):
    receiver = Receiver().start()
    try:
        services.create_endpoint(
            provider.organisation, referent, portal="ogestion", url=receiver.url, events=["payment.recorded"]
        )
        local_webhooks.WEBHOOKS_ALLOW_PRIVATE_URLS = False  # production: 127.0.0.1 is never called
        emit_payment(provider)
        delivery.deliver()
    finally:
        receiver.stop()

    assert receiver.requests == []
    row = WebhookDelivery.objects.get()
    assert row.status == DeliveryStatus.PENDING and "https://" in row.last_error


def test_disabling_or_deleting_abandons_what_was_waiting_and_keeps_the_record(local_webhooks, provider, referent):
    endpoint = services.create_endpoint(
        provider.organisation,
        referent,
        portal="ogestion",
        url="https://crochets.exemple.fr/a",
        events=["payment.recorded"],
    )
    emit_payment(provider)
    services.disable(endpoint, referent)
    assert WebhookDelivery.objects.get().status == DeliveryStatus.FAILED
    assert delivery.deliver().sent == 0

    services.enable(endpoint, referent)
    emit_payment(provider, "VIR2")
    services.delete(endpoint, referent)

    endpoint.refresh_from_db()
    assert endpoint.deleted_at is not None and endpoint.secret == "" and not endpoint.is_active
    assert WebhookDelivery.objects.filter(endpoint=endpoint, status=DeliveryStatus.FAILED).count() == 2
    assert emit_payment(provider, "VIR3") == []
    assert UserFactory  # the record stays: nothing was deleted


def test_what_no_worker_was_told_about_is_sent_by_the_sweeper_beat_runs_every_minute(
    local_webhooks, provider, referent, django_capture_on_commit_callbacks
):
    """Broker down (or publish skipped): the deliveries are rows; beat's sweep sends them."""
    from config.celery import app
    from webhooks.tasks import sweep_webhooks

    receiver = Receiver().start()
    try:
        services.create_endpoint(
            provider.organisation, referent, portal="ogestion", url=receiver.url, events=["payment.recorded"]
        )
        with django_capture_on_commit_callbacks(execute=True):
            emit_payment(provider)
        assert receiver.requests == []  # "sweeper": nothing was published

        assert sweep_webhooks() == 1
        assert sweep_webhooks() == 0  # sent once
    finally:
        receiver.stop()

    assert len(receiver.requests) == 1
    assert app.conf.beat_schedule["webhooks-sweep"] == {"task": "webhooks.tasks.sweep_webhooks", "schedule": 60.0}
