"""Créer mon compte."""

from django.urls import path

from egestion.signup import views

urlpatterns = [
    path("inscription/", views.signup, name="signup"),
    path("inscription/envoyee/", views.signup_done, name="signup_done"),
]
