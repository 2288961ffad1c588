"""Faire une demande de prise en charge: the tabs (transmitted requests, drafts), "+" → the type → the employer
establishment → "Suivant" creates the draft, and deleting a draft after a confirmation."""

from django.utils import timezone

from accounts.models import Role
from funding import services
from funding.models import FundingRequest, RequestStatus
from tests.factories import DossierFactory, EstablishmentFactory, MembershipFactory

from .utils import step_url, text

LIST_URL = "/egestion/demandes/"


def test_the_drafts_tab_lists_the_drafts_of_the_user_establishments(logged_in, draft, other_company):
    services.save_draft(draft, {"apprenti_nom_naissance": "Martin", "apprenti_prenom": "Lucas"})
    response = logged_in.get(LIST_URL + "?onglet=brouillons")
    assert response.status_code == 200
    page = text(response)
    assert "BROUILLONS" in page and "DEMANDES TRANSMISES" in page
    assert "Contrat d'apprentissage" in page
    assert "MACONNERIE DURAND" in page
    assert "MARTIN Lucas" in page
    assert f"/egestion/demandes/{draft.public_id}/" in page  # Reprendre
    assert f"/egestion/demandes/{draft.public_id}/supprimer/" in page
    assert str(other_company["draft"].public_id) not in page
    assert 'aria-current="page"' in page


def test_the_transmitted_tab_lists_the_requests_with_their_numbers(logged_in, draft, establishment):
    dossier = DossierFactory(employer_establishment=establishment, number="AP-2026-000123", request_number="D000123")
    FundingRequest.objects.filter(pk=draft.pk).update(
        status=RequestStatus.SUBMITTED, dossier=dossier, submitted_at=timezone.now()
    )
    page = text(logged_in.get(LIST_URL + "?onglet=transmises"))
    assert "AP-2026-000123" in page and "D000123" in page
    assert "Aucun brouillon" in text(logged_in.get(LIST_URL + "?onglet=brouillons"))


def test_the_list_is_empty_at_first(logged_in):
    page = text(logged_in.get(LIST_URL))
    assert "Aucun brouillon" in page
    assert "/egestion/demandes/nouvelle/" in page


def test_plus_offers_the_apprenticeship_contract_and_the_plan(logged_in):
    page = text(logged_in.get("/egestion/demandes/nouvelle/"))
    assert "Contrat d'apprentissage" in page
    assert "/egestion/demandes/nouvelle/contrat-apprentissage/" in page
    assert "Plan de développement des compétences" in page and "/egestion/demandes/nouvelle/plan/" in page


def test_only_the_user_establishments_are_offered(logged_in, company, establishment, user, other_company):
    second = EstablishmentFactory(organisation=company, name="MACONNERIE DURAND AGENCE")
    MembershipFactory(user=user, establishment=second, role=Role.COMPANY_MANAGER)
    EstablishmentFactory(organisation=company, name="MACONNERIE DURAND SANS ACCES")
    page = text(logged_in.get("/egestion/demandes/nouvelle/contrat-apprentissage/"))
    assert establishment.siret in page and second.siret in page
    assert "SANS ACCES" not in page
    assert other_company["establishment"].siret not in page


def test_suivant_creates_a_prefilled_draft_and_opens_the_first_step(logged_in, establishment, user):
    response = logged_in.post("/egestion/demandes/nouvelle/contrat-apprentissage/", {"etablissement": establishment.pk})
    draft = FundingRequest.objects.get()
    assert response.status_code == 302
    assert response.url == step_url(draft, "employeur")
    assert draft.is_draft and draft.kind == "apprenticeship"
    assert draft.created_by == user
    assert draft.employer_establishment == establishment
    assert draft.data["employeur_siret"] == establishment.siret
    assert draft.data["employeur_denomination"] == "MACONNERIE DURAND"
    assert draft.data["employeur_adresse_commune"] == "RENNES"
    assert draft.data["employeur_prive_public"] == "prive"


def test_suivant_without_an_establishment_says_so(logged_in, company, establishment, user):
    MembershipFactory(user=user, establishment=EstablishmentFactory(organisation=company), role=Role.COMPANY_MANAGER)
    response = logged_in.post("/egestion/demandes/nouvelle/contrat-apprentissage/", {})
    assert response.status_code == 400
    assert "Sélectionnez l'établissement" in text(response)
    assert not FundingRequest.objects.exists()


def test_another_company_establishment_is_refused(logged_in, other_company):
    response = logged_in.post(
        "/egestion/demandes/nouvelle/contrat-apprentissage/", {"etablissement": other_company["establishment"].pk}
    )
    assert response.status_code == 404
    assert not FundingRequest.objects.filter(created_by__email="claire.durand@maconnerie-durand.fr").exists()


def test_deleting_a_draft_asks_for_a_confirmation(logged_in, draft):
    url = f"/egestion/demandes/{draft.public_id}/supprimer/"
    page = text(logged_in.get(url))
    assert "Supprimer ce brouillon" in page
    assert FundingRequest.objects.filter(pk=draft.pk).exists()
    response = logged_in.post(url)
    assert response.status_code == 302
    assert response.url == LIST_URL + "?onglet=brouillons"
    assert not FundingRequest.objects.filter(pk=draft.pk).exists()
    assert "Le brouillon a été supprimé." in text(logged_in.get(response.url))
