"""Voir mes établissements / mes avis de virement (oGestion): an establishment's page with the référent's request for
new bank details (banking.views), validated by Constructys in the admin."""

from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import Portal
from banking import views
from ogestion.access import ogestion_required


@ogestion_required
@require_GET
def establishment_detail(request, pk):
    return views.establishment_detail(request, Portal.OGESTION, pk)


@ogestion_required
@require_http_methods(["GET", "POST"])
def bank_details_request(request, pk):
    return views.bank_details_request(request, Portal.OGESTION, pk)
