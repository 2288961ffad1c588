"""Consulter les règlements and Voir mes établissements in eGestion: the pages are oGestion's (payments.views,
banking.views), scoped to the company's establishments."""

from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import Portal
from banking import views
from egestion.access import egestion_required


@egestion_required
@require_GET
def establishment_detail(request, pk):
    return views.establishment_detail(request, Portal.EGESTION, pk)


@egestion_required
@require_http_methods(["GET", "POST"])
def bank_details_request(request, pk):
    return views.bank_details_request(request, Portal.EGESTION, pk)
