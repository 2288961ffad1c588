"""eGestion, for member companies: one package per feature, each with its views, forms and URLs (see
docs/conventions.md, "How to add a feature package")."""

from django.urls import include, path

app_name = "egestion"

urlpatterns = [
    path("", include("egestion.home.urls")),
    path("", include("egestion.help.urls")),
    path("", include("egestion.signup.urls")),
    path("demandes/", include("egestion.requests.urls")),
    path("", include("egestion.requests.apprenticeship.avenant_urls")),
    path("", include("egestion.dossiers.urls")),
    path("", include("egestion.payments.urls")),
    path("", include("egestion.contributions.urls")),
    path("", include("egestion.users.urls")),
    path("", include("egestion.webhooks.urls")),
    path("", include("egestion.api_access.urls")),
]
