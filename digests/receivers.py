from django.db import transaction
from django.dispatch import receiver

from messaging.services import constructys_message_sent


@receiver(constructys_message_sent, dispatch_uid="digests.new_message_emails")
def queue_new_message_emails(sender, message, **kwargs):
    """In the reply's transaction: the users who asked for it get an email right away, written to the outbox with
    the message (no broker call here: the outbox publishes after the commit, and its sweeper covers a broker
    outage)."""
    from digests import services
    from outbox import services as outbox

    rows = services.queue_new_message_emails(message)
    if rows:
        transaction.on_commit(lambda: outbox.publish(rows))
