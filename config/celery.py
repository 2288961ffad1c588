import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("constructys")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Periodic work, in one place. The worker's heartbeat lets /sante/ say whether background work is running.
app.conf.beat_schedule = {
    "worker-heartbeat": {"task": "common.tasks.record_heartbeat", "schedule": 60.0},
    # Emails whose publish failed, retries, rows of a worker that died while sending.
    "outbox-sweep": {"task": "outbox.tasks.sweep", "schedule": 60.0},
    # Webhook deliveries whose publish failed, later retries, those of a worker that died while sending.
    "webhooks-sweep": {"task": "webhooks.tasks.sweep_webhooks", "schedule": 60.0},
}

# The échéances of every dossier again each night, for what changes with the date alone (deadlines.services).
app.conf.beat_schedule["deadlines-nightly-refresh"] = {
    "task": "deadlines.tasks.refresh_all_deadlines",
    "schedule": crontab(hour=2, minute=30),
}

# The NPEC schedules kept for the money view, again each night (invoicing.plans).
app.conf.beat_schedule["invoicing-nightly-plans"] = {
    "task": "invoicing.tasks.refresh_contract_plans",
    "schedule": crontab(hour=2, minute=45),
}

# What webhooks carried (personal data) is emptied after its retention period (webhooks.retention).
app.conf.beat_schedule["webhooks-forget-old-payloads"] = {
    "task": "webhooks.tasks.forget_old_payloads",
    "schedule": crontab(hour=3, minute=15),
}


# The email digests, twice a week by default (DIGEST_DAYS/DIGEST_HOUR/DIGEST_MINUTE in settings, Europe/Paris).
def _digest_schedule():
    from digests.schedule import digest_crontab

    return {"task": "digests.tasks.run_digests", "schedule": digest_crontab()}


app.conf.beat_schedule["email-digests"] = _digest_schedule()
