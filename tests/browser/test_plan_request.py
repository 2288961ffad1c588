"""The skills-plan funding request in Chromium: a company user files a two-module request with three trainees,
sees the estimate, saves a draft, resumes it, uploads the documents, transmits, and finds the dossier in "Suivre
les dossiers de formation"."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Role
from dossiers.models import Scheme
from funding.models import CompanySize, FundingRequest, RequestStatus
from tests.browser.helpers import log_in
from tests.egestion.requests.plan.utils import rule
from tests.factories import (
    CompanyFactory,
    EstablishmentFactory,
    MembershipFactory,
    PersonFactory,
    ProviderEstablishmentFactory,
    UserFactory,
    minimal_pdf,
)

START = timezone.localdate() + timedelta(days=30)
END = START + timedelta(days=45)


@pytest.fixture
def company_user():
    company = CompanyFactory(name="BATI OUEST")
    establishment = EstablishmentFactory(organisation=company, name="BATI OUEST RENNES")
    user = UserFactory(email="paul.lemoine@bati-ouest.fr", first_name="Paul", last_name="Lemoine")
    MembershipFactory(user=user, establishment=establishment, role=Role.COMPANY_MANAGER)
    PersonFactory(organisation=company, civility="m", last_name="Dupont", first_name="Marc", job_title="Maçon")
    PersonFactory(
        organisation=company, civility="mme", last_name="Moreau", first_name="Julie", job_title="Électricienne"
    )
    ProviderEstablishmentFactory(name="AFORBAT RENNES", nda="53351234535")
    rule(START.year, size=CompanySize.FROM_11_TO_49, hourly_ceiling=Decimal("25"), annex_hourly_ceiling=Decimal("5"))
    return user


def click(page, name):
    page.get_by_role("button", name=name, exact=True).click()


def choose_person(page, terms, name):
    page.get_by_label("Rechercher une personne de votre entreprise par son nom").fill(terms)
    page.get_by_role("button", name=re.compile(name)).click()
    expect(page.get_by_text(re.compile(f"{name} est ajouté"))).to_be_visible()


def set_category(page, name, category):
    page.get_by_role("link", name=f"Modifier {name}").click()
    page.get_by_label("Catégorie").select_option(label=category)
    click(page, "Enregistrer")
    expect(page.get_by_text(re.compile("sont enregistrées"))).to_be_visible()


def fill_module(page, title, hours, teaching, meals, trainees):
    page.get_by_label("Intitulé du module").fill(title)
    page.get_by_label("Durée (heures)").fill(hours)
    page.get_by_label("Coût pédagogique HT (€)").fill(teaching)
    page.get_by_label("Frais de repas (€)").fill(meals)
    for name in trainees:
        page.locator("#groupe-stagiaires").get_by_label(name).check()


def test_a_two_module_request_with_three_trainees_is_transmitted(page, company_user, tmp_path):
    log_in(page, company_user.email)
    page.get_by_role("link", name="Faire une demande de prise en charge").click()
    page.get_by_role("link", name="Nouvelle demande").click()
    page.get_by_role("link", name="Plan de développement des compétences").click()
    expect(page.get_by_label(re.compile("BATI OUEST RENNES"))).to_be_checked()
    click(page, "Suivant")

    # 1. The training.
    expect(page.get_by_role("heading", name=re.compile("Étape 1 sur 5 : La formation"))).to_be_visible()
    page.get_by_label("Effectif de l'entreprise").select_option(label="De 11 à 49 salariés")
    page.get_by_label("Intitulé de la formation").fill("Sécurité sur les chantiers")
    page.get_by_label("Objectif de la formation").fill("Travailler en hauteur et près des réseaux en sécurité.")
    page.get_by_label("Type d'action").select_option(label="Action de formation")
    page.get_by_label("Modalité").select_option(label="Mixte")
    page.get_by_label("Date de début de la formation").fill(START.isoformat())
    page.get_by_label("Date de fin de la formation").fill(END.isoformat())
    page.get_by_label("Durée totale (heures)").fill("21")
    page.get_by_label("Lieu de la formation").fill("Rennes")
    click(page, "Suivant")

    # 2. Three trainees: two of the company, one created (NIR checked against sex and birth date).
    expect(page.get_by_role("heading", name=re.compile("Étape 2 sur 5 : Les stagiaires"))).to_be_visible()
    choose_person(page, "dup", "DUPONT Marc")
    choose_person(page, "mor", "MOREAU Julie")
    page.get_by_role("button", name="Créer une personne").click()
    page.get_by_label("Civilité").select_option("m")
    page.locator("#id_last_name").fill("Leroy")
    page.get_by_label("Prénom").fill("Hugo")
    page.get_by_label("NIR").fill("2 95 07 35 238 117")
    page.get_by_label("Date de naissance").fill("1995-07-14")
    page.get_by_label("Adresse (n° et voie)").fill("8 rue de Brest")
    page.get_by_label("Code postal").fill("35000")
    page.get_by_label("Commune").fill("Rennes")
    page.get_by_label("Emploi occupé").fill("Plaquiste")
    page.get_by_label("Catégorie").select_option(label="Ouvrier")
    click(page, "Créer le stagiaire")
    # The NIR says "woman": the check is shown on the trainee's row; corrected.
    row = page.locator("tr", has_text="LEROY Hugo")
    expect(row).to_contain_text("Le NIR commence par 2")
    row.get_by_role("link", name="Modifier LEROY Hugo").click()
    page.get_by_label("NIR").fill("1950735238117")
    click(page, "Enregistrer")
    expect(page.locator("tr", has_text="LEROY Hugo")).not_to_contain_text("Le NIR")
    set_category(page, "DUPONT Marc", "Ouvrier")
    set_category(page, "MOREAU Julie", "ETAM (employé, technicien, agent de maîtrise)")
    click(page, "Suivant")

    # 3. Two modules: a provider of the registry, an unknown one by SIRET; the estimate.
    expect(page.get_by_role("heading", name=re.compile("Étape 3 sur 5 : Les modules"))).to_be_visible()
    page.get_by_role("button", name="Ajouter un module").click()
    page.get_by_label("Rechercher l'organisme de formation par SIRET, NDA ou nom").fill("53351234535")
    page.get_by_role("button", name=re.compile("AFORBAT RENNES")).click()
    expect(page.get_by_text("Sélection : AFORBAT RENNES")).to_be_visible()
    fill_module(page, "Travail en hauteur", "14", "1200", "90", ["DUPONT Marc", "MOREAU Julie", "LEROY Hugo"])
    # The module's estimate follows the form as it is filled (htmx), before it is saved.
    expect(page.locator("[data-estimate=module-funded]")).to_have_text("1\u00a0140,00 €")
    click(page, "Enregistrer le module")
    expect(page.get_by_text("Le module est enregistré.")).to_be_visible()

    page.get_by_role("button", name="Ajouter un module").click()
    page.get_by_label("SIRET de l'organisme").fill("732 829 320 00074")
    page.get_by_label("Raison sociale de l'organisme").fill("FORM'PRO OUEST")
    fill_module(page, "Habilitation électrique", "7", "400", "0", ["DUPONT Marc", "LEROY Hugo"])
    click(page, "Enregistrer cet organisme")
    expect(page.get_by_text(re.compile("n'est pas dans le référentiel"))).to_be_visible()
    expect(page.locator("#id_hours")).to_have_value("7.00")  # the form was saved with the provider
    click(page, "Enregistrer le module")

    estimate = page.locator("#estimation")
    # 1050 + 90 (ceiling 25 €/h × 14 h × 3) and 350 (25 × 7 × 2): 1 490 € of 1 690 €, 200 € left to the company.
    expect(estimate.locator("[data-estimate=funded]")).to_have_text("1\u00a0490,00 €")
    expect(estimate.locator("[data-estimate=company]")).to_have_text("200,00 €")
    expect(page.get_by_text("Non référencé")).to_be_visible()
    click(page, "Sauvegarder")
    expect(page.get_by_text("Brouillon enregistré.")).to_be_visible()

    # The draft, resumed from the BROUILLONS tab.
    page.get_by_role("link", name="Faire une demande de prise en charge").click()
    page.get_by_role("link", name=re.compile("BROUILLONS")).click()
    expect(page.get_by_role("cell", name="Sécurité sur les chantiers", exact=True)).to_be_visible()
    page.get_by_role("link", name=re.compile("^Reprendre")).click()
    expect(page.get_by_role("heading", name=re.compile("Étape 3 sur 5 : Les modules"))).to_be_visible()
    click(page, "Suivant")

    # 4. Documents: quote, programme, agreement (the same checked upload as the CERFA).
    expect(page.get_by_role("heading", name=re.compile("Étape 4 sur 5 : Documents"))).to_be_visible()
    files = {}
    for kind, name in (
        ("quote", "devis.pdf"),
        ("programme", "programme.pdf"),
        ("training_agreement", "convention.pdf"),
    ):
        files[kind] = tmp_path / name
        files[kind].write_bytes(minimal_pdf(name))
        page.locator(f"#document_{kind}").set_input_files(files[kind])
    page.get_by_role("button", name="Charger le document : Devis").click()
    for name in ("devis.pdf", "programme.pdf", "convention.pdf"):
        expect(page.get_by_role("link", name=name)).to_be_visible()
    click(page, "Suivant")

    # 5. Validation and transmission.
    expect(page.get_by_text("Votre demande est complète.")).to_be_visible()
    click(page, "Transmettre")
    expect(page.get_by_role("heading", name="Votre demande a été transmise à Constructys")).to_be_visible()
    funding_request = FundingRequest.objects.get()
    assert funding_request.status == RequestStatus.SUBMITTED
    dossier = funding_request.dossier
    assert dossier.scheme == Scheme.PLAN
    assert sorted(str(e.person) for e in dossier.enrolments.all()) == ["DUPONT Marc", "LEROY Hugo", "MOREAU Julie"]
    expect(page.get_by_text(dossier.number)).to_be_visible()

    page.get_by_role("link", name="Suivre les dossiers de formation").click()
    expect(page.get_by_role("link", name=dossier.number)).to_be_visible()
