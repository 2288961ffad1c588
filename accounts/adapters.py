from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.core.internal.httpkit import clean_client_ip
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.urls import reverse

from accounts import login_limits, services
from common.redirects import safe_path
from outbox.services import send_on_commit


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        # The same words whether the address has an account or not (no account enumeration).
        "email_password_mismatch": "L’adresse e-mail ou le mot de passe sont incorrects.",
        # Per-IP limits (sized for an office behind one address) and a login code tried 3 times; an address itself
        # is never blocked (accounts/login_limits.py).
        "too_many_login_attempts": (
            "Trop de tentatives de connexion : par sécurité, réessayez dans quelques minutes, ou utilisez « J'ai "
            "oublié mon mot de passe »."
        ),
        "incorrect_code": "Code incorrect : vérifiez le dernier code reçu par e-mail.",
    }

    def is_safe_url(self, url):
        # The login pages' `next` goes through the portal's one safe-redirect rule: a path of this site only.
        return super().is_safe_url(url) and bool(safe_path(allauth_context.request, url))

    # --- Login limits (accounts/login_limits.py) ---------------------------------------------------------------

    def pre_authenticate(self, request, **credentials):
        # allauth's "login_failed" holds the per-IP limit only: over it, the attempt is refused.
        super().pre_authenticate(request, **credentials)
        self._address_failure_usage = login_limits.consume_address_failure(request, credentials.get("email", ""))

    def _rollback_login_failed_rl_usage(self):
        # The right password does not count as a failure, for the IP or for the address.
        super()._rollback_login_failed_rl_usage()
        usage = getattr(self, "_address_failure_usage", None)
        if usage:
            usage.rollback()

    def _delete_login_attempts_cached_email(self, request, **credentials):
        # A password reset went through: the new password alone is enough again.
        super()._delete_login_attempts_cached_email(request, **credentials)
        login_limits.clear_address_failures(request, credentials.get("email", ""))

    def get_client_ip(self, request):
        # The real client behind the production proxy (settings.TRUSTED_PROXY_COUNT), for every per-IP limit.
        ip = login_limits.client_ip(request)
        return clean_client_ip(ip) if ip else super().get_client_ip(request)

    def is_login_by_code_required(self, login):
        """Over the per-address failure limit, the right password leads to a code emailed to the address."""
        return login_limits.is_over_limit(self.request) or super().is_login_by_code_required(login)

    # Messages allauth would flash that tell the user nothing they do not see (every login said "Connexion avec …
    # réussie").
    SILENT_MESSAGES = {"account/messages/logged_in.txt"}

    def add_message(self, request, level, message_template=None, message_context=None, extra_tags="", message=None):
        if message_template in self.SILENT_MESSAGES:
            return
        super().add_message(request, level, message_template, message_context, extra_tags, message)

    def is_open_for_signup(self, request):
        # Nobody signs up through allauth's generic form: companies have their own SIRET + member-number
        # sign-up, and provider accounts are created by a référent or by Constructys.
        return False

    def send_mail(self, template_prefix, email, context):
        # allauth's emails (templates/account/email/, templates/mfa/email/) extend emails/base.html like ours.
        context = {
            "site_url": settings.SITE_URL,
            "regional_contacts_url": settings.REGIONAL_CONTACTS_URL,
            # How long a "forgotten password" link works, as the page after the request says.
            "link_hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
            **context,
        }
        request = allauth_context.request or self.request
        # Sent from an on-commit callback that ran after the request (allauth's mfa notices; the tests' client runs
        # them so): allauth renders with the request of its context.
        with allauth_context.request_context(request):
            context = {"request": request, "email": email, "current_site": get_current_site(request), **context}
            message = self.render_mail(template_prefix, email, context)
        # Through the outbox like every email: the request never waits for (or fails with) the SMTP server.
        send_on_commit(message, kind=template_prefix.rsplit("/", 1)[-1])

    def send_notification_mail(self, template_prefix, user, context=None, email=None):
        """Security notices (password changed, two-factor authentication turned on...) name the account and link
        to the space the user works in."""
        if user.is_staff and not user.memberships.exists():
            place = {"portal_label": "back office", "login_url": f"{settings.SITE_URL}{reverse('admin:login')}"}
        else:
            portal = services.portal_of_user(user)
            place = {"portal_label": services.PORTAL_LABELS[portal], "login_url": services.portal_login_url(portal)}
        super().send_notification_mail(template_prefix, user, {"user": user, **place, **(context or {})}, email)


class MFAAdapter(DefaultMFAAdapter):
    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "cannot_delete_authenticator": (
            "La double authentification est obligatoire pour les équipes Constructys : elle ne peut pas être "
            "désactivée."
        ),
    }

    def can_delete_authenticator(self, authenticator):
        # Staff need their authenticator app to reach the admin (accounts.middleware.StaffTOTPRequiredMiddleware).
        return not (authenticator.type == Authenticator.Type.TOTP and authenticator.user.is_staff)
