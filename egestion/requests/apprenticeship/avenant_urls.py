"""URLs of "Déclarer un avenant", under the contract's dossier (egestion namespace; see avenants.py)."""

from django.urls import path

from egestion.requests.apprenticeship import avenants

urlpatterns = [
    path("dossiers/<str:number>/avenant/", avenants.avenant_new, name="avenant_new"),
    path("dossiers/<str:number>/avenant/<uuid:public_id>/", avenants.avenant_edit, name="avenant"),
    path(
        "dossiers/<str:number>/avenant/<uuid:public_id>/recherche/<slug:kind>/",
        avenants.avenant_lookup,
        name="avenant_lookup",
    ),
    path("dossiers/<str:number>/avenant/<uuid:public_id>/cerfa.pdf", avenants.avenant_pdf, name="avenant_pdf"),
    path(
        "dossiers/<str:number>/avenant/<uuid:public_id>/document/", avenants.avenant_document, name="avenant_document"
    ),
    path("dossiers/<str:number>/avenant/<uuid:public_id>/transmettre/", avenants.avenant_submit, name="avenant_submit"),
]
