"""oGestion, for training providers and CFAs: one package per feature, each with its views, forms and URLs (see
docs/conventions.md, "How to add a feature package")."""

from django.urls import include, path

app_name = "ogestion"

urlpatterns = [
    path("", include("ogestion.home.urls")),
    path("", include("ogestion.help.urls")),
    path("", include("ogestion.dossiers.urls")),
    path("", include("ogestion.invoicing.urls")),
    path("", include("ogestion.money.urls")),
    path("", include("ogestion.payments.urls")),
    path("", include("ogestion.users.urls")),
    path("", include("ogestion.webhooks.urls")),
    path("", include("ogestion.api_access.urls")),
]
