from django.urls import path
from django.views.generic import RedirectView

from invest import views

app_name = "invest"

urlpatterns = [
    path("", views.home, name="home"),
    path("connexion/", views.InvestLoginView.as_view(), name="login"),
    path("cgu/", views.terms, name="terms"),
    # Digit Invest users are oGestion users: one account page, the oGestion one (notifications, identity).
    path("mon-compte/", RedirectView.as_view(pattern_name="ogestion:account"), name="account"),
    path("demandes/nouvelle/", views.request_new, name="request_new"),
    path("demandes/<int:pk>/", views.request_detail, name="request"),
    path("demandes/<int:pk>/transmettre/", views.request_submit, name="request_submit"),
    path("demandes/<int:pk>/supprimer/", views.request_delete, name="request_delete"),
    path("demandes/<int:pk>/devis/", views.quote_upload, name="quote_upload"),
    path("demandes/<int:pk>/devis/<int:quote_pk>/", views.quote_download, name="quote"),
    path("demandes/<int:pk>/devis/<int:quote_pk>/retirer/", views.quote_delete, name="quote_delete"),
]
