from django.contrib import admin
from django.urls import include, path

from accounts.views import admin_login
from common import views as common_views

admin.site.site_header = "Constructys — back office"
admin.site.site_title = "Constructys"
admin.site.index_title = "Gestion des dossiers et des registres"
# Staff log in through allauth, so that the second factor (TOTP) is asked; see accounts.views.admin_login.
admin.site.login = admin_login(admin.site.login)

# allauth's rate limits (too many logins, reset requests...) answer with this page.
handler429 = "accounts.views.too_many_requests"

urlpatterns = [
    path("", common_views.landing, name="landing"),
    path("connexion/", common_views.login_router, name="login"),
    path("sante/", common_views.health, name="health"),
    path("favicon.ico", common_views.favicon, name="favicon"),
    path("egestion/", include("egestion.urls")),
    path("ogestion/", include("ogestion.urls")),
    path("comptes/", include("accounts.urls")),
    # Only the allauth pages the portals use (the rest answers 404).
    path("comptes/", include("accounts.allauth_urls")),
    path("admin/", admin.site.urls),
    path("digit-invest/", include("invest.urls")),
    path("notifications/", include("digests.urls")),
    # The iCalendar feeds of the échéances, at secret addresses (no login: calendars subscribe to them).
    path("agenda/", include("deadlines.urls")),
    # The API (keys only, no session): resources, OpenAPI document and its documentation at /api/v1/docs.
    path("api/v1/", include("api.urls")),
]
