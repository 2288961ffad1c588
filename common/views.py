from urllib.parse import urlencode

from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

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


@login_not_required
@never_cache
@require_GET
def health(request):
    healthy, report = run_checks()
    return JsonResponse({"status": "ok" if healthy else "error", **report}, status=200 if healthy else 503)
