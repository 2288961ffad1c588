"""The CERFA FA13 wizard in Chromium, from an empty form to a transmitted dossier.

Filling the ~150 fields by hand would make a very long test: at least one field of every step goes through the
interface (with the look-ups, the "+" person form, the conditional block of a minor, an error summary that is
corrected, the uploads and the transmission), and the rest of a valid CERFA is preloaded with
funding.services.save_draft before the page that shows it is (re)loaded (the test shares the live server's
database).
"""

import re
import subprocess

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.models import Role
from dossiers.cerfa import FIELDS
from funding import services
from funding.apprenticeship import REMUNERATION_FIELDS
from funding.models import FundingRequest, RequestStatus
from tests.browser.helpers import log_in
from tests.egestion.requests.utils import SAMPLE_CFA_UAI, apprentice_of, valid_data
from tests.factories import (
    CompanyFactory,
    EstablishmentFactory,
    MembershipFactory,
    PersonFactory,
    UserFactory,
    minimal_pdf,
)

pytest.importorskip("funding.transmission")
pytest.importorskip("funding.pdf")

# What the test types or chooses in the browser; everything else of a valid CERFA is preloaded.
THROUGH_THE_UI = {
    "mode_contractuel",
    "employeur_code_naf",
    "employeur_telephone",  # the contact person's, by the look-up
    "employeur_courriel",
    # the apprentice: the look-up fills these
    "apprenti_nom_naissance",
    "apprenti_prenom",
    "apprenti_date_naissance",
    "apprenti_sexe",
    "apprenti_nir",
    "apprenti_courriel",
    "apprenti_telephone",
    "apprenti_adresse_numero",
    "apprenti_adresse_voie",
    "apprenti_adresse_code_postal",
    "apprenti_adresse_commune",
    "apprenti_mineur_non_emancipe",
    "representant_legal_nom_naissance",
    "representant_legal_prenom",
    "representant_legal_courriel",
    "representant_legal_meme_adresse",
    # maître n°1: created with "+"
    "maitre1_nom_naissance",
    "maitre1_prenom",
    "maitre1_date_naissance",
    "maitre1_courriel",
    "maitre1_emploi_occupe",
    "maitre1_diplome_intitule",
    "maitre1_niveau_diplome",
    "employeur_atteste_eligibilite_maitre",
    "contrat_duree_hebdo_heures",
    *REMUNERATION_FIELDS,  # proposed at the legal minimum
    # the CFA and the diploma, by the look-ups
    "cfa_denomination",
    "cfa_uai",
    "cfa_siret",
    "cfa_adresse_numero",
    "cfa_adresse_voie",
    "cfa_adresse_complement",
    "cfa_adresse_code_postal",
    "cfa_adresse_commune",
    "formation_code_diplome",
    "formation_diplome_vise_code",
    "formation_code_rncp",
    "formation_intitule_precis",
    "signature_fait_a",
    "employeur_atteste_pieces_justificatives",
}


@pytest.fixture
def company_user():
    call_command("load_referentials", "--sample", verbosity=0)
    company = CompanyFactory(name="MACONNERIE DURAND")
    establishment = EstablishmentFactory(
        organisation=company,
        name="MACONNERIE DURAND",
        address_line1="12 bis rue des Tanneurs",
        postal_code="35000",
        city="RENNES",
    )
    user = UserFactory(email="claire.durand@maconnerie-durand.fr", first_name="Claire", last_name="Durand")
    MembershipFactory(user=user, establishment=establishment, role=Role.COMPANY_MANAGER)
    PersonFactory(
        organisation=company,
        civility="mme",
        last_name="Durand",
        first_name="Claire",
        phone="02 99 12 34 56",
        email="claire.durand@maconnerie-durand.fr",
    )
    apprentice_of(company)
    return user


def preload(draft):
    """The rest of a valid CERFA, as if typed earlier (fields of the step on screen are reloaded after)."""
    data = valid_data(draft.employer_establishment)
    rest = {key: value for key, value in data.items() if key not in THROUGH_THE_UI and key in FIELDS}
    services.save_draft(draft, rest)


def click_next(page):
    page.get_by_role("button", name="Suivant", exact=True).click()


