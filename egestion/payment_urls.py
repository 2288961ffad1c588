"""URLs of Consulter les règlements and Voir mes établissements, in the egestion namespace (included by
egestion/urls.py); the pages are the same as oGestion's (payments.views), scoped to the company's establishments.

reglements/  reglements/<pk>/  reglements/<pk>/avis-de-virement/
etablissements/  etablissements/<pk>/  etablissements/<pk>/documents/<document_pk>/
"""

from accounts.models import Portal
from egestion.views import egestion_required
from payments.views import portal_urlpatterns

urlpatterns = portal_urlpatterns(Portal.EGESTION, egestion_required)
