"""URLs of the dossier tracking and messaging pages, in the egestion namespace (included by egestion/urls.py)."""

urlpatterns = []
