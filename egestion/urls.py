from django.urls import path

from common.menus import upcoming_urls
from egestion import views
from egestion.menu import MENU

app_name = "egestion"

urlpatterns = [
    path("", views.home, name="home"),
    path("connexion/", views.EgestionLoginView.as_view(), name="login"),
    *upcoming_urls(MENU, views.egestion_required, "egestion/base.html"),
]
