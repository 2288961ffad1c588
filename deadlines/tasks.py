"""Celery tasks: thin wrappers over deadlines.services."""

from celery import shared_task

from deadlines import services


@shared_task
def refresh_all_deadlines() -> int:
    """Nightly (config/celery.py): every dossier's échéances again, for what changes with the date alone.
    Idempotent."""
    return services.refresh_all_deadlines()
