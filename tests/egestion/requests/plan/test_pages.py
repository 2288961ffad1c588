"""The plan request's pages: a new request, the steps as plain forms (POST/redirect), trainees, modules with the
provider look-up, documents, transmission; the scope (another company's establishment, person, draft: 404) and
constant query counts as modules and trainees grow."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import Person
from dossiers.models import Dossier, Scheme
from funding import plan
from funding.models import FundingRequest, PlanModule, PlanTrainee, RequestKind
from tests.egestion.requests.utils import text
from tests.factories import PersonFactory, ProviderEstablishmentFactory
from tests.funding.conftest import pdf_upload
from tests.harness import assert_constant_queries, page_of

from .utils import complete_plan, rule, trainee_person

pytestmark = pytest.mark.django_db


def url(draft, step):
    return reverse("egestion:plan_step", kwargs={"public_id": draft.public_id, "step": step})


def test_a_new_plan_request_starts_with_the_establishment(logged_in, establishment):
    page = text(logged_in.get("/egestion/demandes/nouvelle/plan/"))
    assert "Plan de développement des compétences" in page and establishment.siret in page
    response = logged_in.post("/egestion/demandes/nouvelle/plan/", {"etablissement": establishment.pk})
    draft = FundingRequest.objects.get()
    assert draft.kind == RequestKind.PLAN
    assert response.url == url(draft, "formation")
    # It is a draft of the BROUILLONS tab, resumed on the plan's steps.
    assert "Plan de développement des compétences" in text(logged_in.get("/egestion/demandes/?onglet=brouillons"))
    assert logged_in.get(reverse("egestion:request_resume", args=[draft.public_id])).url == url(draft, "formation")


def test_another_company_establishment_is_refused(logged_in, user, other_company):
    response = logged_in.post("/egestion/demandes/nouvelle/plan/", {"etablissement": other_company["establishment"].pk})
    assert response.status_code == 404
    assert not FundingRequest.objects.filter(created_by=user).exists()


def test_the_training_step_saves_and_reports_what_is_missing(logged_in, draft):
    response = logged_in.post(
        url(draft, "formation"), {"plan_intitule": "Travail en hauteur", "plan_effectif": "", "action": "next"}
    )
    assert response.url == url(draft, "stagiaires")
    draft.refresh_from_db()
    assert draft.data["plan_intitule"] == "Travail en hauteur"
    assert "plan_effectif" not in draft.data
    page = text(logged_in.get(url(draft, "formation")))
    assert "Effectif de l'entreprise : à renseigner." in page  # the summary, once the step was saved
    # A malformed value is refused (nothing saved) with its message.
    response = logged_in.post(url(draft, "formation"), {"plan_duree_heures": "beaucoup", "action": "save"})
    assert response.status_code == 400
    assert "Durée totale (heures)" in text(response)


def test_trainees_are_added_from_the_company_or_created(logged_in, draft, company):
    person = PersonFactory(organisation=company, last_name="Bernard", first_name="Luc")
    page = text(logged_in.get(url(draft, "stagiaires") + "?recherche=stagiaire&q=bern"))
    assert "BERNARD Luc" in page
    response = logged_in.post(url(draft, "stagiaires"), {"select": f"person:stagiaire:{person.pk}"})
    assert response.status_code == 302
    assert PlanTrainee.objects.get(request=draft).person == person

    response = logged_in.post(
        reverse("egestion:plan_trainee_new", args=[draft.public_id]),
        {
            "civility": "mme",
            "last_name": "Petit",
            "first_name": "Anne",
            "nir": "2 90 05 35 238 117",
            "birth_date": "1990-05-12",
            "address_line1": "3 rue Haute",
            "postal_code": "35000",
            "city": "Rennes",
            "job_title": "Conductrice de travaux",
            "category": "etam",
        },
    )
    assert response.status_code == 302
    created = PlanTrainee.objects.get(request=draft, person__last_name="Petit")
    assert created.person.organisation == company and created.person.nir == "2900535238117"
    assert created.category == "etam"


def test_a_trainee_nir_inconsistent_with_the_birth_date_is_reported(logged_in, draft, company):
    trainee = plan.add_trainee(
        draft, trainee_person(company, civility="m", birth_date="1985-03-02", nir="2860475123456")
    )
    page = text(logged_in.get(reverse("egestion:plan_trainee", args=[draft.public_id, trainee.pk])))
    assert "Le NIR commence par 2 alors que le sexe indiqué est « masculin »" in page
    assert "Les 2e et 3e caractères du NIR (86)" in page
    assert "Les 4e et 5e caractères du NIR (04)" in page


def test_modules_take_a_provider_from_the_registry_or_an_unknown_siret(logged_in, draft, company):
    provider = ProviderEstablishmentFactory(name="AFORBAT RENNES")
    trainee = plan.add_trainee(draft, trainee_person(company))
    response = logged_in.post(url(draft, "modules"), {"action": "add-module"})
    module = PlanModule.objects.get(request=draft)
    assert response.url == reverse("egestion:plan_module", args=[draft.public_id, module.pk])
    form = {
        "title": "Habilitation",
        "start_date": module.start_date.isoformat(),
        "end_date": module.end_date.isoformat(),
        "hours": "14",
        "teaching_cost": "900",
        "travel_cost": "",
        "meal_cost": "40",
        "lodging_cost": "",
        "trainees": [trainee.pk],
    }
    response = logged_in.post(response.url, {**form, "action": "search", "q_organisme": "aforbat"})
    page = text(logged_in.get(response.url))
    assert "AFORBAT RENNES" in page and f"provider:{provider.pk}" in page
    logged_in.post(response.url.split("?")[0], {**form, "select": f"provider:{provider.pk}"})
    module.refresh_from_db()
    assert module.provider_establishment == provider and module.hours == Decimal("14")
    assert list(module.trainees.all()) == [trainee]

    module_url = reverse("egestion:plan_module", args=[draft.public_id, module.pk])
    logged_in.post(module_url, {**form, "action": "clear"})
    response = logged_in.post(module_url, {**form, "action": "provider-siret", "siret": "12345678901234"})
    assert response.status_code == 400 and "SIRET saisi n'est pas valide" in text(response)
    logged_in.post(module_url, {**form, "action": "provider-siret", "siret": "73282932000074", "name": "FORM'PRO"})
    module.refresh_from_db()
    assert module.provider_is_unknown and module.provider_name == "FORM'PRO"
    assert "Non référencé" in text(logged_in.get(url(draft, "modules")))


def test_another_company_person_or_a_company_as_provider_is_refused(logged_in, draft, other_company, establishment):
    response = logged_in.post(url(draft, "stagiaires"), {"select": f"person:stagiaire:{other_company['person'].pk}"})
    assert response.status_code == 404
    module = plan.add_module(draft)
    module_url = reverse("egestion:plan_module", args=[draft.public_id, module.pk])
    assert logged_in.post(module_url, {"select": f"provider:{establishment.pk}"}).status_code == 404
    # Someone else's trainee in a module form: refused.
    other_trainee = plan.add_trainee(other_company["draft"], other_company["person"])
    assert logged_in.post(module_url, {"trainees": [other_trainee.pk]}).status_code == 400
    assert not module.trainees.exists()


def test_another_company_draft_and_its_parts_answer_404(logged_in, other_company):
    other = other_company["draft"]
    trainee = plan.add_trainee(other, other_company["person"])
    module = plan.add_module(other)
    for address in [
        url(other, "formation"),
        url(other, "modules"),
        reverse("egestion:plan_trainee", args=[other.public_id, trainee.pk]),
        reverse("egestion:plan_module", args=[other.public_id, module.pk]),
        reverse("egestion:plan_module_delete", args=[other.public_id, module.pk]),
        reverse("egestion:request_pdf", args=[other.public_id]),
    ]:
        assert logged_in.get(address).status_code == 404, address


def test_a_module_of_another_draft_answers_404(logged_in, draft, other_company):
    module = plan.add_module(other_company["draft"])
    assert logged_in.get(reverse("egestion:plan_module", args=[draft.public_id, module.pk])).status_code == 404


def test_the_estimate_is_shown_from_the_configured_rule(logged_in, user, establishment):
    draft = complete_plan(user, establishment, modules=2, trainees=3)
    year = plan.training_dates(draft.data)["start"].year
    assert f"Aucune règle de financement n'est configurée pour {year}" in text(logged_in.get(url(draft, "modules")))
    rule(year, hourly_ceiling=Decimal("20"), annex_hourly_ceiling=Decimal("2"))
    page = text(logged_in.get(url(draft, "modules")))
    assert "2\xa0772,00 €" in page and "548,00 €" in page
    assert "Reste à charge de l'entreprise" in page


def test_documents_and_transmission_to_a_plan_dossier(logged_in, user, establishment):
    draft = complete_plan(user, establishment, modules=2, trainees=3)
    page = text(logged_in.get(url(draft, "transmettre")))
    assert "Pièce obligatoire manquante : Devis." in page
    response = logged_in.post(url(draft, "documents"), {"action": "upload", "document_quote": pdf_upload("devis.pdf")})
    assert response.status_code == 302
    # The same upload checks as the CERFA: a file that is not a PDF or an image is refused.
    refused = logged_in.post(
        url(draft, "documents"),
        {"action": "upload", "document_programme": pdf_upload("programme.pdf").__class__("p.pdf", b"MZ\x90\x00")},
    )
    assert refused.status_code == 400
    logged_in.post(url(draft, "documents"), {"action": "upload", "document_programme": pdf_upload("programme.pdf")})
    assert "Votre demande est complète" in text(logged_in.get(url(draft, "transmettre")))
    response = logged_in.post(url(draft, "transmettre"), {"action": "transmit"})
    assert response.url == reverse("egestion:request_submitted", args=[draft.public_id])
    dossier = Dossier.objects.get(funding_request=draft)
    assert dossier.scheme == Scheme.PLAN and dossier.enrolments.count() == 3
    page = text(logged_in.get(response.url))
    assert dossier.number in page and "Stagiaires" in page
    assert dossier.number in text(logged_in.get("/egestion/dossiers/"))
    pdf = logged_in.get(reverse("egestion:request_submitted_pdf", args=[draft.public_id]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    # The steps of a transmitted request lead to its confirmation.
    assert logged_in.get(url(draft, "modules")).url == response.url


def test_the_draft_pdf_is_the_summary(logged_in, user, establishment):
    draft = complete_plan(user, establishment, modules=1, trainees=1)
    response = logged_in.get(reverse("egestion:request_pdf", args=[draft.public_id]))
    assert response["Content-Type"] == "application/pdf"
    assert "demande-prise-en-charge-plan-brouillon.pdf" in response["Content-Disposition"]


def test_a_plan_draft_has_no_cerfa_steps(logged_in, draft):
    assert logged_in.get(f"/egestion/demandes/{draft.public_id}/employeur/").status_code == 404


@pytest.mark.parametrize("step", ["formation", "stagiaires", "modules", "documents", "transmettre"])
def test_constant_queries_as_modules_and_trainees_grow(logged_in, user, establishment, step):
    small = complete_plan(user, establishment, modules=1, trainees=1)
    large = complete_plan(user, establishment, modules=6, trainees=9)
    rule(plan.training_dates(small.data)["start"].year)
    logged_in.get(url(small, step))  # warm the session and caches

    assert_constant_queries(page_of(logged_in, url(small, step)), page_of(logged_in, url(large, step)))


def test_constant_queries_on_a_module_page(logged_in, user, establishment):
    small = complete_plan(user, establishment, modules=1, trainees=1)
    large = complete_plan(user, establishment, modules=6, trainees=9)

    def module_url(draft):
        return reverse("egestion:plan_module", args=[draft.public_id, draft.plan_modules.first().pk])

    small_url, large_url = module_url(small), module_url(large)
    logged_in.get(small_url)
    assert_constant_queries(page_of(logged_in, small_url), page_of(logged_in, large_url))


def test_dates_beyond_the_training_are_reported_on_the_module(logged_in, user, establishment):
    draft = complete_plan(user, establishment, modules=1, trainees=1)
    module = draft.plan_modules.get()
    module.end_date = plan.training_dates(draft.data)["end"] + timedelta(days=1)
    module.save()
    page = text(logged_in.get(reverse("egestion:plan_module", args=[draft.public_id, module.pk])))
    assert "Date de fin : le module finit après la formation" in page


def test_the_module_estimate_follows_the_form_without_saving(logged_in, user, establishment):
    draft = complete_plan(user, establishment, modules=1, trainees=2)
    rule(plan.training_dates(draft.data)["start"].year, hourly_ceiling=Decimal("10"), annex_hourly_ceiling=Decimal("0"))
    module = draft.plan_modules.get()
    address = reverse("egestion:plan_module_estimate", args=[draft.public_id, module.pk])
    trainees = list(module.trainees.values_list("pk", flat=True))
    form = {"hours": "30", "teaching_cost": "5000", "trainees": trainees[:1]}
    page = text(logged_in.post(address, form, HTTP_HX_REQUEST="true"))
    assert "300,00 €" in page  # 10 €/h × 30 h × 1 trainee
    module.refresh_from_db()
    assert module.hours == Decimal("21") and module.trainees.count() == 2  # nothing saved
    # Another draft's module: 404.
    other = complete_plan(user, establishment, modules=1, trainees=1)
    wrong = reverse("egestion:plan_module_estimate", args=[draft.public_id, other.plan_modules.get().pk])
    assert logged_in.post(wrong, form).status_code == 404


def test_look_ups_without_javascript_and_as_htmx_partials(logged_in, draft, company):
    PersonFactory(organisation=company, last_name="Bernard", first_name="Luc")
    ProviderEstablishmentFactory(name="AFORBAT RENNES")
    # Without JavaScript: the search button of the step's form.
    response = logged_in.post(url(draft, "stagiaires"), {"action": "search:stagiaire", "q_stagiaire": "bern"})
    assert "BERNARD Luc" in text(logged_in.get(response.url))
    # With htmx: the results partial only.
    partial = logged_in.get(
        reverse("egestion:plan_lookup", args=[draft.public_id, "organisme"]) + "?q_organisme=aforbat",
        HTTP_HX_REQUEST="true",
    )
    assert "AFORBAT RENNES" in text(partial) and "<html" not in text(partial)
    partial = logged_in.get(
        reverse("egestion:plan_lookup", args=[draft.public_id, "stagiaire"]) + "?q_stagiaire=luc",
        HTTP_HX_REQUEST="true",
    )
    assert "BERNARD Luc" in text(partial)


def test_a_plan_draft_is_deleted_after_confirmation_with_its_modules(logged_in, user, establishment):
    draft = complete_plan(user, establishment, modules=2, trainees=2)
    persons = list(draft.plan_trainees.values_list("person_id", flat=True))
    address = reverse("egestion:request_delete", args=[draft.public_id])
    assert "Habilitation électrique et travail en hauteur" in text(logged_in.get(address))
    assert logged_in.post(address).status_code == 302
    assert not FundingRequest.objects.filter(pk=draft.pk).exists()
    assert not PlanModule.objects.exists() and not PlanTrainee.objects.exists()
    assert Person.objects.filter(pk__in=persons).count() == 2  # the company's persons stay


def test_transmettre_with_problems_is_refused_and_a_second_click_leads_to_the_dossier(logged_in, user, establishment):
    draft = complete_plan(user, establishment, modules=1, trainees=1)
    refused = logged_in.post(url(draft, "transmettre"), {"action": "transmit"})
    assert refused.status_code == 400
    assert refused["Content-Type"].startswith("text/html")
    assert "Pièce obligatoire manquante : Devis." in text(refused)
    assert FundingRequest.objects.get(pk=draft.pk).is_draft
    for name, kind in (("devis.pdf", "quote"), ("programme.pdf", "programme")):
        logged_in.post(url(draft, "documents"), {"action": "upload", f"document_{kind}": pdf_upload(name)})
    first = logged_in.post(url(draft, "transmettre"), {"action": "transmit"})
    second = logged_in.post(url(draft, "transmettre"), {"action": "transmit"})
    assert first.url == second.url == reverse("egestion:request_submitted", args=[draft.public_id])
    assert Dossier.objects.filter(funding_request=draft).count() == 1


def test_the_training_place_shows_it_is_required(logged_in, draft):
    """Issue 17: "Lieu de la formation" is needed to transmit (except a distance course): its label says so, as the
    other required fields' do."""
    html = logged_in.get(url(draft, "formation")).content.decode()
    label = html.split('for="id_plan_lieu"', 1)[1].split("</label>", 1)[0]
    assert "(obligatoire)" in label and "wizard-required" in label
    assert "facultatif pour une formation à distance" in html
