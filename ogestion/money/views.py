"""Mon tableau de bord financier: a référent's money view over the establishments they are référent of (the header's
switcher narrows it), its chart and its export. Figures: invoicing.money.money_view (constant queries)."""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from invoicing.money import referent_money_view
from ogestion.access import ogestion_required
from ogestion.money.chart import money_chart
from ogestion.money.exports import money_response


def _referents_only(request):
    """A colleague is told why (403)."""
    return render(request, "ogestion/money/referent_only.html", {"active_menu": "home"}, status=403)


@ogestion_required
@require_GET
def dashboard(request):
    view = referent_money_view(request.user, request.memberships, timezone.localdate())
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
    view = referent_money_view(request.user, request.memberships, timezone.localdate())
    if view is None:
        return _referents_only(request)
    return money_response(view, fmt)
