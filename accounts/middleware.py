"""Gates applied to every request once the user is known.

- ConsentRequiredMiddleware: a portal page waits until the user has accepted the RGPD and CGU texts in force.
- StaffTOTPRequiredMiddleware: Constructys staff reach the admin only once an authenticator app (TOTP) protects
  their account; the admin login itself goes through allauth (see accounts.views.admin_login), so that the code is
  asked at every login.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core.cache import cache
from django.db.models import Min
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django_htmx.http import HttpResponseClientRedirect

from accounts import services, staff_mfa
from accounts.models import ConsentVersion
from common.cache import ProcessMemo

CURRENT_VERSIONS_CACHE_KEY = "accounts:consent-versions:current"
CURRENT_VERSIONS_CACHE_SECONDS = 300
# ...and in each worker's memory for this long: a new version is asked for at most 2 seconds late in the other workers.
PROCESS_SECONDS = 2
_kept_in_process = ProcessMemo(PROCESS_SECONDS)
# The ids of the versions in force when the user was last found up to date: while they are still the current
# ones, a portal page costs no query at all for the consent check.
SESSION_KEY = "accounts_consented_versions"
# Pages of a portal that stay open before acceptance: its login page and the read-only RGPD/CGU page.
UNGATED_URL_NAMES = {"login", "terms"}


def current_version_ids() -> list[int]:
    """The ids of the versions in force, cached until the next scheduled publication (at most 5 minutes), and for
    PROCESS_SECONDS in the process itself; saving or deleting a version in the admin forgets the cached answer
    (accounts.receivers), in the other workers within PROCESS_SECONDS."""
    key = cache.make_key(CURRENT_VERSIONS_CACHE_KEY)
    ids = _kept_in_process.get(key)
    if ids is not None:
        return ids
    ids = cache.get(CURRENT_VERSIONS_CACHE_KEY)
    if ids is None:
        now = timezone.now()
        ids = sorted(ConsentVersion.objects.current().values_list("pk", flat=True))
        upcoming = ConsentVersion.objects.filter(published_at__gt=now).aggregate(first=Min("published_at"))["first"]
        timeout = CURRENT_VERSIONS_CACHE_SECONDS
        if upcoming is not None:
            timeout = max(1, min(timeout, int((upcoming - now).total_seconds()) + 1))
        cache.set(CURRENT_VERSIONS_CACHE_KEY, ids, timeout)
        if timeout <= PROCESS_SECONDS:
            return ids  # a publication is due within the memo's life: read again on the next page
    _kept_in_process.keep(key, ids)
    return ids


def forget_current_version_ids() -> None:
    _kept_in_process.forget()
    cache.delete(CURRENT_VERSIONS_CACHE_KEY)


def remember_consents(request, version_ids=None) -> None:
    """Mark the session as up to date with the versions in force (after a check or an acceptance)."""
    request.session[SESSION_KEY] = current_version_ids() if version_ids is None else version_ids


def _redirect(request, url):
    if request.headers.get("HX-Request") == "true":
        return HttpResponseClientRedirect(url)
    return redirect(url)


class ConsentRequiredMiddleware:
    """Send an authenticated user who has not accepted the current RGPD and CGU from a portal page to the consent
    page (accounts:consent), which brings them back to the page they asked for."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        match = request.resolver_match
        if (
            user is None
            or not user.is_authenticated
            or match is None
            or match.app_name not in settings.PORTAL_MENUS
            or match.url_name in UNGATED_URL_NAMES
        ):
            return None
        current = current_version_ids()
        if request.session.get(SESSION_KEY) == current:
            return None
        if services.versions_to_accept(user):
            next_url = request.get_full_path() if request.method == "GET" else reverse(f"{match.app_name}:home")
            return _redirect(request, f"{reverse('accounts:consent')}?{urlencode({REDIRECT_FIELD_NAME: next_url})}")
        remember_consents(request, current)
        return None


class StaffTOTPRequiredMiddleware:
    """A staff user whose account has no authenticator app yet is sent from the admin to the page that says the
    set-up link was emailed (accounts/staff_mfa.py); allauth's set-up page opens only after that link, in the same
    session: the password alone never reaches it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        match = request.resolver_match
        if user is None or not user.is_authenticated or not user.is_staff or match is None:
            return None
        gated_admin_page = match.namespace == "admin" and match.url_name not in ("login", "logout")
        if match.url_name == "mfa_activate_totp" and not match.namespace:
            if staff_mfa.setup_allowed(request) or staff_mfa.has_totp(user):
                return None
            return _redirect(request, reverse("accounts:totp_enrolment_pending"))
        if not gated_admin_page or staff_mfa.has_totp(user):
            return None
        return _redirect(request, reverse("accounts:totp_enrolment_pending"))
