"""URLs of Consulter les règlements and Voir mes établissements, in the egestion namespace (included by
egestion/urls.py); the pages are the same as oGestion's (payments.views), scoped to the company's establishments.

reglements/  reglements/<pk>/  reglements/<pk>/avis-de-virement/
etablissements/  etablissements/<pk>/  etablissements/<pk>/documents/<document_pk>/
etablissements/<pk>/coordonnees-bancaires/      the account manager sends new bank details (RIB + IBAN/BIC)
"""

from django.urls import path

from accounts.models import Portal
from egestion.access import egestion_required
from egestion.payments import views
from payments.views import portal_urlpatterns

urlpatterns = [
    *portal_urlpatterns(Portal.EGESTION, egestion_required, establishment_detail_view=views.establishment_detail),
    path("etablissements/<int:pk>/coordonnees-bancaires/", views.bank_details_request, name="bank_details_request"),
]
