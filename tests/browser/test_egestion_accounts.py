"""eGestion accounts in headless Chromium: sign-up, the manager, a sign-up waiting for the manager, an invitation,
the password rules, and a deactivated user. The live server sends its emails to django.core.mail.outbox."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.models import Role
from tests.browser.helpers import log_in
from tests.egestion.utils import GOOD_PASSWORD, invitation_link_in, link_in
from tests.factories import CompanyFactory, EstablishmentFactory, MembershipFactory, UserFactory

FACTORY_PASSWORD = "Motdepasse-123!"


@pytest.fixture
def company():
    organisation = CompanyFactory(name="BATIR ENSEMBLE", member_number="123456", contact_email="contact@batir.fr")
    EstablishmentFactory(organisation=organisation, name="BATIR ENSEMBLE", city="LYON", postal_code="69003")
    EstablishmentFactory(organisation=organisation, name="BATIR ENSEMBLE AGENCE", city="ANNECY", postal_code="74000")
    return organisation


def accept_terms_if_asked(page):
    """The RGPD and CGU are asked at first login once they exist: accept them if the page shows up."""
    page.wait_for_load_state()
    accept = page.get_by_role("button", name="Accepter")
    if accept.count() and accept.is_visible():
        accept.click()
        page.wait_for_load_state()


def last_link_to(address) -> str:
    [*_, message] = [m for m in mail.outbox if address in m.to and "/comptes/mot-de-passe/" in m.body]
    return link_in(message)


def sign_up(page, company, email, first_name="Claire", last_name="Durand"):
    establishment = company.establishments.order_by("name").first()
    siret = establishment.siret
    page.goto("/egestion/connexion/")
    page.get_by_role("link", name="Créer mon compte").click()
    expect(page.get_by_role("heading", name="Créer mon compte eGestion")).to_be_visible()
    page.get_by_label("SIRET de votre établissement").fill(f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}")
    page.get_by_label("Numéro d'adhérent").fill(company.member_number)
    page.get_by_label("Civilité").select_option("Madame")
    page.get_by_label("Nom", exact=True).fill(last_name)
    page.get_by_label("Prénom").fill(first_name)
    page.get_by_label("Fonction").fill("Assistante de direction")
    page.get_by_label("Adresse e-mail", exact=True).fill(email)
    page.get_by_label("Confirmez votre adresse e-mail").fill(email)
    page.get_by_label("J'ai lu et j'accepte les conditions générales d'utilisation").check()
    page.get_by_role("button", name="Envoyer").click()
    expect(page.get_by_role("heading", name="Vérifiez votre boîte e-mail")).to_be_visible()


def create_password(page, link, password=GOOD_PASSWORD):
    page.goto(link)
    page.get_by_label("Saisissez le nouveau mot de passe").fill(password)
    page.get_by_label("Confirmez le nouveau mot de passe").fill(password)
    page.get_by_role("button", name="Valider").click()


def test_company_sign_up_makes_the_first_user_the_manager(page, company):
    sign_up(page, company, "claire.durand@batir-ensemble.fr")

    create_password(page, last_link_to("claire.durand@batir-ensemble.fr"))
    expect(page.get_by_text("Votre mot de passe est enregistré")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/egestion/connexion/$"))
    log_in(page, "claire.durand@batir-ensemble.fr", password=GOOD_PASSWORD)
    accept_terms_if_asked(page)

    expect(page.get_by_role("heading", name="Bienvenue dans votre espace eGestion")).to_be_visible()
    nav = page.get_by_role("navigation", name="Menu principal")
    nav.get_by_role("link", name="Gérer les utilisateurs").click()
    expect(page.get_by_role("heading", name="Gérer les utilisateurs")).to_be_visible()
    expect(page.get_by_role("cell", name="claire.durand@batir-ensemble.fr")).to_be_visible()
    expect(page.get_by_role("cell", name="Gestionnaire du compte")).to_be_visible()
    assert any("contact@batir.fr" in m.to for m in mail.outbox)


def test_a_second_sign_up_waits_until_the_manager_grants_access(page, browser, live_server, company):
    manager = UserFactory(email="marie.petit@batir-ensemble.fr", first_name="Marie", last_name="Petit")
    for establishment in company.establishments.all():
        MembershipFactory(user=manager, establishment=establishment, role=Role.COMPANY_MANAGER)

    sign_up(page, company, "paul.martin@batir-ensemble.fr", first_name="Paul", last_name="Martin")
    create_password(page, last_link_to("paul.martin@batir-ensemble.fr"))
    log_in(page, "paul.martin@batir-ensemble.fr", password=GOOD_PASSWORD)
    accept_terms_if_asked(page)
    expect(page.get_by_text("a déjà un gestionnaire du compte")).to_be_visible()
    expect(page.get_by_text("Marie PETIT")).to_be_visible()
    expect(page.get_by_role("link", name="marie.petit@batir-ensemble.fr")).to_be_visible()

    manager_context = browser.new_context(base_url=live_server.url, locale="fr-FR")
    manager_page = manager_context.new_page()
    log_in(manager_page, manager.email, password=FACTORY_PASSWORD)
    accept_terms_if_asked(manager_page)
    manager_page.get_by_role("link", name="Gérer les utilisateurs").click()
    manager_page.get_by_role("link", name="Donner l'accès à Paul MARTIN").click()
    expect(manager_page.get_by_text("Paul MARTIN demande l'accès à eGestion")).to_be_visible()
    manager_page.get_by_label(re.compile(r"^BATIR ENSEMBLE AGENCE")).check()
    manager_page.get_by_role("button", name="Donner l'accès").click()
    expect(manager_page.get_by_text("a désormais accès à eGestion")).to_be_visible()
    manager_context.close()

    page.reload()
    accept_terms_if_asked(page)
    expect(page.get_by_role("heading", name="Bienvenue dans votre espace eGestion")).to_be_visible()
    expect(page.get_by_role("link", name="Gérer les utilisateurs")).to_have_count(0)


def test_an_invited_colleague_creates_a_password_and_logs_in(page, browser, live_server, company):
    manager = UserFactory(email="marie.petit@batir-ensemble.fr", first_name="Marie", last_name="Petit")
    for establishment in company.establishments.all():
        MembershipFactory(user=manager, establishment=establishment, role=Role.COMPANY_MANAGER)
    log_in(page, manager.email, password=FACTORY_PASSWORD)
    accept_terms_if_asked(page)
    page.get_by_role("link", name="Gérer les utilisateurs").click()
    page.get_by_role("link", name="Inviter un collègue").click()

    page.get_by_role("button", name="Envoyer l'invitation").click()  # nothing filled in
    expect(page.get_by_text("L'invitation n'a pas été envoyée")).to_be_visible()
    expect(page.get_by_label("Civilité")).to_be_focused()
    page.get_by_label("Civilité").select_option("Monsieur")
    page.get_by_label("Nom", exact=True).fill("Bernard")
    page.get_by_label("Prénom").fill("Luc")
    page.get_by_label("Adresse e-mail").fill("luc.bernard@batir-ensemble.fr")
    page.get_by_label(re.compile(r"^BATIR ENSEMBLE — 69003 LYON")).check()
    page.get_by_role("button", name="Envoyer l'invitation").click()
    expect(page.get_by_text("Une invitation a été envoyée à luc.bernard@batir-ensemble.fr")).to_be_visible()
    expect(page.get_by_text("Invitation en attente")).to_be_visible()
    page.get_by_role("button", name="Se déconnecter").click()

    [message] = [m for m in mail.outbox if "luc.bernard@batir-ensemble.fr" in m.to]
    page.goto(invitation_link_in(message))
    expect(page.get_by_text("vous invite à consulter les données de BATIR ENSEMBLE")).to_be_visible()
    page.get_by_label("Saisissez le nouveau mot de passe").fill(GOOD_PASSWORD)
    page.get_by_label("Confirmez le nouveau mot de passe").fill(GOOD_PASSWORD)
    page.get_by_role("button", name="Accepter").click()
    expect(page.get_by_text("Invitation acceptée")).to_be_visible()
    log_in(page, "luc.bernard@batir-ensemble.fr", password=GOOD_PASSWORD)
    accept_terms_if_asked(page)
    expect(page.get_by_role("heading", name="Bienvenue dans votre espace eGestion")).to_be_visible()
    expect(page.get_by_text("Luc BERNARD").first).to_be_visible()


def test_the_create_password_page_names_each_unmet_rule(page, company):
    sign_up(page, company, "claire.durand@batir-ensemble.fr")

    create_password(page, last_link_to("claire.durand@batir-ensemble.fr"), password="court")

    expect(page.get_by_text("Le mot de passe n'a pas été enregistré")).to_be_visible()
    for rule in ("au moins une majuscule", "au moins un chiffre", "au moins un caractère spécial"):
        expect(page.get_by_text(f"Le mot de passe doit contenir {rule}", exact=False)).to_be_visible()
    page.get_by_label("Saisissez le nouveau mot de passe").fill(GOOD_PASSWORD)
    page.get_by_label("Confirmez le nouveau mot de passe").fill(GOOD_PASSWORD + "x")
    page.get_by_role("button", name="Valider").click()
    expect(page.get_by_text("Les deux mots de passe ne sont pas identiques.")).to_be_visible()


def test_a_deactivated_user_is_refused_at_login(page, company):
    manager = UserFactory(email="marie.petit@batir-ensemble.fr", first_name="Marie", last_name="Petit")
    colleague = UserFactory(email="paul.martin@batir-ensemble.fr", first_name="Paul", last_name="Martin")
    establishment = company.establishments.order_by("name").first()
    MembershipFactory(user=manager, establishment=establishment, role=Role.COMPANY_MANAGER)
    MembershipFactory(user=colleague, establishment=establishment, role=Role.COMPANY_USER)

    log_in(page, manager.email, password=FACTORY_PASSWORD)
    accept_terms_if_asked(page)
    page.goto("/egestion/utilisateurs/")
    page.get_by_role("link", name="Voir le compte de Paul MARTIN").click()
    page.get_by_role("link", name="Désactiver").click()
    expect(page.get_by_role("heading", name="Désactiver le compte de Paul MARTIN ?")).to_be_visible()
    page.get_by_role("button", name="Désactiver").click()
    expect(page.get_by_text("Paul MARTIN est désactivé(e)")).to_be_visible()
    page.get_by_role("button", name="Se déconnecter").click()

    log_in(page, colleague.email, password=FACTORY_PASSWORD)

    expect(page.get_by_role("heading", name="Compte inactif")).to_be_visible()
    page.goto("/egestion/")
    expect(page.get_by_role("button", name="Se connecter")).to_be_visible()
