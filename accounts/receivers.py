"""Signal receivers of the accounts app, connected in AccountsConfig.ready()."""

from allauth.account.signals import password_reset
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from accounts import services
from accounts.middleware import forget_current_version_ids
from accounts.models import AccountEventKind, ConsentVersion


@receiver(password_reset, dispatch_uid="accounts_record_password_reset")
def record_password_reset(sender, request, user, **kwargs):
    """allauth's "forgotten password" flow went through: keep it in the account's history."""
    services.record_event(user, AccountEventKind.PASSWORD_RESET)


@receiver(post_save, sender=ConsentVersion, dispatch_uid="accounts_consent_version_saved")
@receiver(post_delete, sender=ConsentVersion, dispatch_uid="accounts_consent_version_deleted")
def consent_versions_changed(sender, **kwargs):
    """A version edited or published in the admin: the portal pages ask for it from the next request on (forgotten
    now and again at commit, so that a request in between cannot keep the old answer)."""
    forget_current_version_ids()
    transaction.on_commit(forget_current_version_ids)
