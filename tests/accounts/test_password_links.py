import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from accounts import services
from accounts.models import AccountEvent, AccountEventKind, AccountToken, Portal, Role, User
from tests.factories import ProviderEstablishmentFactory, UserFactory

GOOD_PASSWORD = "Chantier-Solide-42!"


def link_in(message):
    return re.search(r"http://[^\s\"]+/comptes/mot-de-passe/[^\s\"/]+/", message.body).group(0)


@pytest.fixture
def invited_user(django_capture_on_commit_callbacks):
    establishment = ProviderEstablishmentFactory()
    referent = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        user = services.add_user(
            actor=referent,
            organisation=establishment.organisation,
            portal=Portal.OGESTION,
            email="Nouvel.Utilisateur@Example.fr",
            first_name="Jing",
            last_name="Tian",
            establishments=[establishment],
            role=Role.PROVIDER_USER,
        )
    return user


def test_activation_email_carries_the_login_and_a_single_link(invited_user):
    assert invited_user.email == "nouvel.utilisateur@example.fr"
    assert not invited_user.has_usable_password()
    [email] = mail.outbox
    assert email.to == ["nouvel.utilisateur@example.fr"]
    assert "nouvel.utilisateur@example.fr" in email.body
    assert "Créer mon mot de passe" in email.alternatives[0][0]
    assert link_in(email)
    assert AccountEvent.objects.filter(user=invited_user, kind=AccountEventKind.ACTIVATION_SENT).exists()


def test_password_rules_are_each_named_then_the_password_is_created_once(client, invited_user):
    url = link_in(mail.outbox[0]).replace("http://127.0.0.1:8000", "")
    mail.outbox.clear()

    weak = client.post(url, {"password1": "court", "password2": "court"})
    assert weak.status_code == 200
    for rule in ("au moins une majuscule", "au moins un chiffre", "au moins un caractère spécial", "entre 12 et 50"):
        assert rule in weak.text

    response = client.post(url, {"password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == "/ogestion/connexion/"
    assert "Votre mot de passe est enregistré" in response.text
    [confirmation] = mail.outbox
    assert "nouvel.utilisateur@example.fr" in confirmation.body
    assert User.objects.get(pk=invited_user.pk).check_password(GOOD_PASSWORD)
    assert client.login(email=invited_user.email, password=GOOD_PASSWORD)

    again = client.get(url)
    assert again.status_code == 410
    assert "déjà été utilisé" in again.text


def test_an_expired_link_offers_a_new_one_sent_to_the_account(client, invited_user):
    url = link_in(mail.outbox[0]).replace("http://127.0.0.1:8000", "")
    mail.outbox.clear()

    with time_machine.travel(timezone.now() + timedelta(hours=73)):
        expired = client.get(url)
        assert expired.status_code == 410
        assert "a expiré" in expired.text
        client.post(url + "nouveau-lien/")

    [new_link_email] = mail.outbox
    assert new_link_email.to == [invited_user.email]
    assert link_in(new_link_email) != url
    assert AccountToken.objects.filter(user=invited_user, used_at__isnull=True).count() == 1
    assert client.get(url).status_code == 410  # the old link is gone
