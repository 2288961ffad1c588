"""The "Mon compte" page of both portals (identity and notification preferences) and the one-click unsubscribe."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from digests import services
from digests.forms import PreferenceForm
from digests.models import DigestPreference, NotificationMode


@never_cache
@require_http_methods(["GET", "POST"])
def account(request):
    """Wrapped by each portal's access decorator in its urls (like the RGPD/CGU page)."""
    portal = request.resolver_match.app_name
    current = DigestPreference.objects.mode_of(request.user)
    form = PreferenceForm(request.POST if request.method == "POST" else None, initial={"mode": current})
    if request.method == "POST" and form.is_valid():
        services.set_mode(request.user, form.cleaned_data["mode"])
        messages.success(request, "Vos préférences de notification sont enregistrées.")
        return redirect(f"{portal}:account")
    return render(request, "digests/account.html", {"form": form, "portal_base": f"{portal}/base.html"})


@login_not_required
@csrf_exempt  # the signed token in the URL is the credential; mail clients post without a session (RFC 8058)
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """GET asks for confirmation (a link preview must not unsubscribe); POST, from the page or from the mail
    client's one-click button (List-Unsubscribe-Post), stops the digests."""
    user = services.user_of_unsubscribe_token(token)
    if user is None:
        return render(request, "digests/unsubscribe.html", {"status": "invalid"}, status=404)
    if request.method == "POST":
        services.set_mode(user, NotificationMode.NONE)
        return render(request, "digests/unsubscribe.html", {"status": "done", "token": token})
    return render(request, "digests/unsubscribe.html", {"status": "confirm", "token": token, "email": user.email})
