"""URLs of "Faire une demande de prise en charge" (drafts, the CERFA wizard, transmission), in the egestion
namespace: included by egestion/urls.py under demandes/.

    demandes/                                   the transmitted requests and the drafts (tabs)
    demandes/nouvelle/                          "+": the type of request
    demandes/nouvelle/contrat-apprentissage/    the employer establishment, then "Suivant" creates the draft
    demandes/<uuid>/                            resume a draft where it was left
    demandes/<uuid>/<step>/                     a step of the wizard (employeur … transmettre)
    demandes/<uuid>/recherche/<kind>/           a look-up (persons, CFA, diploma, RNCP): htmx partial
    demandes/<uuid>/personne/                   "+": a new person of the company, chosen for the draft
    demandes/<uuid>/cerfa.pdf                   the CERFA filled from the draft, to sign
    demandes/<uuid>/documents/<pk>/             an uploaded document
    demandes/<uuid>/supprimer/                  delete a draft (confirmation)
    demandes/<uuid>/transmise/                  the confirmation of a transmitted request (+ cerfa.pdf)
"""

from django.urls import path, register_converter

from egestion import funding_views as views
from egestion.funding_forms import STEP_SLUGS


class StepConverter:
    regex = "|".join(STEP_SLUGS)

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


class LookupConverter:
    regex = "employeur|apprenti|maitre1|maitre2|cfa|diplome|rncp"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(StepConverter, "wizard_step")
register_converter(LookupConverter, "wizard_lookup")

urlpatterns = [
    path("", views.request_list, name="requests"),
    path("nouvelle/", views.request_new, name="request_new"),
    path("nouvelle/contrat-apprentissage/", views.request_new_apprenticeship, name="request_new_apprenticeship"),
    path("<uuid:public_id>/", views.request_resume, name="request_resume"),
    path("<uuid:public_id>/supprimer/", views.request_delete, name="request_delete"),
    path("<uuid:public_id>/cerfa.pdf", views.request_pdf, name="request_pdf"),
    path("<uuid:public_id>/personne/", views.request_person_new, name="request_person_new"),
    path("<uuid:public_id>/recherche/<wizard_lookup:kind>/", views.request_lookup, name="request_lookup"),
    path("<uuid:public_id>/documents/<int:pk>/", views.request_document, name="request_document"),
    path("<uuid:public_id>/transmise/", views.request_submitted, name="request_submitted"),
    path("<uuid:public_id>/transmise/cerfa.pdf", views.request_submitted_pdf, name="request_submitted_pdf"),
    path("<uuid:public_id>/<wizard_step:step>/", views.request_step, name="request_step"),
]
