"""URLs of Consulter les règlements and Voir mes établissements, in the egestion namespace (included by
egestion/urls.py); the pages are the same as oGestion's (payments.views), scoped to the company's establishments.

reglements/  reglements/<pk>/  reglements/<pk>/avis-de-virement/
etablissements/  etablissements/<pk>/  etablissements/<pk>/documents/<document_pk>/
etablissements/<pk>/coordonnees-bancaires/      the account manager sends new bank details (RIB + IBAN/BIC)
"""

from accounts.models import Portal
from banking.views import portal_bank_urlpatterns
from egestion.access import egestion_required

urlpatterns = portal_bank_urlpatterns(Portal.EGESTION, egestion_required)
