from django.urls import include, path

from accounts import views as accounts_views
from common.menus import upcoming_urls
from egestion import funding_urls, views
from egestion.menu import MENU
from egestion.views import egestion_required

app_name = "egestion"

urlpatterns = [
    path("", views.home, name="home"),
    path("connexion/", views.EgestionLoginView.as_view(), name="login"),
    path("demandes/", include(funding_urls.urlpatterns)),
    path("rgpd-cgu/", egestion_required(accounts_views.terms), name="terms"),
    *upcoming_urls(MENU, views.egestion_required, "egestion/base.html"),
]