def test_from_an_empty_form_to_a_transmitted_dossier(page, company_user, tmp_path):
    log_in(page, company_user.email)
    expect(page).to_have_url(re.compile(r"/egestion/$"))

    # Faire une demande de prise en charge → + → Contrat d'apprentissage → the establishment → Suivant.
    page.get_by_role("link", name="Faire une demande de prise en charge").click()
    expect(page.get_by_role("heading", name="Faire une demande de prise en charge")).to_be_visible()
    page.get_by_role("link", name="Nouvelle demande").click()
    page.get_by_role("link", name="Contrat d'apprentissage").click()
    expect(page.get_by_label(re.compile("MACONNERIE DURAND"))).to_be_checked()  # the only establishment
    click_next(page)
    expect(page.get_by_role("heading", name=re.compile("Étape 1 sur 8"))).to_be_visible()
    draft = FundingRequest.objects.get()
    preload(draft)
    page.reload()

    # 1. Employeur: registry fields read-only, the mode, the NAF code, the contact person by look-up.
    expect(page.locator("#employeur_siret")).to_have_attribute("readonly", "")
    expect(page.locator("#employeur_siret")).to_have_value(draft.employer_establishment.siret)
    page.get_by_label("1 – À durée limitée").check()
    page.get_by_label("Code activité de l'entreprise (NAF)").fill("43.99C")
    page.get_by_label("Rechercher la personne à contacter par son nom").fill("durand")
    page.get_by_role("button", name=re.compile("DURAND Claire")).click()
    expect(page.get_by_text("Personne sélectionnée")).to_be_visible()
    expect(page.locator("#employeur_telephone")).to_have_value("+33299123456")
    expect(page.locator("#employeur_code_naf")).to_have_value("43.99C")  # saved before the choice
    click_next(page)

    # 2. Apprenti(e): the look-up, the minor's block shown by the server's rule, an error summary corrected.
    expect(page.get_by_role("heading", name=re.compile("Étape 2 sur 8"))).to_be_visible()
    page.get_by_label("Rechercher l'apprenti(e) par son nom").fill("mart")
    page.get_by_role("button", name=re.compile("MARTIN Lucas")).click()
    expect(page.locator("#apprenti_nom_naissance")).to_have_value("Martin")
    expect(page.locator("#apprenti_date_naissance")).to_have_value("2008-03-15")
    representative = page.locator("#groupe-representant")
    expect(page.locator("#groupe-mineur")).to_be_visible()  # 17 at the conclusion date
    expect(representative).to_be_hidden()
    page.locator("#groupe-mineur").get_by_label("Oui").check()
    expect(representative).to_be_visible()  # autosave: the server says the block applies
    page.get_by_label("Nom de naissance du représentant légal").fill("Martin")
    page.get_by_label("Prénom du représentant légal").fill("Sophie")
    page.get_by_label("Courriel du représentant légal").fill("sophie.martin@example.fr")
    representative.get_by_label("Oui").check()
    page.get_by_label("Courriel de l'apprenti(e)").fill("lucas.martin@")
    page.get_by_role("button", name="Sauvegarder", exact=True).click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("1 champ est à corriger")
    summary.get_by_role("link", name=re.compile("Courriel de l'apprenti")).click()
    expect(page.locator("#apprenti_courriel")).to_be_focused()
    expect(page.locator("#apprenti_courriel-error")).to_contain_text("adresse électronique valide")
    page.locator("#apprenti_courriel").fill("lucas.martin@example.fr")
    page.get_by_role("button", name="Sauvegarder", exact=True).click()
    expect(page.get_by_text("Brouillon enregistré.")).to_be_visible()
    expect(page.locator("#error-summary")).to_have_count(0)
    click_next(page)

    # 3. Maître(s): n°1 created with "+", then completed; the attestation box.
    expect(page.get_by_role("heading", name=re.compile("Étape 3 sur 8"))).to_be_visible()
    page.locator("#lookup-maitre1").get_by_role("button", name="Créer une personne").click()
    page.get_by_label("Civilité").select_option("m")
    page.get_by_label("Nom", exact=True).fill("Durand")
    page.get_by_label("Prénom").fill("Pierre")
    page.get_by_label("Date de naissance").fill("1975-06-02")
    page.get_by_label("Courriel").fill("pierre.durand@durand-maconnerie.fr")
    page.get_by_label("Emploi occupé").fill("Chef de chantier maçonnerie")
    page.get_by_role("button", name="Créer et sélectionner").click()
    expect(page.locator("#maitre1_nom_naissance")).to_have_value("Durand")
    page.locator("#maitre1_diplome_intitule").fill("Brevet professionnel Maçon")
    page.locator("#maitre1_niveau_diplome").select_option("4")
    page.get_by_label(re.compile("L'employeur atteste sur l'honneur|répond à l'ensemble des critères")).check()
    click_next(page)
    expect(page.get_by_role("heading", name=re.compile("Étape 4 sur 8"))).to_be_visible()

    # Log out and in: the draft is resumed where it was left.
    page.get_by_role("button", name="Se déconnecter").click()
    log_in(page, company_user.email)
    page.get_by_role("link", name="Faire une demande de prise en charge").click()
    page.get_by_role("link", name=re.compile("BROUILLONS")).click()
    expect(page.get_by_role("cell", name="MARTIN Lucas", exact=True)).to_be_visible()
    page.get_by_role("link", name=re.compile("^Reprendre")).click()
    expect(page.get_by_role("heading", name=re.compile("Étape 4 sur 8 : Contrat"))).to_be_visible()

    # 4. Contrat: the weekly hours; the remuneration rows proposed at the legal minimum.
    page.get_by_label("Durée hebdomadaire du travail : heures").fill("35")
    # The BTP branch minimum (the preloaded IDCC is a building-trades agreement), above the legal 27 %.
    expect(page.locator("#remuneration_1_1_taux")).to_have_value("40")
    expect(page.locator("#remuneration_1_2_du")).to_have_value("2026-04-01")
    click_next(page)

    # 5. Formation: the CFA by UAI (its fields then read-only), the diploma by code.
    expect(page.get_by_role("heading", name=re.compile("Étape 5 sur 8"))).to_be_visible()
    page.get_by_label("Rechercher le CFA par UAI ou par nom").fill(SAMPLE_CFA_UAI)
    page.get_by_role("button", name=re.compile("BTP CFA HAUTE-GARONNE")).click()
    expect(page.locator("#cfa_uai")).to_have_value(SAMPLE_CFA_UAI)
    expect(page.locator("#cfa_denomination")).to_have_attribute("readonly", "")
    page.get_by_label("Rechercher le code diplôme").fill("500232")
    expect(page.get_by_role("button", name=re.compile("Certification non trouvée"))).to_be_visible()
    page.locator("#results-diplome").get_by_role("button", name=re.compile("Code 50023211")).click()
    expect(page.locator("#formation_code_diplome")).to_have_value("50023211")
    expect(page.locator("#formation_code_rncp")).to_have_value("RNCP37651")
    click_next(page)

    # 6. Valider: "Fait à"; "Fait le" is the conclusion date, not editable.
    expect(page.locator("#signature_fait_le")).to_have_value("2025-08-25")
    expect(page.locator("#signature_fait_le")).to_have_attribute("readonly", "")
    page.get_by_label("Fait à").fill("Rennes")
    page.get_by_label(re.compile("pièces justificatives")).check()
    click_next(page)

    # 7. Documents: the filled CERFA to sign, then the signed documents.
    expect(page.get_by_role("heading", name=re.compile("Étape 7 sur 8"))).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger le CERFA rempli (PDF)").click()
    pdf_path = tmp_path / "cerfa.pdf"
    download_info.value.save_as(pdf_path)
    pdf_text = subprocess.run(["pdftotext", "-layout", str(pdf_path), "-"], capture_output=True, text=True, check=True)
    assert "MARTIN" in pdf_text.stdout.upper()
    assert SAMPLE_CFA_UAI in pdf_text.stdout
    assert "Rennes" in pdf_text.stdout

    signed_cerfa = tmp_path / "cerfa-signe.pdf"
    signed_cerfa.write_bytes(minimal_pdf("CERFA signe"))
    agreement = tmp_path / "convention-signee.pdf"
    agreement.write_bytes(minimal_pdf("Convention de formation signee"))
    page.locator("#document_cerfa").set_input_files(signed_cerfa)
    page.locator("#document_training_agreement").set_input_files(agreement)
    page.get_by_role("button", name="Charger le document : CERFA signé").click()
    expect(page.get_by_role("link", name="cerfa-signe.pdf")).to_be_visible()
    expect(page.get_by_role("link", name="convention-signee.pdf")).to_be_visible()
    click_next(page)

    # 8. Transmettre.
    expect(page.get_by_text("Votre demande est complète.")).to_be_visible()
    page.get_by_role("button", name="Transmettre", exact=True).click()
    expect(page.get_by_role("heading", name="Votre demande a été transmise à Constructys")).to_be_visible()
    draft.refresh_from_db()
    assert draft.status == RequestStatus.SUBMITTED
    expect(page.get_by_text(draft.dossier.number)).to_be_visible()
    expect(page.get_by_text(draft.dossier.request_number)).to_be_visible()
