"""eGestion's home, its login page, the entity switcher, the terms and "Mon compte", and the menu entries whose
feature comes later."""

from django.urls import path

from accounts import views as accounts_views
from common.menus import upcoming_urls
from digests import views as digests_views
from egestion.access import egestion_required
from egestion.home import views
from egestion.menu import MENU

urlpatterns = [
    path("", views.home, name="home"),
    path("connexion/", views.EgestionLoginView.as_view(), name="login"),
    path("entite/", views.choose_entity, name="entity"),
    path("rgpd-cgu/", egestion_required(accounts_views.terms), name="terms"),
    path("mon-compte/", egestion_required(digests_views.account), name="account"),
    *upcoming_urls(MENU, egestion_required, "egestion/base.html"),
]
