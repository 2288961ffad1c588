"""Forgotten password (allauth's reset flow): an email with a link, the password rules, a confirmation email, the
other sessions closed, and nothing that tells whether an address has an account."""

import re

from django.core import mail

from accounts.models import AccountEvent, AccountEventKind
from tests.conftest import OnCommitClient
from tests.factories import DEFAULT_PASSWORD

RESET_URL = "/comptes/password/reset/"
NEW_PASSWORD = "Nouveau-mot2passe!"


def without_csrf(html: str) -> str:
    return re.sub(r'("X-CSRFToken": "|name="csrfmiddlewaretoken" value=")[^"]+', "", html)


def reset_link(message) -> str:
    return re.search(r"http://\S+/comptes/password/reset/key/\S+/", message.body).group(0)


def open_reset_page(client, provider_referent) -> str:
    """Ask for the email and open its link; returns the URL of the form (allauth moves the key into the session)."""
    client.post(RESET_URL, {"email": provider_referent.email})
    response = client.get(reset_link(mail.outbox[-1]))
    assert response.status_code == 302
    return response["Location"]


def test_the_reset_email_is_french_html_and_text_with_a_link(client, provider_referent):
    response = client.post(RESET_URL, {"email": "Jing.Tian@cma-occitanie.fr"}, follow=True)

    assert "Si un compte existe pour cette adresse" in response.text
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [provider_referent.email]
    assert message.subject == "Constructys - Réinitialisation de votre mot de passe"
    assert "Vous avez demandé à réinitialiser le mot de passe" in message.body
    assert provider_referent.email in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert reset_link(message) in html
    assert "Choisir un nouveau mot de passe" in html
    assert "L'équipe Constructys" in message.body


def test_an_unknown_address_gets_the_same_page(client, provider_referent):
    known = client.post(RESET_URL, {"email": provider_referent.email}, follow=True)
    unknown = client.post(RESET_URL, {"email": "personne@inconnu.fr"}, follow=True)

    assert known.redirect_chain == unknown.redirect_chain
    assert without_csrf(known.text) == without_csrf(unknown.text)
    # The unknown address is told (in French) that no account uses it; it is never given a link.
    message = mail.outbox[-1]
    assert message.to == ["personne@inconnu.fr"]
    assert "aucun compte n'utilise cette adresse" in message.body
    assert "/comptes/password/reset/key/" not in message.body


def test_the_reset_page_lists_the_password_rules(client, provider_referent):
    response = client.get(open_reset_page(client, provider_referent))

    assert response.status_code == 200
    assert "Réinitialiser le mot de passe" in response.text
    assert "Le mot de passe doit contenir" in response.text
    assert "entre 12 et 50 caractères" in response.text
    assert "au moins un caractère spécial" in response.text


def test_a_password_that_breaks_the_rules_is_refused(client, provider_referent):
    form_url = open_reset_page(client, provider_referent)

    response = client.post(form_url, {"password1": "court", "password2": "court"})

    assert response.status_code == 200
    assert "Le mot de passe doit contenir au moins une majuscule." in response.text
    assert "Le mot de passe doit contenir entre 12 et 50 caractères." in response.text
    provider_referent.refresh_from_db()
    assert provider_referent.check_password(DEFAULT_PASSWORD)


