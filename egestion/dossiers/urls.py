"""URLs of the dossier tracking and messaging pages, in the egestion namespace (included by egestion/urls.py).

dossiers/                                       Suivre les dossiers de formation (filters, tabs, sort, pages)
dossiers/export.csv, dossiers/export.xlsx       the filtered list as an extraction
dossiers/<number>/                              the dossier page (first tab)
dossiers/<number>/onglet/<tab>/                 one tab (htmx swaps it in place)
dossiers/<number>/documents/<pk>/               download an issued or received document
dossiers/<number>/documents/ajouter/            POST: add received documents
dossiers/<number>/messages/nouveau/             "+": write to the case manager
dossiers/<number>/messages/<pk>/                a message (opening it marks it read)
dossiers/<number>/messages/<pk>/non-lu/         POST: mark it unread again
dossiers/<number>/rupture/                      "Déclarer une rupture" of an accepted apprenticeship contract
messagerie/                                     the messages of all the user's dossiers (?filtre=non-lus)
"""

from django.urls import path, register_converter

from egestion.dossiers import changes, views


class ExportFormatConverter:
    regex = "csv|xlsx"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(ExportFormatConverter, "export_format")

urlpatterns = [
    path("dossiers/", views.dossier_list, name="dossiers"),
    path("dossiers/export.<export_format:fmt>", views.dossier_export, name="dossier_export"),
    path("dossiers/<str:number>/", views.dossier_detail, name="dossier"),
    path("dossiers/<str:number>/onglet/<slug:tab>/", views.dossier_detail, name="dossier_tab"),
    path("dossiers/<str:number>/documents/ajouter/", views.document_upload, name="dossier_document_upload"),
    path("dossiers/<str:number>/documents/<int:pk>/", views.document_download, name="dossier_document"),
    path("dossiers/<str:number>/messages/nouveau/", views.message_new, name="dossier_message_new"),
    path("dossiers/<str:number>/messages/<int:pk>/", views.message_detail, name="dossier_message"),
    path("dossiers/<str:number>/messages/<int:pk>/non-lu/", views.message_unread, name="dossier_message_unread"),
    path("dossiers/<str:number>/rupture/", changes.rupture_new, name="dossier_rupture"),
    path("messagerie/", views.messages_list, name="messages"),
]
