"""oGestion's help (issue 17): the guide's resources written in the admin (content.HelpResource) as pages or PDFs
(content.views).

aide/<slug>/  aide/<slug>/pdf/
"""

from accounts.models import Portal
from content.views import portal_urlpatterns
from ogestion.access import ogestion_required

urlpatterns = portal_urlpatterns(Portal.OGESTION, ogestion_required)
