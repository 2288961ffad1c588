"""Webhooks under "Mon compte" › "Accès API" (the organisation's administrators): the shared pages of
webhooks.views, mounted with egestion's access decorator."""

from accounts.models import Portal
from egestion.access import egestion_required
from webhooks.views import portal_webhook_urlpatterns

urlpatterns = portal_webhook_urlpatterns(Portal.EGESTION, egestion_required)
