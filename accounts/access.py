"""Who may enter a portal, and which of their entities they are looking at, resolved once per request."""

from functools import wraps

from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from accounts import services
from accounts.models import Membership, Portal
from common.prepared import PreparedQuery


def _memberships_query(portal):
    return PreparedQuery(
        lambda user_id: (
            Membership.objects.for_portal(portal)
            .filter(user_id=user_id)
            .select_related("establishment__organisation")
            .order_by("establishment__name", "establishment__siret")
        ),
        name=f"{portal} memberships",
    )


# Every portal page starts with this query: its SQL is built once per process (common.prepared).
_PORTAL_MEMBERSHIPS = {portal: _memberships_query(portal) for portal in Portal}


def portal_memberships(user, portal):
    return _PORTAL_MEMBERSHIPS[portal](user.pk)


# --- Several entities under one login: the one the user chose to look at ---------------------------------------


def entity_session_key(portal) -> str:
    return f"{portal}_entity"


def set_current_entity(request, portal, establishment_id) -> None:
    """Narrow the portal to one of the user's establishments (None: all of them). The caller checks that the
    establishment is one of the user's (request.all_memberships); a stale choice is dropped on the next request."""
    key = entity_session_key(portal)
    if establishment_id is None:
        request.session.pop(key, None)
    else:
        request.session[key] = int(establishment_id)


def _narrow(request, portal, memberships):
    """The memberships of the chosen establishment, or all of them: an intersection, never more."""
    chosen = request.session.get(entity_session_key(portal))
    if chosen is None:
        return memberships, None
    narrowed = [m for m in memberships if m.establishment_id == chosen]
    if not narrowed:
        set_current_entity(request, portal, None)
        return memberships, None
    return narrowed, narrowed[0].establishment


def _entity_choices(memberships):
    """The user's establishments grouped by organisation, for the header's entity switcher."""
    groups = {}
    for membership in memberships:
        establishment = membership.establishment
        groups.setdefault(establishment.organisation_id, (establishment.organisation, []))[1].append(establishment)
    return sorted(groups.values(), key=lambda group: group[0].name)


def _entity_switch_url(portal):
    try:
        return reverse(f"{portal}:entity")
    except NoReverseMatch:
        return None


def _organisations(memberships):
    return list({m.establishment.organisation_id: m.establishment.organisation for m in memberships}.values())


def no_access_response(request, portal):
    """The 403 page of a user without access to the portal. In eGestion, someone who signed up for a company that
    already has a manager (or whose access was ended) is told who the manager is, who can give the access."""
    context = {"portal": portal, "portal_label": Portal(portal).label}
    if portal == Portal.EGESTION:
        context["access_requests"] = services.company_access_requests(request.user)
    return render(request, "accounts/no_portal_access.html", context, status=403)


def portal_member_required(portal: Portal):
    """Let in only users with an active membership in `portal`; others get a page that says why (403).

    Sets on the request, for the views and the portal's layout:
    - `all_memberships`: every membership of the user in this portal (establishments and organisations loaded);
    - `memberships`: those the user is looking at, i.e. all of them, or the one establishment chosen in the
      header (`current_establishment`, None when all are shown); views scope their data with these;
    - `organisations`, `all_organisations`, `is_portal_admin` (from `memberships`), `entity_choices` and
      `entity_switch_url` (None if the portal has no switcher).
    """

    def decorator(view_func):
        @wraps(view_func)
        def wrapper(request, *args, **kwargs):
            all_memberships = portal_memberships(request.user, portal)
            if not all_memberships:
                return no_access_response(request, portal)
            memberships, current = _narrow(request, portal, all_memberships)
            request.all_memberships = all_memberships
            request.memberships = memberships
            request.current_establishment = current
            request.establishment_ids = [m.establishment_id for m in memberships]
            request.organisations = _organisations(memberships)
            request.all_organisations = _organisations(all_memberships)
            request.is_portal_admin = any(m.is_admin for m in memberships)
            request.entity_choices = _entity_choices(all_memberships)
            request.entity_switch_url = _entity_switch_url(portal)
            return view_func(request, *args, **kwargs)

        return wrapper

    return decorator
