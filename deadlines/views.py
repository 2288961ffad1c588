"""The iCalendar feed of a user's échéances, at a secret address that calendars (Outlook, Google, Apple)
subscribe to without a session: the token in the address is the credential."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from deadlines import ics, selectors, services


@login_not_required
@require_GET
def feed(request, token):
    """Scoped like the portals: the dossiers the user sees today. A revoked or unknown address, a deactivated user
    or one without an active membership answers 404."""
    user = services.user_of_feed_token(token)
    if user is None:
        raise Http404("Cette adresse d'agenda n'existe pas ou n'est plus valable.")
    now = timezone.now()
    deadlines = selectors.feed_for_user(user, timezone.localdate(now))
    response = HttpResponse(
        ics.calendar_text(deadlines, now=now, site_url=settings.SITE_URL + "/connexion/"),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = 'inline; filename="echeances-constructys.ics"'
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
