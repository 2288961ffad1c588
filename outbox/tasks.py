"""Celery tasks of the outbox: thin wrappers over outbox.services."""

from celery import shared_task
from django.conf import settings

from outbox import services


@shared_task
def send_emails(ids: list[int]) -> int:
    """Published once the rows are committed: send them now (rows already sent or claimed are skipped)."""
    return services.deliver(ids).sent


@shared_task
def sweep() -> int:
    """Scheduled by beat every minute (config/celery.py): send whatever is due — rows whose publish failed (broker
    down), retries after a failure, rows of a worker that died while sending."""
    return services.deliver(time_budget=settings.OUTBOX_SWEEP_SECONDS).sent
