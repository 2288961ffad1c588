"""URLs of Consulter les règlements and Voir mes établissements, in the egestion namespace (included by
egestion/urls.py); the pages are the same as oGestion's (payments.views), scoped to the company's establishments.

reglements/  reglements/<pk>/  reglements/<pk>/avis-de-virement/
etablissements/  etablissements/<pk>/  etablissements/<pk>/documents/<document_pk>/
etablissements/<pk>/coordonnees-bancaires/      the account manager sends new bank details (RIB + IBAN/BIC)
"""

from django.urls import path
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import Portal
from banking import views
from egestion.views import egestion_required
from payments.views import portal_urlpatterns


@egestion_required
@require_GET
def establishment_detail(request, pk):
    return views.establishment_detail(request, Portal.EGESTION, pk)


@egestion_required
@require_http_methods(["GET", "POST"])
def bank_details_request(request, pk):
    return views.bank_details_request(request, Portal.EGESTION, pk)


urlpatterns = [
    *portal_urlpatterns(Portal.EGESTION, egestion_required, establishment_detail_view=establishment_detail),
    path("etablissements/<int:pk>/coordonnees-bancaires/", bank_details_request, name="bank_details_request"),
]
