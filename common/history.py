"""The history of changes on the key models, kept in Django admin's own log (django.contrib.admin.LogEntry).

Changes made in the admin forms are logged by the admin itself (with the fields changed); changes made by the
services (a dossier accepted, a payment recorded, an import) are logged here with the staff user who made them, so
the "Historique" of an object in the admin, and the back office's "Historique des modifications" list, tell the
whole story.
"""

from django.contrib.admin.models import ADDITION, CHANGE, LogEntry

__all__ = ["ADDITION", "CHANGE", "log_change"]


def log_change(actor, obj, message: str, action_flag: int = CHANGE) -> None:
    """Record that `actor` (a user, or None for the system) changed `obj`, in plain French."""
    if actor is None or not getattr(actor, "pk", None):
        return  # LogEntry needs a user: system changes (imports from the command line) stay in their own report
    LogEntry.objects.log_actions(
        user_id=actor.pk,
        queryset=[obj],
        action_flag=action_flag,
        change_message=message,
        single_object=True,
    )
