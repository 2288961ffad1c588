"""Gérer les utilisateurs (the company's manager only)."""

from django.urls import path

from egestion.users import views

urlpatterns = [
    path("utilisateurs/", views.users, name="users"),
    path("utilisateurs/inviter/", views.user_invite, name="user_invite"),
    path("utilisateurs/<int:pk>/", views.user_detail, name="user"),
    path("utilisateurs/<int:pk>/etablissements/", views.user_establishments, name="user_establishments"),
    path("utilisateurs/<int:pk>/desactiver/", views.user_deactivate, name="user_deactivate"),
    path("utilisateurs/<int:pk>/reactiver/", views.user_reactivate, name="user_reactivate"),
    path("utilisateurs/<int:pk>/gestionnaire/", views.user_transfer, name="user_transfer"),
]
