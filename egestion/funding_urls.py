"""URLs of "Faire une demande de prise en charge" (drafts, the CERFA wizard, transmission), in the egestion
namespace: included by egestion/urls.py under demandes/."""

from django.urls import path

from egestion import funding_views as views

urlpatterns = [
    path("", views.request_list, name="requests"),
]
