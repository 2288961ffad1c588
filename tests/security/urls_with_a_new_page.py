"""The project's URLs plus a page nobody has put in the access matrix (test_access_matrix checks it is noticed)."""

from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    *project_urlpatterns,
    path("egestion/nouvelle-page/<int:pk>/", lambda request, pk: HttpResponse("?"), name="new_unlisted_page"),
]
