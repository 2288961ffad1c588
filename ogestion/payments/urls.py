"""URLs of the payments and establishments pages, in the ogestion namespace (included by ogestion/urls.py).

reglements/                                     Consulter mes règlements (establishment filter, sort, pages)
reglements/<pk>/                                a payment and its lines
reglements/<pk>/avis-de-virement/               its remittance advice (PDF)
etablissements/                                 Voir mes établissements / mes avis de virement (search)
etablissements/<pk>/                            an establishment, its bank details and remittance advices
etablissements/<pk>/documents/<document_pk>/    download one remittance advice
etablissements/<pk>/coordonnees-bancaires/      a référent sends new bank details (RIB + IBAN/BIC)
"""

from accounts.models import Portal
from banking.views import portal_bank_urlpatterns
from ogestion.access import ogestion_required

urlpatterns = portal_bank_urlpatterns(Portal.OGESTION, ogestion_required)
