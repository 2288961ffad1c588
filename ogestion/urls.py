from django.urls import path

from accounts import views as accounts_views
from common.menus import upcoming_urls
from ogestion import views
from ogestion.menu import MENU
from ogestion.views import ogestion_required

app_name = "ogestion"

urlpatterns = [
    path("", views.home, name="home"),
    path("connexion/", views.OgestionLoginView.as_view(), name="login"),
    path("rgpd-cgu/", ogestion_required(accounts_views.terms), name="terms"),
    *upcoming_urls(MENU, views.ogestion_required, "ogestion/base.html"),
]
