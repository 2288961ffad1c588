from django.urls import include, path

from accounts import views as accounts_views
from common.menus import upcoming_urls
from digests import views as digests_views
from ogestion import dossier_urls, payment_urls, user_views, views
from ogestion.menu import MENU
from ogestion.views import ogestion_required

app_name = "ogestion"

urlpatterns = [
    path("", views.home, name="home"),
    path("connexion/", views.OgestionLoginView.as_view(), name="login"),
    path("", include(dossier_urls.urlpatterns)),
    path("", include(payment_urls.urlpatterns)),
    path("rgpd-cgu/", ogestion_required(accounts_views.terms), name="terms"),
    path("mon-compte/", ogestion_required(digests_views.account), name="account"),
    # Gérer mes utilisateurs (référents only)
    path("utilisateurs/", user_views.users, name="users"),
    path("utilisateurs/salaries/", user_views.persons, name="user_persons"),
    path("utilisateurs/nouveau/", user_views.user_create, name="user_create"),
    path("utilisateurs/<int:pk>/", user_views.user_sheet, name="user"),
    path("utilisateurs/<int:pk>/activation/", user_views.user_resend_activation, name="user_resend_activation"),
    path("utilisateurs/<int:pk>/desactiver/", user_views.user_deactivate, name="user_deactivate"),
    path("utilisateurs/<int:pk>/reactiver/", user_views.user_reactivate, name="user_reactivate"),
    *upcoming_urls(MENU, views.ogestion_required, "ogestion/base.html"),
]
