"""URLs of FACTURATION, in the ogestion namespace (included by ogestion/urls.py).

dossiers/<number>/facturation/            the schedule, what can be invoiced today, the invoices
dossiers/<number>/facturation/deposer/    Déposer une facture
"""

from django.urls import path

from ogestion.invoicing import views

urlpatterns = [
    path("dossiers/<str:number>/facturation/", views.billing, name="invoicing_billing"),
    path("dossiers/<str:number>/facturation/deposer/", views.deposit, name="invoicing_deposit"),
]
