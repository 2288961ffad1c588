"""Mon tableau de bord financier: a référent's money view over the establishments they look at (the header's
switcher narrows it), its chart and its export. Figures: invoicing.money.money_view (constant queries)."""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from invoicing.money import money_view
from ogestion.access import ogestion_required
from ogestion.money.chart import money_chart
from ogestion.money.exports import money_response


def _referents_only(request):
    """The money view is the référents' (the organisation's figures); a colleague is told why (403)."""
    if request.is_portal_admin:
        return None
    return render(request, "ogestion/money/referent_only.html", {"active_menu": "home"}, status=403)


def _view(request):
    establishments = [membership.establishment for membership in request.memberships]
    return money_view(request.user, establishments, timezone.localdate())


@ogestion_required
@require_GET
def dashboard(request):
    refused = _referents_only(request)
    if refused:
        return refused
    view = _view(request)
    return render(
        request,
        "ogestion/money/dashboard.html",
        {"active_menu": "home", "money": view, "chart": money_chart(view.months)},
    )


@ogestion_required
@require_GET
def export(request, fmt):
    refused = _referents_only(request)
    if refused:
        return refused
    return money_response(_view(request), fmt)
