import hmac
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from common import health as health_checks
from common.health import run_checks
from common.redirects import safe_path


@login_not_required
@require_GET
def landing(request):
    """The services portal: a visitor picks their space."""
    return render(request, "common/landing.html")


@login_not_required
@require_GET
def login_router(request):
    """LOGIN_URL: send a visitor to the login page of the space they were trying to reach."""
    next_url = safe_path(request, request.GET.get(REDIRECT_FIELD_NAME, ""))
    if next_url.startswith("/admin/"):
        target = reverse("admin:login")
    elif next_url.startswith("/ogestion/"):
        target = reverse("ogestion:login")
    elif next_url.startswith("/egestion/"):
        target = reverse("egestion:login")
    elif next_url.startswith("/digit-invest/"):
        target = reverse("invest:login")
    else:
        return redirect("landing")
    return redirect(f"{target}?{urlencode({REDIRECT_FIELD_NAME: next_url})}")


def may_see_health_details(request) -> bool:
    """Staff, or a monitoring probe with the internal token (settings.HEALTH_TOKEN) in X-Health-Token."""
    token = settings.HEALTH_TOKEN
    sent = request.headers.get("X-Health-Token", "")
    if token and sent and hmac.compare_digest(sent.encode(), token.encode()):
        return True
    user = getattr(request, "user", None)
    return bool(user and user.is_active and user.is_staff)


@login_not_required
@never_cache
@require_GET
def health(request):
    """200 "ok" or "dégradé" (pages served, background work or Redis down), 503 "indisponible"."""
    status, report = run_checks()
    body = {"status": status, **report} if may_see_health_details(request) else {"status": status}
    return JsonResponse(
        body, status=503 if status == health_checks.UNAVAILABLE else 200, json_dumps_params={"ensure_ascii": False}
    )


@login_not_required
@require_GET
def favicon(request):
    """Browsers and PDF viewers ask /favicon.ico whatever the pages declare: send them the static icon."""
    return redirect(static("img/favicon.ico"), permanent=True)


def portal_page(view, portal, portal_required):
    """`view(request, portal, …)`, a page several portals share, served in one of them: behind that portal's access
    decorator, GET only (content's help pages, payments' pages)."""

    @portal_required
    @require_GET
    @wraps(view)
    def portal_view(request, *args, **kwargs):
        return view(request, portal, *args, **kwargs)

    return portal_view
