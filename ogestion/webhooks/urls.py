"""Webhooks under "Mon compte" › "Accès API" (the organisation's administrators): the shared pages of
webhooks.views, mounted with ogestion's access decorator."""

from accounts.models import Portal
from ogestion.access import ogestion_required
from webhooks.views import portal_webhook_urlpatterns

urlpatterns = portal_webhook_urlpatterns(Portal.OGESTION, ogestion_required)