def test_a_new_password_is_recorded_confirmed_by_email_and_ends_other_sessions(client, provider_referent):
    elsewhere = OnCommitClient()
    elsewhere.force_login(provider_referent)
    assert elsewhere.get("/ogestion/").status_code == 200
    form_url = open_reset_page(client, provider_referent)

    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}, follow=True)

    assert "Votre nouveau mot de passe est enregistré" in response.text
    provider_referent.refresh_from_db()
    assert provider_referent.check_password(NEW_PASSWORD)
    assert AccountEvent.objects.filter(user=provider_referent, kind=AccountEventKind.PASSWORD_RESET).count() == 1
    confirmation = mail.outbox[-1]
    assert confirmation.to == [provider_referent.email]
    assert confirmation.subject == "Constructys - Votre mot de passe a bien été enregistré"
    assert "Nous vous confirmons que votre nouveau mot de passe a bien été enregistré." in confirmation.body
    assert "http://127.0.0.1:8000/ogestion/connexion/" in confirmation.body
    assert provider_referent.email in confirmation.body
    assert "Nous vous confirmons" in confirmation.alternatives[0][0]
    # The session opened before the reset is over.
    after = elsewhere.get("/ogestion/")
    assert after.status_code == 302
    assert after["Location"] == "/connexion/?next=/ogestion/"
    # The link works once.
    again = client.get(reset_link(mail.outbox[0]), follow=True)
    assert "Ce lien n'est plus valable" in again.text


def test_the_new_password_opens_the_portal(client, provider_referent):
    form_url = open_reset_page(client, provider_referent)
    client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    response = client.post("/ogestion/connexion/", {"login": provider_referent.email, "password": NEW_PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/ogestion/"


def test_reset_requests_for_one_address_are_limited(client, provider_referent):
    for _ in range(3):
        assert client.post(RESET_URL, {"email": provider_referent.email}).status_code == 302

    response = client.post(RESET_URL, {"email": provider_referent.email})

    assert response.status_code == 429
    assert "Trop de tentatives" in response.text
    assert len(mail.outbox) == 3


def test_a_deactivated_account_is_told_whom_to_ask_and_the_page_is_the_same(client, provider_referent):
    from accounts.models import Membership, Role
    from tests.factories import MembershipFactory, UserFactory

    establishment = provider_referent.memberships.get().establishment
    former = UserFactory(email="ancien@cma-occitanie.fr", is_active=False)
    MembershipFactory(user=former, establishment=establishment, role=Role.PROVIDER_USER)
    Membership.include_inactive.filter(user=former).update(is_active=False)

    deactivated = client.post(RESET_URL, {"email": "Ancien@cma-occitanie.fr"}, follow=True)
    unknown = client.post(RESET_URL, {"email": "personne@inconnu.fr"}, follow=True)
    known = client.post(RESET_URL, {"email": provider_referent.email}, follow=True)

    assert without_csrf(deactivated.text) == without_csrf(unknown.text) == without_csrf(known.text)
    message = mail.outbox[0]
    assert message.to == ["ancien@cma-occitanie.fr"]
    assert message.subject == "Constructys - Votre compte est désactivé"
    assert "Ce compte est désactivé" in message.body
    assert "aucun compte n'utilise cette adresse" not in message.body
    # Whom to ask: the référent of the training provider where the account had access.
    assert "CHAMBRE DE METIERS ET DE L'ARTISANAT OCCITANIE : Jing TIAN (jing.tian@cma-occitanie.fr)" in message.body
    assert "jing.tian@cma-occitanie.fr" in message.alternatives[0][0]
    assert "/comptes/password/reset/key/" not in message.body


def test_the_page_and_the_email_give_the_same_link_validity(client, provider_referent, settings):
    page = client.post(RESET_URL, {"email": provider_referent.email}, follow=True)

    assert "Le lien est valable 72 heures" in page.text
    assert "Le lien est valable 72 heures" in mail.outbox[0].body
    assert "Le lien est valable 72 heures" in mail.outbox[0].alternatives[0][0]
    assert settings.PASSWORD_RESET_TIMEOUT == 72 * 3600


def test_logging_in_flashes_no_success_message(client, provider_referent):
    response = client.post(
        "/ogestion/connexion/", {"login": provider_referent.email, "password": DEFAULT_PASSWORD}, follow=True
    )

    assert response.redirect_chain[-1][0] == "/ogestion/"
    assert "réussie" not in response.text
    assert not [str(message) for message in response.context["messages"]]
