"""An invitation accepted by an existing account, in headless Chromium: a company manager invites the address of
an oGestion user; nothing is attached until that user, logged in, accepts with their own password."""

import re

from django.core import mail
from playwright.sync_api import expect

from accounts.models import Membership, Role
from tests.browser.helpers import log_in
from tests.factories import (
    DEFAULT_PASSWORD,
    CompanyFactory,
    EstablishmentFactory,
    MembershipFactory,
    ProviderEstablishmentFactory,
    UserFactory,
)


def test_an_account_of_the_other_portal_accepts_an_invitation_with_its_password(page):
    company = CompanyFactory(name="BATIR ENSEMBLE")
    lyon = EstablishmentFactory(organisation=company, name="BATIR ENSEMBLE LYON", city="LYON", postal_code="69003")
    manager = UserFactory(email="marie.petit@batir-ensemble.fr", first_name="Marie", last_name="Petit")
    MembershipFactory(user=manager, establishment=lyon, role=Role.COMPANY_MANAGER)
    trainer = UserFactory(email="fabienne@cfa-lyon.fr", first_name="Fabienne", last_name="Formatrice")
    MembershipFactory(user=trainer, establishment=ProviderEstablishmentFactory(), role=Role.PROVIDER_USER)

    log_in(page, manager.email, "egestion")
    page.get_by_role("link", name="Gérer les utilisateurs").click()
    page.get_by_role("link", name="Inviter un collègue").click()
    page.get_by_label("Civilité").select_option("Madame")
    page.get_by_label("Nom", exact=True).fill("Nom saisi")
    page.get_by_label("Prénom").fill("Prénom saisi")
    page.get_by_label("Adresse e-mail").fill("fabienne@cfa-lyon.fr")
    page.get_by_role("button", name="Envoyer l'invitation").click()
    expect(page.get_by_text("Une invitation a été envoyée à fabienne@cfa-lyon.fr")).to_be_visible()
    expect(page.get_by_text("Invitation en attente")).to_be_visible()
    expect(page.get_by_text("Formatrice")).to_have_count(0)  # the inviter never learns the account's name
    assert not Membership.objects.filter(user=trainer, establishment=lyon).exists()
    page.get_by_role("button", name="Se déconnecter").click()

    log_in(page, trainer.email, "ogestion")
    [message] = [m for m in mail.outbox if trainer.email in m.to]
    page.goto(re.sub(r"^https?://[^/]+", "", re.search(r"https?://\S+/comptes/invitation/\S+/", message.body)[0]))
    expect(page.get_by_text("vous invite à consulter les données de BATIR ENSEMBLE")).to_be_visible()
    page.get_by_label("Mot de passe de votre compte").fill("Pas-le-bon-42!")
    page.get_by_role("button", name="Accepter").click()
    expect(page.get_by_text("Mot de passe incorrect.")).to_be_visible()
    assert not Membership.objects.filter(user=trainer, establishment=lyon).exists()

    page.get_by_label("Mot de passe de votre compte").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Accepter").click()

    expect(page).to_have_url(re.compile(r"/egestion/$"))
    expect(page.get_by_text("Invitation acceptée")).to_be_visible()
    assert Membership.objects.filter(user=trainer, establishment=lyon, role=Role.COMPANY_USER).exists()
