"""Who gets into Digit Invest: provider users (oGestion accounts) attached to a CFA establishment (one with a
UAI), once they have accepted the Digit Invest terms in force. Others are told why (403)."""

from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth import REDIRECT_FIELD_NAME
from django.shortcuts import redirect, render
from django.urls import reverse

from accounts.access import portal_memberships
from accounts.models import Portal
from invest import services

# The terms version the user was last found to have accepted: while it is still the one in force, a page costs a
# single query for the terms check (as accounts' ConsentRequiredMiddleware remembers the RGPD/CGU versions).
TERMS_SESSION_KEY = "invest_terms_version"


def no_access_response(request):
    context = {
        "has_ogestion": bool(portal_memberships(request.user, Portal.OGESTION)),
        "has_egestion": bool(portal_memberships(request.user, Portal.EGESTION)),
    }
    return render(request, "invest/no_access.html", context, status=403)


def terms_url(next_url: str) -> str:
    return f"{reverse('invest:terms')}?{urlencode({REDIRECT_FIELD_NAME: next_url})}"


def remember_terms(request, version) -> None:
    request.session[TERMS_SESSION_KEY] = version.pk if version else None


def cfa_access(view_func):
    """Load the user's CFA memberships (request.memberships, request.establishment_ids, and what the portal layout
    reads), or answer 403 with the reason."""

    @wraps(view_func)
    def wrapper(request, *args, **kwargs):
        memberships = services.user_cfa_memberships(request.user)
        if not memberships:
            return no_access_response(request)
        request.all_memberships = request.memberships = memberships
        request.current_establishment = None
        request.establishment_ids = [m.establishment_id for m in memberships]
        request.organisations = list(
            {m.establishment.organisation_id: m.establishment.organisation for m in memberships}.values()
        )
        request.all_organisations = request.organisations
        request.is_portal_admin = False
        request.entity_switch_url = None
        return view_func(request, *args, **kwargs)

    return wrapper


def invest_required(view_func):
    """cfa_access, then the Digit Invest terms in force must have been accepted."""

    @cfa_access
    @wraps(view_func)
    def wrapper(request, *args, **kwargs):
        current = services.terms_in_force()
        if current is not None and request.session.get(TERMS_SESSION_KEY) != current.pk:
            if services.terms_to_accept(request.user):
                next_url = request.get_full_path() if request.method == "GET" else reverse("invest:home")
                return redirect(terms_url(next_url))
            remember_terms(request, current)
        return view_func(request, *args, **kwargs)

    return wrapper
