"""eGestion's help (issue 17): the guide's resources written in the admin (content.HelpResource) as pages or PDFs,
and the notice of the CERFA FA13 that each step of the wizard links to (content.views).

aide/<slug>/  aide/<slug>/pdf/  aide/notice-cerfa-apprentissage/
"""

from accounts.models import Portal
from content.views import portal_urlpatterns
from egestion.access import egestion_required

urlpatterns = portal_urlpatterns(Portal.EGESTION, egestion_required, cerfa_notice_page=True)
