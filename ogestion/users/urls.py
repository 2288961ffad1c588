"""Gérer mes utilisateurs (référents only)."""

from django.urls import path

from ogestion.users import views

urlpatterns = [
    path("utilisateurs/", views.users, name="users"),
    path("utilisateurs/salaries/", views.persons, name="user_persons"),
    path("utilisateurs/nouveau/", views.user_create, name="user_create"),
    path("utilisateurs/<int:pk>/", views.user_sheet, name="user"),
    path("utilisateurs/<int:pk>/activation/", views.user_resend_activation, name="user_resend_activation"),
    path("utilisateurs/<int:pk>/desactiver/", views.user_deactivate, name="user_deactivate"),
    path("utilisateurs/<int:pk>/reactiver/", views.user_reactivate, name="user_reactivate"),
]
