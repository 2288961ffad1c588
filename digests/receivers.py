import logging

from django.dispatch import receiver

from messaging.services import constructys_message_sent

logger = logging.getLogger(__name__)


@receiver(constructys_message_sent, dispatch_uid="digests.new_message_emails")
def enqueue_new_message_emails(sender, message, **kwargs):
    """Once the message is committed: the users who asked for it get an email right away (Celery)."""
    from digests.tasks import send_new_message_emails

    try:
        send_new_message_emails.delay(message.pk)
    except Exception:  # the broker is down: the digest still tells them
        logger.exception("Could not enqueue the new-message emails of message %s", message.pk)
