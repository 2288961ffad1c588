"""Celery tasks: thin wrappers over invoicing's services."""

from celery import shared_task

from invoicing import plans


@shared_task
def refresh_contract_plans() -> int:
    """Nightly (config/celery.py): every kept NPEC schedule computed again (invoicing.plans). Idempotent."""
    return plans.refresh_all_plans()
