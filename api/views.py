"""The "Accès API" pages of "Mon compte", mounted by both portals (api_access_urlpatterns, like
banking.views.portal_bank_urlpatterns): the keys of the user, "Créer une clé" (the secret shown once), "Révoquer"
(a confirmation, then a POST). Only a company account manager or a provider référent manages keys, for the
establishments they manage."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts.models import Establishment
from api import keys
from api.forms import ApiKeyForm

NEW_KEY_SESSION_KEY = "api_new_key"


def _manageable(request):
    """The establishments the user manages (None: they manage none, and get the page that says who does)."""
    establishments = keys.manageable_establishments(request.all_memberships)
    if not establishments:
        return None
    return Establishment.objects.filter(pk__in=[e.pk for e in establishments]).order_by("name", "siret")


def _managers_only(request, portal):
    return render(request, "api/managers_only.html", {"portal_base": f"{portal}/base.html"}, status=403)


def _context(request, portal, form, **extra):
    return {
        "portal_base": f"{portal}/base.html",
        "form": form,
        "api_keys": keys.keys_of(request.user, portal),
        "docs_url": "/api/v1/docs",
        **extra,
    }


def access_page(request, portal):
    establishments = _manageable(request)
    if establishments is None:
        return _managers_only(request, portal)
    form = ApiKeyForm(request.POST if request.method == "POST" else None, establishments=establishments)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        pending = request.session.get(NEW_KEY_SESSION_KEY)
        if pending and pending.get("name") == data["name"]:
            # A second click on "Créer la clé" before the first answer came back: that key exists and its secret
            # waits to be shown; a second key would replace it, leaving the first one active and never seen.
            return redirect(f"{portal}:api_access")
        new = keys.create_key(
            user=request.user,
            portal=portal,
            name=data["name"],
            scope=data["scope"],
            establishments=data["establishments"],
            expires_on=data["expires_on"],
            allowed_establishments=establishments,
        )
        # POST → redirect → GET, so that a reload does not create a second key. The secret waits in the session
        # (server side) until that GET, which takes it out: it is shown once, then exists nowhere in clear.
        request.session[NEW_KEY_SESSION_KEY] = {"id": new.key.pk, "name": new.key.name, "secret": new.secret}
        return redirect(f"{portal}:api_access")
    new_key = None
    if request.method == "GET" and NEW_KEY_SESSION_KEY in request.session:
        shown = request.session.pop(NEW_KEY_SESSION_KEY)
        created = keys.keys_of(request.user, portal).filter(pk=shown["id"]).first()
        new_key = keys.NewKey(created, shown["secret"]) if created else None
    status = 400 if form.errors else 200
    return render(request, "api/access.html", _context(request, portal, form, new_key=new_key), status=status)


def revoke_page(request, portal, pk):
    if _manageable(request) is None:
        return _managers_only(request, portal)
    key = keys.keys_of(request.user, portal).filter(pk=pk, revoked_at__isnull=True).first()
    if key is None:
        raise Http404("Aucune clé active ne correspond à cette adresse.")
    if request.method == "POST":
        keys.revoke_key(key, actor=request.user)
        messages.success(request, f"La clé « {key.name} » est révoquée : elle ne permet plus aucun appel.")
        return redirect(f"{portal}:api_access")
    return render(request, "api/revoke.html", {"portal_base": f"{portal}/base.html", "api_key": key})


def api_access_urlpatterns(portal, portal_required):
    @portal_required
    @never_cache
    @require_http_methods(["GET", "POST"])
    def api_access(request):
        return access_page(request, portal)

    @portal_required
    @never_cache
    @require_http_methods(["GET", "POST"])
    def api_key_revoke(request, pk):
        return revoke_page(request, portal, pk)

    return [
        path("mon-compte/acces-api/", api_access, name="api_access"),
        path("mon-compte/acces-api/<int:pk>/revoquer/", api_key_revoke, name="api_key_revoke"),
    ]
