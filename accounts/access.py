"""Who may enter a portal, resolved once per request."""

from functools import wraps

from django.shortcuts import render

from accounts.models import Membership, Portal


def portal_memberships(user, portal):
    return list(
        Membership.objects.for_portal(portal)
        .filter(user=user)
        .select_related("establishment__organisation")
        .order_by("establishment__name", "establishment__siret")
    )


def portal_member_required(portal: Portal):
    """Let in only users with an active membership in `portal`; others get a page that says why (403).

    Sets `request.memberships` (the user's memberships in this portal, establishments and organisations loaded)
    and `request.organisations` for the views and the portal's layout.
    """

    def decorator(view_func):
        @wraps(view_func)
        def wrapper(request, *args, **kwargs):
            memberships = portal_memberships(request.user, portal)
            if not memberships:
                return render(
                    request,
                    "accounts/no_portal_access.html",
                    {"portal": portal, "portal_label": Portal(portal).label},
                    status=403,
                )
            request.memberships = memberships
            request.organisations = list(
                {m.establishment.organisation_id: m.establishment.organisation for m in memberships}.values()
            )
            request.is_portal_admin = any(m.is_admin for m in memberships)
            return view_func(request, *args, **kwargs)

        return wrapper

    return decorator
