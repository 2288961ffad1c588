"""The outbox: emails written with the change that causes them, claimed before they are sent, retried with
backoff, failed after too many attempts, visible and resent from the admin."""

import datetime
import threading
import time

import pytest
import time_machine
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from common.emails import send_email_on_commit
from config.celery import app
from outbox import services
from outbox.models import EmailStatus, OutgoingEmail
from tests.factories import UserFactory


class DownBackend(LocmemBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError(111, "Connection refused")


def queue(to="marie.petit@example.fr"):
    email = EmailMultiAlternatives("Bienvenue", "Bonjour,", to=[to], headers={"List-Unsubscribe": "<https://x/>"})
    email.attach_alternative("<p>Bonjour,</p>", "text/html")
    return services.send_on_commit(email, kind="test")


def test_an_email_is_a_row_of_the_change_s_transaction_and_leaves_after_the_commit(
    django_capture_on_commit_callbacks,
):
    organisation = type("Organisation", (), {"name": "BATIR", "siren": "732829320"})()
    manager = type("Manager", (), {"get_full_name": lambda self: "Marie PETIT", "email": "marie@example.fr"})()
    with django_capture_on_commit_callbacks(execute=True):
        send_email_on_commit("manager_registered", {"organisation": organisation, "manager": manager}, ["c@x.fr"])
        row = OutgoingEmail.objects.get()
        assert (row.status, row.kind, row.to) == (EmailStatus.PENDING, "manager_registered", ["c@x.fr"])
        assert mail.outbox == []

    [email] = mail.outbox
    row.refresh_from_db()
    assert row.status == EmailStatus.SENT and row.attempts == 1 and row.sent_at
    assert email.extra_headers["Message-ID"] == row.message_id
    assert email.subject == row.subject and email.alternatives[0][0] == row.html


def test_a_rolled_back_change_sends_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValueError), transaction.atomic():
        queue()
        raise ValueError("the change fails")
    assert not OutgoingEmail.objects.exists() and mail.outbox == []


def test_failures_are_retried_with_exponential_backoff_then_the_email_is_failed(settings):
    settings.OUTBOX_DELIVERY = "sweeper"
    settings.EMAIL_BACKEND = "tests.outbox.test_outbox.DownBackend"
    settings.OUTBOX_MAX_ATTEMPTS = 4
    row = queue()
    now = timezone.now()
    delays = []
    for _ in range(4):
        with time_machine.travel(now, tick=False):
            services.deliver()
        row.refresh_from_db()
        delays.append(round((row.next_attempt_at - now).total_seconds()))
        now = row.next_attempt_at
    assert delays == [30, 60, 120, 240]
    assert row.status == EmailStatus.FAILED and row.attempts == 4
    assert "Connection refused" in row.last_error
    assert services.retry_delay(20) == datetime.timedelta(seconds=600)  # capped


def test_a_row_left_sending_by_a_dead_worker_is_sent_again_after_its_lease_with_the_same_message_id(settings):
    settings.OUTBOX_DELIVERY = "sweeper"
    row = queue()
    claimed = services._claim_next()  # a worker claims it, then dies
    assert claimed.pk == row.pk and claimed.status == EmailStatus.SENDING

    assert services.deliver().sent == 0  # its lease runs
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=settings.OUTBOX_LEASE_SECONDS + 1)):
        assert services.deliver().sent == 1
    [email] = mail.outbox
    assert email.extra_headers["Message-ID"] == row.message_id


def test_a_row_sent_after_its_lease_ran_out_is_recorded_sent_not_claimed_again_by_the_same_statement(settings):
    """The claim that records the row just sent must not take that row back: a slow SMTP answer lets its lease run
    out, and one statement updating the same row twice leaves PostgreSQL free to keep either update."""
    settings.OUTBOX_DELIVERY = "sweeper"
    row = queue()
    claimed = services._claim_next()
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=settings.OUTBOX_LEASE_SECONDS + 1)):
        assert services._claim_next(sent_id=claimed.pk) is None
        row.refresh_from_db()
        assert row.status == EmailStatus.SENT and row.attempts == 1
        assert services.deliver().sent == 0


