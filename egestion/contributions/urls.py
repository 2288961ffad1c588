"""URLs of the member account, in the egestion namespace (included by egestion/urls.py).

contributions/                          Déclarer mes contributions: overview per year, the returns declared
bordereau/                              Saisie de votre bordereau de collecte
bordereau/<pk>/                         a return and its contributions
bordereau/<pk>/accuse-de-reception/     its PDF acknowledgement of receipt
versements/                             Suivre mes versements (the company's payments to Constructys)
"""

from django.urls import path

from egestion.contributions import views

urlpatterns = [
    path("contributions/", views.account, name="contributions"),
    path("bordereau/", views.return_form, name="contribution_return"),
    path("bordereau/<int:pk>/", views.return_detail, name="contribution_return_detail"),
    path("bordereau/<int:pk>/accuse-de-reception/", views.receipt, name="contribution_receipt"),
    path("versements/", views.payments, name="contribution_payments"),
]
