"""Mon tableau de bord financier: a référent's money view over the establishments they look at (the header's
switcher narrows it), its chart and its export. Figures: invoicing.money.money_view (constant queries)."""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from invoicing.money import money_view
from ogestion.access import ogestion_required
from ogestion.money.chart import money_chart
from ogestion.money.exports import money_response


def referent_money_view(request):
    """The money view of the establishments the user is référent of (among those looked at), None if none: a user
    référent of one establishment and simple user of another sees the money of the first only."""
    establishments = [membership.establishment for membership in request.memberships if membership.is_admin]
    return money_view(request.user, establishments, timezone.localdate()) if establishments else None


def _referents_only(request):
    """A colleague is told why (403)."""
    return render(request, "ogestion/money/referent_only.html", {"active_menu": "home"}, status=403)


@ogestion_required
@require_GET
def dashboard(request):
    view = referent_money_view(request)
    if view is None:
        return _referents_only(request)
    return render(
        request,
        "ogestion/money/dashboard.html",
        {"active_menu": "home", "money": view, "chart": money_chart(view.months)},
    )


@ogestion_required
@require_GET
def export(request, fmt):
    view = referent_money_view(request)
    if view is None:
        return _referents_only(request)
    return money_response(view, fmt)
