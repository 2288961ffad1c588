"""Preferences on "Mon compte" (both portals), the one-click unsubscribe page, the email right away for each new
message, and the admin's log of digests with its test digest."""

import re
from unittest import mock

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from digests import services
from digests.models import Digest, DigestPreference, DigestState, InstantEmail, NotificationMode
from messaging import services as messaging_services
from outbox.models import OutgoingEmail
from tests.digests.conftest import MONDAY, SATURDAY, THURSDAY
from tests.factories import DocumentFactory, MembershipFactory, MessageFactory, MessageReadFactory, UserFactory

# --- Mon compte --------------------------------------------------------------------------------------------------


def test_the_account_page_is_reached_from_the_header_and_keeps_the_digest_by_default(client, company_user):
    client.force_login(company_user)
    home = client.get(reverse("egestion:home")).content.decode()
    assert f'href="{reverse("egestion:account")}"' in home

    page = client.get(reverse("egestion:account")).content.decode()

    assert "Mon compte" in page and company_user.email in page
    assert re.search(r'value="digest"[^>]*checked', page)
    for mode in NotificationMode:
        assert mode.label.replace("'", "&#x27;") in page


@pytest.mark.parametrize("mode", list(NotificationMode))
def test_choosing_how_to_be_notified(client, company_user, mode):
    client.force_login(company_user)

    response = client.post(reverse("egestion:account"), {"mode": mode})

    assert response.status_code == 302 and response.url == reverse("egestion:account")
    assert DigestPreference.objects.get(user=company_user).mode == mode
    page = client.get(response.url).content.decode()
    assert "Vos préférences de notification sont enregistrées." in page


def test_an_invalid_choice_is_explained(client, company_user):
    client.force_login(company_user)
    response = client.post(reverse("egestion:account"), {"mode": "jamais"})
    assert response.status_code == 200
    assert "Ce choix n&#x27;existe pas." in response.content.decode()
    assert not DigestPreference.objects.exists()


def test_the_provider_portal_has_the_account_page_too(client, provider_user):
    client.force_login(provider_user)
    assert client.post(reverse("ogestion:account"), {"mode": NotificationMode.NONE}).status_code == 302
    assert DigestPreference.objects.get(user=provider_user).mode == NotificationMode.NONE


def test_the_account_page_answers_403_outside_the_portal(client, provider_user):
    client.force_login(provider_user)
    assert client.get(reverse("egestion:account")).status_code == 403


# --- One-click unsubscribe ---------------------------------------------------------------------------------------


def _path(url, settings):
    return url.removeprefix(settings.SITE_URL)


def test_the_unsubscribe_link_asks_for_confirmation_without_login(company_user, settings):
    client = Client(enforce_csrf_checks=True)
    url = _path(services.unsubscribe_url(company_user.pk), settings)

    page = client.get(url)

    assert page.status_code == 200
    assert "Confirmer le désabonnement" in page.content.decode()
    assert not DigestPreference.objects.exists()  # a link preview never unsubscribes

    done = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and "Vous êtes désabonné" in done.content.decode()
    assert DigestPreference.objects.get(user=company_user).mode == NotificationMode.NONE


def test_a_tampered_unsubscribe_link_changes_nothing(company_user, settings):
    url = _path(services.unsubscribe_url(company_user.pk), settings)
    response = Client().post(url.replace("/desabonnement/", "/desabonnement/x"))
    assert response.status_code == 404
    assert "Ce lien n'est pas valable" in response.content.decode()
    assert not DigestPreference.objects.exists()


def test_an_unsubscribed_user_gets_no_digest_but_the_portal_still_shows_what_is_new(client, company_user, dossier):
    MessageFactory(dossier=dossier, created_at=SATURDAY)
    services.set_mode(company_user, NotificationMode.NONE)

    assert services.send_batch(MONDAY, [company_user.pk]).sent == 0
    assert mail.outbox == []
    client.force_login(company_user)
    assert client.get(reverse("egestion:home")).context["unread_messages"] == 1


# --- An email right away for each new message ---------------------------------------------------------------------


def test_a_case_manager_s_answer_queues_the_right_away_emails_in_its_own_transaction(
    django_capture_on_commit_callbacks, company_user, dossier
):
    services.set_mode(company_user, NotificationMode.INSTANT)
    staff = UserFactory(staff=True)
    with django_capture_on_commit_callbacks(execute=True):
        message = messaging_services.reply_as_case_manager(dossier, staff, "Réponse", "Bien reçu.")
        # Written with the message (a broker outage after the commit cannot lose it), sent after the commit.
        assert OutgoingEmail.objects.get(kind="digest_message").to == [company_user.email]
        assert mail.outbox == []
    [email] = mail.outbox
    assert email.to == [company_user.email] and "« Réponse »" in email.body
    assert InstantEmail.objects.get().message == message

    with django_capture_on_commit_callbacks(execute=True):
        messaging_services.send_company_message(dossier, UserFactory(), "Question", "Bonjour")
    assert len(mail.outbox) == 1


