from django.urls import path

from common.menus import upcoming_urls
from ogestion import views
from ogestion.menu import MENU

app_name = "ogestion"

urlpatterns = [
    path("", views.home, name="home"),
    path("connexion/", views.OgestionLoginView.as_view(), name="login"),
    *upcoming_urls(MENU, views.ogestion_required, "ogestion/base.html"),
]
