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
    demandes/nouvelle/plan/                     Plan de développement des compétences: the establishment
    demandes/<uuid>/plan/<step>/                a step of the plan request (formation … transmettre)
    demandes/<uuid>/plan/stagiaires/…           a trainee: new, edit, remove
    demandes/<uuid>/plan/modules/<pk>/…         a module: edit (provider look-up, costs, trainees), delete
"""

from django.urls import path, register_converter

from egestion.requests import common, list
from egestion.requests.apprenticeship import views as apprenticeship_views
from egestion.requests.apprenticeship.forms import STEP_SLUGS
from egestion.requests.plan import views as plan_views


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


class PlanStepConverter(StepConverter):
    regex = "|".join(plan_views.STEP_SLUGS)


register_converter(StepConverter, "wizard_step")


class PlanLookupConverter(StepConverter):
    regex = "stagiaire|organisme"


register_converter(PlanStepConverter, "plan_step")
register_converter(PlanLookupConverter, "plan_lookup")
register_converter(LookupConverter, "wizard_lookup")

urlpatterns = [
    path("", list.request_list, name="requests"),
    path("nouvelle/", list.request_new, name="request_new"),
    path(
        "nouvelle/contrat-apprentissage/",
        apprenticeship_views.request_new_apprenticeship,
        name="request_new_apprenticeship",
    ),
    path("<uuid:public_id>/", list.request_resume, name="request_resume"),
    path("<uuid:public_id>/supprimer/", list.request_delete, name="request_delete"),
    path("<uuid:public_id>/cerfa.pdf", common.request_pdf, name="request_pdf"),
    path("<uuid:public_id>/personne/", apprenticeship_views.request_person_new, name="request_person_new"),
    path(
        "<uuid:public_id>/recherche/<wizard_lookup:kind>/", apprenticeship_views.request_lookup, name="request_lookup"
    ),
    path("<uuid:public_id>/documents/<int:pk>/", common.request_document, name="request_document"),
    path("<uuid:public_id>/transmise/", common.request_submitted, name="request_submitted"),
    path("<uuid:public_id>/transmise/cerfa.pdf", common.request_submitted_pdf, name="request_submitted_pdf"),
    path("<uuid:public_id>/<wizard_step:step>/", apprenticeship_views.request_step, name="request_step"),
    # Plan de développement des compétences (egestion/requests/plan/)
    path("nouvelle/plan/", plan_views.plan_new, name="plan_new"),
    path("<uuid:public_id>/plan/stagiaires/nouveau/", plan_views.plan_trainee_new, name="plan_trainee_new"),
    path("<uuid:public_id>/plan/stagiaires/<int:pk>/", plan_views.plan_trainee_edit, name="plan_trainee"),
    path(
        "<uuid:public_id>/plan/stagiaires/<int:pk>/retirer/", plan_views.plan_trainee_remove, name="plan_trainee_remove"
    ),
    path("<uuid:public_id>/plan/modules/<int:pk>/", plan_views.plan_module, name="plan_module"),
    path(
        "<uuid:public_id>/plan/modules/<int:pk>/estimation/",
        plan_views.plan_module_estimate,
        name="plan_module_estimate",
    ),
    path("<uuid:public_id>/plan/modules/<int:pk>/supprimer/", plan_views.plan_module_delete, name="plan_module_delete"),
    path("<uuid:public_id>/plan/recherche/<plan_lookup:kind>/", plan_views.plan_lookup, name="plan_lookup"),
    path("<uuid:public_id>/plan/<plan_step:step>/", plan_views.plan_step, name="plan_step"),
]
