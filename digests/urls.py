from django.urls import path

from digests import views

app_name = "digests"

urlpatterns = [
    path("desabonnement/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
