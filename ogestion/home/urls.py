"""oGestion's home, its login page, the terms and "Mon compte", and the menu entries whose feature comes later."""

from django.urls import path

from accounts import views as accounts_views
from common.menus import upcoming_urls
from digests import views as digests_views
from ogestion.access import ogestion_required
from ogestion.home import views
from ogestion.menu import MENU

urlpatterns = [
    path("", views.home, name="home"),
    path("connexion/", views.OgestionLoginView.as_view(), name="login"),
    path("rgpd-cgu/", ogestion_required(accounts_views.terms), name="terms"),
    path("mon-compte/", ogestion_required(digests_views.account), name="account"),
    *upcoming_urls(MENU, ogestion_required, "ogestion/base.html"),
]
