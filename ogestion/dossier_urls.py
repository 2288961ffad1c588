"""URLs of the dossier tracking and messaging pages, in the ogestion namespace (included by ogestion/urls.py)."""

urlpatterns = []
