"""URLs of the dossier tracking pages, in the ogestion namespace (included by ogestion/urls.py).

dossiers/                               Suivre mes dossiers de formation (counters, filters, sort, pages)
dossiers/<number>/                      the dossier page (STAGIAIRE(S))
dossiers/<number>/onglet/<tab>/         one tab (htmx swaps it in place)
dossiers/<number>/documents/<pk>/       download a Constructys document (funding agreement...)
"""

from django.urls import path

from ogestion.dossiers import views

urlpatterns = [
    path("dossiers/", views.dossier_list, name="dossiers"),
    path("dossiers/<str:number>/", views.dossier_detail, name="dossier"),
    path("dossiers/<str:number>/onglet/<slug:tab>/", views.dossier_detail, name="dossier_tab"),
    path("dossiers/<str:number>/documents/<int:pk>/", views.document_download, name="dossier_document"),
]