@pytest.mark.django_db(transaction=True)
def test_concurrent_senders_send_each_email_once(settings):
    settings.OUTBOX_DELIVERY = "sweeper"
    for n in range(30):
        queue(f"user{n}@example.fr")
    barrier = threading.Barrier(3)

    def sender():
        barrier.wait()
        try:
            services.deliver()
        finally:
            connection.close()

    threads = [threading.Thread(target=sender) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(email.to[0] for email in mail.outbox) == sorted(f"user{n}@example.fr" for n in range(30))
    assert set(OutgoingEmail.objects.values_list("status", flat=True)) == {EmailStatus.SENT}


def test_beat_sweeps_the_outbox_every_minute():
    assert app.conf.beat_schedule["outbox-sweep"] == {"task": "outbox.tasks.sweep", "schedule": 60.0}


# --- Admin ----------------------------------------------------------------------------------------------------------


def test_the_admin_lists_failed_emails_with_their_error_and_resends_them(client, settings):
    settings.EMAIL_BACKEND = "tests.outbox.test_outbox.DownBackend"
    settings.OUTBOX_MAX_ATTEMPTS = 1
    row = queue()
    services.deliver()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    client.force_login(UserFactory(staff=True, superuser=True))
    url = reverse("admin:outbox_outgoingemail_changelist")

    listing = client.get(url, {"status__exact": "failed"}).content.decode()
    assert "Échec" in listing and "Connection refused" in listing and "marie.petit@example.fr" in listing
    assert client.get(reverse("admin:outbox_outgoingemail_change", args=[row.pk])).status_code == 200
    assert "marie.petit@example.fr" in client.get(url, {"q": "Marie.Petit@example.fr"}).content.decode()
    assert "marie.petit@example.fr" not in client.get(url, {"q": "paul@example.fr"}).content.decode()

    response = client.post(url, {"action": "resend", "_selected_action": [row.pk]}, follow=True)

    assert [str(message) for message in response.context["messages"]] == ["1 e-mail remis dans la file d'envoi."]
    row.refresh_from_db()
    assert row.status == EmailStatus.SENT and len(mail.outbox) == 1


def test_the_outbox_is_read_only_and_not_deletable_in_the_admin(client):
    row = queue()
    client.force_login(UserFactory(staff=True, superuser=True))
    assert client.get(reverse("admin:outbox_outgoingemail_add")).status_code == 403
    assert client.post(reverse("admin:outbox_outgoingemail_delete", args=[row.pk])).status_code == 403
    page = client.get(reverse("admin:outbox_outgoingemail_changelist")).content.decode()
    assert "delete_selected" not in page


def test_only_superusers_read_the_texts_which_carry_one_time_links(client):
    from django.contrib.auth.models import Permission

    row = queue()
    row.body = "Créer mon mot de passe : https://portail/lien-secret/"
    row.save()
    staff = UserFactory(staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_outgoingemail"))
    client.force_login(staff)

    page = client.get(reverse("admin:outbox_outgoingemail_change", args=[row.pk])).content.decode()

    assert "marie.petit@example.fr" in page and "lien-secret" not in page


@pytest.mark.celery_worker
def test_a_real_worker_sends_what_the_commit_published(celery_worker, settings):
    settings.OUTBOX_DELIVERY = "celery"  # as in production: a task through Redis, not the tests' inline sending
    with transaction.atomic():
        row = queue()

    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not mail.outbox:
        time.sleep(0.1)
    [email] = mail.outbox
    assert email.extra_headers["Message-ID"] == row.message_id
    row.refresh_from_db()
    assert row.status == EmailStatus.SENT


def test_a_list_of_emails_is_sent_with_one_statement_each_and_only_those(settings, django_assert_num_queries):
    """Each claim also records the email sent just before it (issue 18: one round trip per email, not two); an
    email of the outbox that is not in the list waits for the sweeper."""
    settings.OUTBOX_DELIVERY = "sweeper"
    rows = [queue(f"user{n}@example.fr") for n in range(5)]
    other = queue("ailleurs@example.fr")
    with django_assert_num_queries(len(rows) + 1):  # five claims, then the last one recorded
        assert services.deliver([row.pk for row in rows]).sent == 5
    assert sorted(email.to[0] for email in mail.outbox) == sorted(row.to[0] for row in rows)
    assert set(OutgoingEmail.objects.filter(status=EmailStatus.SENT).values_list("pk", flat=True)) == {
        row.pk for row in rows
    }
    other.refresh_from_db()
    assert other.status == EmailStatus.PENDING
    assert all(row.sent_at for row in OutgoingEmail.objects.filter(status=EmailStatus.SENT))