def test_right_away_emails_go_to_those_who_asked_and_have_not_read_it(company_user, dossier, settings):
    services.set_mode(company_user, NotificationMode.INSTANT)
    digest_only = MembershipFactory(establishment=dossier.employer_establishment).user
    reader = MembershipFactory(establishment=dossier.employer_establishment).user
    services.set_mode(reader, NotificationMode.INSTANT)
    outsider = MembershipFactory().user
    services.set_mode(outsider, NotificationMode.INSTANT)
    message = MessageFactory(dossier=dossier, title="Convention à signer", created_at=SATURDAY)
    MessageReadFactory(message=message, user=reader)

    assert services.send_new_message_emails(message.pk) == 1

    [email] = mail.outbox
    assert email.to == [company_user.email]
    assert email.subject == "Constructys - Nouveau message sur le dossier n° 3119000013.01"
    assert "« Convention à signer »" in email.body and "Rémi Ndombele" in email.body
    assert f"{settings.SITE_URL}/egestion/connexion/" in email.body
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "« Convention à signer »" in email.alternatives[0][0]
    assert digest_only.email not in [address for sent in mail.outbox for address in sent.to]

    # They still get the digest: the message is still unread.
    mail.outbox.clear()
    services.send_batch(MONDAY, [company_user.pk])
    [digest] = mail.outbox
    assert "« Convention à signer »" in digest.body


def test_a_company_message_is_not_emailed_right_away(company_user, dossier):
    services.set_mode(company_user, NotificationMode.INSTANT)
    message = MessageFactory(dossier=dossier, from_company=True)
    assert services.send_new_message_emails(message.pk) == 0
    assert mail.outbox == []


# --- Admin ------------------------------------------------------------------------------------------------------


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(staff=True, superuser=True, email="gestionnaire@constructys.fr"))
    return client


def test_the_admin_logs_digests_and_sends_a_test_one_to_oneself(staff_client, company_user, dossier):
    MessageFactory(dossier=dossier, title="Pièce manquante", created_at=SATURDAY)
    DocumentFactory(dossier=dossier, name="Accord.pdf", uploaded_at=SATURDAY)
    services.send_batch(MONDAY, [company_user.pk])
    digest = Digest.objects.get()
    mail.outbox.clear()

    listing = staff_client.get(reverse("admin:digests_digest_changelist")).content.decode()
    assert company_user.email in listing and "Envoyé" in listing

    response = staff_client.post(
        reverse("admin:digests_digest_changelist"),
        {"action": "send_test_to_me", "_selected_action": [digest.pk]},
        follow=True,
    )

    assert "1 récapitulatif de test envoyé à gestionnaire@constructys.fr." in response.content.decode()
    [email] = mail.outbox
    assert email.to == ["gestionnaire@constructys.fr"]
    assert email.subject.startswith("Constructys - [Test] ")
    assert "« Pièce manquante »" in email.body and "Accord.pdf" in email.body
    assert Digest.objects.get().state == DigestState.SENT and Digest.objects.count() == 1


def test_the_test_digest_says_when_nothing_is_left_to_show(staff_client, company_user, dossier):
    digest = Digest.objects.create(
        user=company_user, period=MONDAY, window_start=THURSDAY, window_end=MONDAY, state=DigestState.SENT
    )
    response = staff_client.post(
        reverse("admin:digests_digest_changelist"),
        {"action": "send_test_to_me", "_selected_action": [digest.pk]},
        follow=True,
    )
    assert "sans plus rien de nouveau à montrer" in response.content.decode()
    assert mail.outbox == []


def test_a_repeated_right_away_task_emails_nobody_twice(company_user, dossier):
    services.set_mode(company_user, NotificationMode.INSTANT)
    colleague = MembershipFactory(establishment=dossier.employer_establishment).user
    services.set_mode(colleague, NotificationMode.INSTANT)
    message = MessageFactory(dossier=dossier, title="Convention à signer", created_at=SATURDAY)

    assert services.send_new_message_emails(message.pk) == 2
    assert services.send_new_message_emails(message.pk) == 0  # a retried task

    assert sorted(address for sent in mail.outbox for address in sent.to) == sorted(
        [company_user.email, colleague.email]
    )


def test_a_right_away_task_that_crashed_half_way_emails_everyone_once_when_run_again(company_user, dossier):
    services.set_mode(company_user, NotificationMode.INSTANT)
    colleague = MembershipFactory(establishment=dossier.employer_establishment).user
    services.set_mode(colleague, NotificationMode.INSTANT)
    message = MessageFactory(dossier=dossier, title="Convention à signer", created_at=SATURDAY)
    real_build = services._instant_email
    calls = []

    def crash_on_the_second(user, *args):
        calls.append(user["pk"])
        if len(calls) == 2:
            raise MemoryError("the worker dies")
        return real_build(user, *args)

    with mock.patch.object(services, "_instant_email", crash_on_the_second), pytest.raises(MemoryError):
        services.send_new_message_emails(message.pk)
    assert mail.outbox == [] and not InstantEmail.objects.exists()  # all or nothing

    assert services.send_new_message_emails(message.pk) == 2
    assert services.send_new_message_emails(message.pk) == 0

    assert sorted(address for sent in mail.outbox for address in sent.to) == sorted(
        [company_user.email, colleague.email]
    )
