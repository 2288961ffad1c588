"""The "Mon compte" page of both portals (identity and notification preferences) and the one-click unsubscribe."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from deadlines import services as feeds
from digests import services
from digests.forms import AGENDA_ACTIONS, PreferenceForm
from digests.models import DigestPreference, NotificationMode

AGENDA_MESSAGES = {
    "create": "Votre adresse d'agenda est créée : ajoutez-la à votre agenda.",
    "renew": "Votre nouvelle adresse d'agenda est créée : l'ancienne ne fonctionne plus.",
    "revoke": "Votre adresse d'agenda est supprimée : les agendas abonnés ne reçoivent plus vos échéances.",
}


def _agenda_action(request, portal, action):
    """ "Ajouter à mon agenda": create, change (the previous address stops working) or delete the secret address."""
    if action == "revoke":
        feeds.revoke_feeds(request.user)
    else:
        feeds.new_feed(request.user)
    messages.success(request, AGENDA_MESSAGES[action])
    return redirect(f"{portal}:account")


@never_cache
@require_http_methods(["GET", "POST"])
def account(request):
    """Wrapped by each portal's access decorator in its urls (like the RGPD/CGU page)."""
    portal = request.resolver_match.app_name
    if request.method == "POST" and request.POST.get("agenda") in AGENDA_ACTIONS:
        return _agenda_action(request, portal, request.POST["agenda"])
    initial = {
        "mode": DigestPreference.objects.mode_of(request.user),
        "upcoming_deadlines": DigestPreference.objects.wants_upcoming_deadlines(request.user),
    }
    form = PreferenceForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.set_mode(
            request.user, form.cleaned_data["mode"], upcoming_deadlines=form.cleaned_data["upcoming_deadlines"]
        )
        messages.success(request, "Vos préférences de notification sont enregistrées.")
        return redirect(f"{portal}:account")
    feed = feeds.active_feed(request.user)
    agenda_url = request.build_absolute_uri(reverse("deadlines:feed", args=[feeds.feed_token(feed)])) if feed else ""
    return render(
        request,
        "digests/account.html",
        {
            "form": form,
            "portal_base": f"{portal}/base.html",
            "agenda_url": agenda_url,
            "portal_api_access": f"{portal}:api_access",
        },
    )


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
