"""/api/v1/: no login session (keys only), so every view opts out of LoginRequiredMiddleware; the key checks itself."""

from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.urls import re_path
from django.views.decorators.cache import never_cache

from api.api import api
from api.errors import error_body


def _without_login(patterns):
    for pattern in patterns:
        if hasattr(pattern, "url_patterns"):
            _without_login(pattern.url_patterns)
        else:
            # Answers carry a company's data: never kept by a proxy or a browser cache (as the portals' pages).
            pattern.callback = login_not_required(never_cache(pattern.callback))
    return patterns


def unknown_address(request, rest=""):
    """An address of no resource: the API's JSON error, not the HTML page of the portals."""
    return JsonResponse(error_body("introuvable", "Aucune ressource ne correspond à cette adresse."), status=404)


urls = api.urls
urlpatterns = _without_login([*urls[0], re_path(r"^(?P<rest>.*)$", unknown_address)])
app_name = "api"  # the namespace of api.urls_namespace
