from django.urls import include, path

from accounts import views as accounts_views
from common.menus import upcoming_urls
from digests import views as digests_views
from egestion import contribution_urls, dossier_urls, funding_urls, payment_urls, user_views, views
from egestion.menu import MENU
from egestion.views import egestion_required

app_name = "egestion"

urlpatterns = [
    path("", views.home, name="home"),
    path("connexion/", views.EgestionLoginView.as_view(), name="login"),
    path("demandes/", include(funding_urls.urlpatterns)),
    path("inscription/", views.signup, name="signup"),
    path("inscription/envoyee/", views.signup_done, name="signup_done"),
    path("entite/", views.choose_entity, name="entity"),
    path("", include(dossier_urls.urlpatterns)),
    path("", include(payment_urls.urlpatterns)),
    path("", include(contribution_urls.urlpatterns)),
    path("rgpd-cgu/", egestion_required(accounts_views.terms), name="terms"),
    path("mon-compte/", egestion_required(digests_views.account), name="account"),
    # Gérer les utilisateurs (the company's manager only)
    path("utilisateurs/", user_views.users, name="users"),
    path("utilisateurs/inviter/", user_views.user_invite, name="user_invite"),
    path("utilisateurs/<int:pk>/", user_views.user_detail, name="user"),
    path("utilisateurs/<int:pk>/etablissements/", user_views.user_establishments, name="user_establishments"),
    path("utilisateurs/<int:pk>/desactiver/", user_views.user_deactivate, name="user_deactivate"),
    path("utilisateurs/<int:pk>/reactiver/", user_views.user_reactivate, name="user_reactivate"),
    path("utilisateurs/<int:pk>/gestionnaire/", user_views.user_transfer, name="user_transfer"),
    *upcoming_urls(MENU, views.egestion_required, "egestion/base.html"),
]
