"""Staff set up their authenticator app (TOTP) only through a link emailed to them.

Before, a staff account without TOTP was sent from the admin straight to allauth's set-up page: whoever had the
password alone enrolled their own authenticator. Now:

- a new staff account, or an account made staff, receives a single-use link valid TOTP_LINK_HOURS hours (the admin
  sends it on saving; an administrator can send a new one, which voids the previous);
- a staff member without TOTP who logs in with the password lands on a page that says the link was sent (the
  first time, when none was ever sent, it is sent then) or to ask an administrator for a new one;
- following the link while logged in as its owner marks it used and opens allauth's set-up page for this session
  only (StaffTOTPRequiredMiddleware refuses the page otherwise).

The demo's staff accounts and the tests' staff users are created with their authenticator already set up.
"""

import secrets
from datetime import timedelta

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccountEventKind, TOTPEnrolmentLink
from accounts.services import _hash, record_event
from common.emails import send_email_on_commit
from common.prepared import PreparedQuery

TOTP_LINK_HOURS = 24
SESSION_KEY = "accounts_totp_enrolment_user"


def _totp_of(user_id):
    return Authenticator.objects.filter(user_id=user_id, type=Authenticator.Type.TOTP).values_list("id")[:1]


_TOTP = PreparedQuery(_totp_of, name="staff member's authenticator app")  # read on every admin page


def has_totp(user) -> bool:
    return _TOTP.first(user.pk) is not None


def needs_enrolment(user) -> bool:
    return bool(user.is_staff and user.is_active and not has_totp(user))


def link_url(raw: str) -> str:
    return f"{settings.SITE_URL}{reverse('accounts:totp_enrolment', args=[raw])}"


@transaction.atomic
def send_enrolment_link(user, *, actor=None) -> None:
    """A new link by email; earlier unused links stop working."""
    TOTPEnrolmentLink.objects.filter(user=user, used_at__isnull=True).delete()
    raw = secrets.token_urlsafe(32)
    TOTPEnrolmentLink.objects.create(
        user=user,
        token_hash=_hash(raw),
        expires_at=timezone.now() + timedelta(hours=TOTP_LINK_HOURS),
        sent_by=actor,
    )
    send_email_on_commit(
        "staff_totp_enrolment",
        {
            "user": user,
            "link": link_url(raw),
            "hours": TOTP_LINK_HOURS,
            "admin_url": f"{settings.SITE_URL}{reverse('admin:index')}",
        },
        [user.email],
    )
    record_event(user, AccountEventKind.TOTP_LINK_SENT, actor=actor)


def send_first_link_if_none(user) -> bool:
    """A staff account without TOTP that never received a link (e.g. made staff before links existed) gets one
    at its first login; afterwards only an administrator sends a new one. True if a link was sent now."""
    if TOTPEnrolmentLink.objects.filter(user=user).exists():
        return False
    send_enrolment_link(user)
    return True


def last_link(user) -> TOTPEnrolmentLink | None:
    return TOTPEnrolmentLink.objects.filter(user=user).order_by("-created_at").first()


@transaction.atomic
def redeem(raw: str, user) -> str:
    """Use the link for `user`: "ok", or why not ("unknown", "used", "expired"). A link of another account is
    "unknown" and stays usable by its owner."""
    link = TOTPEnrolmentLink.objects.select_for_update().filter(token_hash=_hash(raw), user=user).first()
    if link is None:
        return "unknown"
    if link.used_at is not None:
        return "used"
    if not link.is_usable:
        return "expired"
    link.used_at = timezone.now()
    link.save(update_fields=["used_at"])
    return "ok"


def allow_setup_in_session(request) -> None:
    request.session[SESSION_KEY] = request.user.pk


def setup_allowed(request) -> bool:
    return request.session.get(SESSION_KEY) == request.user.pk
