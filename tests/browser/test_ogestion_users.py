"""Gérer mes utilisateurs in headless Chromium: a référent creates a colleague's account with the two-step sheet,
the colleague opens the activation email's link, creates a password and logs in to oGestion."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.models import Membership, Role, User
from tests.browser.helpers import log_in, save_screenshot
from tests.factories import (
    MembershipFactory,
    ProviderEstablishmentFactory,
    ProviderFactory,
    UserFactory,
)

NEW_PASSWORD = "Chantier-Solide-42!"


@pytest.fixture
def provider():
    # The RGPD and CGU texts are in force (tests/conftest.py): a brand-new account meets them at its first login
    # (the référent, made by UserFactory, accepted them).
    organisation = ProviderFactory(name="CHAMBRE DE METIERS ET DE L'ARTISANAT OCCITANIE")
    toulouse, albi, cahors = (
        ProviderEstablishmentFactory(organisation=organisation, name=f"CMA OCCITANIE {city}", city=city)
        for city in ("TOULOUSE", "ALBI", "CAHORS")
    )
    referent = UserFactory(email="jing.tian@cma-occitanie.fr", first_name="Jing", last_name="Tian")
    for establishment in (toulouse, albi):
        MembershipFactory(user=referent, establishment=establishment, role=Role.PROVIDER_REFERENT)
    return referent, (toulouse, albi, cahors)


def accept_terms_if_asked(page):
    """At a first login the RGPD and CGU may be asked for ("Refuser" / "Accepter"): accept them."""
    accept = page.get_by_role("button", name="Accepter")
    if accept.is_visible():
        accept.click()
        expect(accept).to_be_hidden()


@pytest.mark.screenshots
def test_referent_creates_a_user_who_activates_the_account_and_logs_in(page, provider):
    referent, (toulouse, albi, cahors) = provider
    log_in(page, referent.email, "ogestion")
    accept_terms_if_asked(page)

    # Gérer mes utilisateurs → "+" → Sélection d'un salarié → "+" (nobody in the list fits) → the sheet.
    page.get_by_role("navigation").get_by_role("link", name="Gérer mes utilisateurs").click()
    expect(page.get_by_role("heading", name="Gérer les utilisateurs")).to_be_visible()
    expect(page.get_by_role("cell", name="jing.tian@cma-occitanie.fr")).to_be_visible()
    page.get_by_role("link", name="Créer un utilisateur").first.click()
    expect(page.get_by_role("heading", name="Sélection d'un salarié")).to_be_visible()
    page.get_by_role("link", name="Nouvel utilisateur").first.click()
    expect(page.get_by_role("heading", name="Création d'un utilisateur")).to_be_visible()

    page.get_by_label("Civilité").select_option(label="Madame")
    page.get_by_label("Nom", exact=True).fill("Niboteur")
    page.get_by_label("Prénom").fill("Natasha")
    page.get_by_label("Email").fill("natasha.niboteur@cma-occitanie.fr")
    page.get_by_label("Utilisateur portail OF").uncheck()
    expect(page.get_by_label(f"Affecter {toulouse.name}")).not_to_be_checked()  # nothing is granted by default
    page.get_by_label(f"Affecter {albi.name}").check()
    page.get_by_role("button", name="Valider").click()
    expect(page.get_by_text("Le profil « Utilisateur portail OF » est à cocher obligatoirement.").first).to_be_visible()
    assert mail.outbox == []

    page.get_by_label("Utilisateur portail OF").check()
    expect(page.get_by_label(f"Affecter {cahors.name}")).to_have_count(0)
    page.get_by_role("link", name=re.compile(r"Voir tous")).click()  # htmx swaps the table, the typing stays
    page.get_by_label(f"Affecter {cahors.name}").check()
    expect(page.get_by_label(f"Affecter {albi.name}")).to_be_checked()
    expect(page.get_by_label("Nom", exact=True)).to_have_value("Niboteur")
    save_screenshot(page, "ogestion-user-sheet.png")
    page.get_by_role("button", name="Valider").click()

    # Nothing is attached yet: the list shows the invitation by its address until it is accepted.
    expect(page.get_by_text("Une invitation a été envoyée à natasha.niboteur@cma-occitanie.fr")).to_be_visible()
    expect(page.get_by_role("heading", name="Gérer les utilisateurs")).to_be_visible()
    expect(page.get_by_role("rowheader", name="natasha.niboteur@cma-occitanie.fr")).to_be_visible()
    expect(page.get_by_text("Invitation en attente")).to_be_visible()
    assert not User.objects.filter(email="natasha.niboteur@cma-occitanie.fr").exists()
    save_screenshot(page, "ogestion-users.png")
    [email] = mail.outbox
    assert "vous invite à consulter les données de" in email.body
    link = re.search(r"https?://[^\s\"]+/comptes/invitation/[^\s\"/]+/", email.body).group(0)
    page.get_by_role("button", name="Se déconnecter").click()

    # The new colleague opens the link: a weak password is refused rule by rule, then a good one accepts.
    page.goto(re.sub(r"^https?://[^/]+", "", link))
    expect(page.get_by_role("heading", name="Invitation à oGestion")).to_be_visible()
    page.get_by_label("Saisissez le nouveau mot de passe").fill("court")
    page.get_by_label("Confirmez le nouveau mot de passe").fill("court")
    page.get_by_role("button", name="Accepter").click()
    expect(page.get_by_text("Le mot de passe doit contenir au moins une majuscule.")).to_be_visible()
    expect(page.get_by_text("Le mot de passe doit contenir au moins un chiffre.")).to_be_visible()
    page.get_by_label("Saisissez le nouveau mot de passe").fill(NEW_PASSWORD)
    page.get_by_label("Confirmez le nouveau mot de passe").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Accepter").click()
    expect(page).to_have_url(re.compile(r"/ogestion/connexion/$"))
    expect(page.get_by_text("Invitation acceptée")).to_be_visible()
    user = User.objects.get(email="natasha.niboteur@cma-occitanie.fr")
    assert set(Membership.objects.filter(user=user).values_list("establishment", "role")) == {
        (albi.pk, Role.PROVIDER_USER),
        (cahors.pk, Role.PROVIDER_USER),
    }
    assert "natasha.niboteur@cma-occitanie.fr" in mail.outbox[-1].body  # the confirmation reminds the login

    log_in(page, "natasha.niboteur@cma-occitanie.fr", "ogestion", password=NEW_PASSWORD)
    accept_terms_if_asked(page)
    expect(page).to_have_url(re.compile(r"/ogestion/$"))
    expect(page.get_by_role("heading", name="Bienvenue dans votre espace oGestion")).to_be_visible()
    navigation = page.get_by_role("navigation")
    expect(navigation.get_by_role("link", name="Suivre mes dossiers de formation")).to_be_visible()
    expect(navigation.get_by_role("link", name="Gérer mes utilisateurs")).to_have_count(0)
