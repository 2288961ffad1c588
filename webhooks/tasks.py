"""Celery tasks of webhooks: thin wrappers over webhooks.delivery."""

from celery import shared_task
from django.conf import settings

from webhooks import delivery, retention


@shared_task
def deliver_webhooks(ids: list[int] | None = None) -> int:
    """Published once deliveries are committed, and again (with a countdown) for a near retry."""
    return delivery.deliver(ids).sent


@shared_task
def sweep_webhooks() -> int:
    """Scheduled by beat every minute (config/celery.py): whatever is due — deliveries whose publish failed (broker
    down), later retries, those of a worker that died while sending."""
    return delivery.deliver(time_budget=settings.WEBHOOKS_SWEEP_SECONDS).sent


@shared_task
def forget_old_payloads() -> int:
    """Scheduled by beat each night (config/celery.py): payloads past their retention period are emptied."""
    return retention.forget_old_payloads()
