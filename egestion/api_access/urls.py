"""Mon compte → Accès API: the keys of an account manager or référent (api.views, shared by both portals).

mon-compte/acces-api/  mon-compte/acces-api/<pk>/revoquer/
"""

from accounts.models import Portal
from api.views import api_access_urlpatterns
from egestion.access import egestion_required

urlpatterns = api_access_urlpatterns(Portal.EGESTION, egestion_required)
