"""Webhooks on "Mon compte" › "Accès API", the same pages in both portals: the company's account manager (eGestion)
or the provider's référent (oGestion) registers endpoints (the secret is shown once), disables, re-enables, deletes
them, sends a test event, and reads each endpoint's latest deliveries with the answers received. Each portal mounts
them with its access decorator through `portal_webhook_urlpatterns` (<portal>/webhooks/urls.py).

Endpoints are looked up among the organisations the user administers in the portal (narrowed by the header's
entity switcher): another organisation's answers 404; a user who administers none gets a 403 page."""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods

from accounts.models import Portal
from webhooks import services
from webhooks.forms import EndpointForm
from webhooks.models import WebhookEndpoint

DELIVERIES_SHOWN = 50
SECRET_SESSION_KEY = "webhooks_new_secret"


def portal_context(portal, **context):
    return {"portal_base": f"{portal}/base.html", "portal": portal, **context}


def administered_organisations(request):
    """The organisations, among those the user is looking at, of which they are the manager / a référent."""
    organisations = {
        m.establishment.organisation_id: m.establishment.organisation for m in request.memberships if m.is_admin
    }
    return sorted(organisations.values(), key=lambda organisation: organisation.name)


def admins_only(portal):
    """Let in the organisation's manager / référents; others get a page that says who may (403)."""

    def decorator(view_func):
        @wraps(view_func)
        def wrapper(request, *args, **kwargs):
            request.webhook_organisations = administered_organisations(request)
            if not request.webhook_organisations:
                return render(request, "webhooks/admins_only.html", portal_context(portal), status=403)
            return view_func(request, *args, **kwargs)

        return wrapper

    return decorator


def scoped_endpoints(request):
    return WebhookEndpoint.objects.live().filter(organisation__in=request.webhook_organisations)


def endpoint_or_404(request, pk) -> WebhookEndpoint:
    endpoint = scoped_endpoints(request).select_related("organisation", "created_by").filter(pk=pk).first()
    if endpoint is None:
        raise Http404("Aucun point de réception ne correspond à cette adresse.")
    return endpoint


def endpoint_list(request, portal):
    endpoints = scoped_endpoints(request).select_related("organisation").order_by("organisation__name", "-created_at")
    context = portal_context(
        portal,
        endpoints=endpoints,
        several=len(request.webhook_organisations) > 1,
    )
    return render(request, "webhooks/endpoint_list.html", context)


def endpoint_create(request, portal):
    form = EndpointForm(request.POST or None, organisations=request.webhook_organisations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        pending = request.session.get(SECRET_SESSION_KEY)
        if pending and pending.get("url") == data["url"]:
            # A second click on "Enregistrer" before the first answer: that endpoint exists and its secret waits to
            # be shown; a second one would sign every event twice, once with a secret nobody saw.
            return redirect(f"{portal}:webhook", pk=pending["pk"])
        try:
            endpoint = services.create_endpoint(
                form.chosen_organisation(),
                request.user,
                portal=portal,
                url=data["url"],
                events=data["events"],
                description=data["description"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            # Shown once, on the next page, then forgotten by the session.
            request.session[SECRET_SESSION_KEY] = {"pk": endpoint.pk, "url": endpoint.url, "secret": endpoint.secret}
            return redirect(f"{portal}:webhook", pk=endpoint.pk)
    return render(request, "webhooks/endpoint_form.html", portal_context(portal, form=form))


def endpoint_detail(request, portal, pk):
    endpoint = endpoint_or_404(request, pk)
    shown = request.session.pop(SECRET_SESSION_KEY, None)
    secret = shown["secret"] if shown and shown.get("pk") == endpoint.pk else None
    deliveries = endpoint.deliveries.select_related("event").order_by("-created_at", "-id")[:DELIVERIES_SHOWN]
    context = portal_context(
        portal,
        endpoint=endpoint,
        secret=secret,
        deliveries=deliveries,
        reached_establishments=list(endpoint.reached_establishments()),
    )
    return render(request, "webhooks/endpoint_detail.html", context)


def endpoint_disable(request, portal, pk):
    services.disable(endpoint_or_404(request, pk), request.user)
    messages.success(request, "Le point de réception est désactivé : il ne reçoit plus d'événements.")
    return redirect(f"{portal}:webhook", pk=pk)


def endpoint_enable(request, portal, pk):
    services.enable(endpoint_or_404(request, pk), request.user)
    messages.success(request, "Le point de réception est réactivé : il recevra les prochains événements.")
    return redirect(f"{portal}:webhook", pk=pk)


def endpoint_delete(request, portal, pk):
    endpoint = endpoint_or_404(request, pk)
    if request.method == "POST":
        services.delete(endpoint, request.user)
        messages.success(request, f"Le point de réception {endpoint.url} est supprimé.")
        return redirect(f"{portal}:webhooks")
    return render(request, "webhooks/endpoint_delete.html", portal_context(portal, endpoint=endpoint))


def endpoint_test(request, portal, pk):
    endpoint = endpoint_or_404(request, pk)
    try:
        services.send_test(endpoint, request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request, "Un événement de test est envoyé : son résultat s'affiche ci-dessous dans quelques secondes."
        )
    return redirect(f"{portal}:webhook", pk=pk)


def portal_webhook_urlpatterns(portal: Portal, portal_required):
    """The URL patterns each portal mounts under mon-compte/acces-api/webhooks/, wrapped in its access decorator."""
    admins = admins_only(portal)

    def page(view, methods):
        @portal_required
        @admins
        @require_http_methods(methods)
        @wraps(view)
        def wrapped(request, **kwargs):
            return view(request, portal, **kwargs)

        return wrapped

    return [
        path("mon-compte/acces-api/webhooks/", page(endpoint_list, ["GET"]), name="webhooks"),
        path("mon-compte/acces-api/webhooks/nouveau/", page(endpoint_create, ["GET", "POST"]), name="webhook_create"),
        path("mon-compte/acces-api/webhooks/<int:pk>/", page(endpoint_detail, ["GET"]), name="webhook"),
        path(
            "mon-compte/acces-api/webhooks/<int:pk>/desactiver/",
            page(endpoint_disable, ["POST"]),
            name="webhook_disable",
        ),
        path(
            "mon-compte/acces-api/webhooks/<int:pk>/reactiver/", page(endpoint_enable, ["POST"]), name="webhook_enable"
        ),
        path(
            "mon-compte/acces-api/webhooks/<int:pk>/supprimer/",
            page(endpoint_delete, ["GET", "POST"]),
            name="webhook_delete",
        ),
        path("mon-compte/acces-api/webhooks/<int:pk>/test/", page(endpoint_test, ["POST"]), name="webhook_test"),
    ]
