"""Celery tasks: thin wrappers that load ids and call digests.services."""

import datetime

from celery import shared_task

from digests import services


@shared_task
def run_digests(period: str | None = None) -> int:
    """Scheduled by beat (config/celery.py): fan the period's recipients out to the workers, one task per batch.
    `period` (ISO) reruns a given period; by default, the slot this run belongs to. Returns the number of
    batches."""
    slot = datetime.datetime.fromisoformat(period) if period else services.current_period()
    batches = services.plan_run(slot)
    for user_ids in batches:
        send_digest_batch.delay(slot.isoformat(), user_ids)
    return len(batches)


@shared_task(autoretry_for=(Exception,), max_retries=3, retry_backoff=30)
def send_digest_batch(period: str, user_ids: list[int]) -> int:
    """One batch: its emails are written to the outbox and sent by this worker. Retried after a failure, which
    builds only what is still pending."""
    return services.send_batch(datetime.datetime.fromisoformat(period), user_ids).sent


@shared_task
def send_new_message_emails(message_id: int) -> int:
    """Kept for tasks queued before the right-away emails were written in the reply's transaction."""
    return services.send_new_message_emails(message_id)
