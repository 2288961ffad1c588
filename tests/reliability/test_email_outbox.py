"""Email when the SMTP server or the broker fails (issue 15): sign-up, invitation, password reset and "Transmettre"
answer at once and without error while the SMTP server is down or hanging; every email they cause is sent exactly
once after it recovers, by the outbox's real sender talking SMTP to a local server (aiosmtpd). A broker (Redis)
that is down or frozen costs a case manager's reply at most OUTBOX_PUBLISH_TIMEOUT, and its right-away email is
sent by the sweeper."""

import datetime
import time

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from common.pdf import html_to_pdf
from config.celery import app
from digests import services as digests_services
from digests.models import NotificationMode
from dossiers.models import Dossier
from messaging import services as messaging_services
from outbox import services as outbox_services
from outbox import tasks
from outbox.models import EmailStatus, OutgoingEmail
from tests.egestion.requests.utils import step_url
from tests.egestion.utils import signup_data
from tests.factories import DossierFactory, EstablishmentFactory, UserFactory, minimal_pdf
from tests.reliability.faults import FaultySMTPServer, SilentListener, free_port

# A hanging server holds a connection for EMAIL_TIMEOUT (HANGING) seconds; a page that waited for it would take at
# least that long. FAST, half of it, tells the two apart with room for a loaded machine (the transmission renders the
# CERFA PDF, which took 22 s on a 2-core machine shared with seven other jobs).
HANGING = 90
FAST = HANGING / 2


@pytest.fixture
def smtp(settings):
    server = FaultySMTPServer()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", server.port, False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = HANGING  # what the pages used to wait for a hanging server; run_sender shortens it
    settings.OUTBOX_DELIVERY = "celery"  # as in production: a task is published once the transaction commits
    html_to_pdf("<p>Polices chargées</p>")  # WeasyPrint's first rendering (fonts) is not what is measured here
    yield server
    server.down()
    app.control.purge()  # the tasks published for the outbox: this test ran their sender itself


def timed(call):
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


def the_four_emails(client, user, complete_draft, n):
    """Sign-up, invitation, password-reset request and "Transmettre": each must answer fast and without error."""
    from funding import services

    for kind, name in (("cerfa", "cerfa.pdf"), ("training_agreement", "convention.pdf")):
        services.attach_document(
            complete_draft, kind=kind, uploaded_file=SimpleUploadedFile(name, minimal_pdf()), user=user
        )
    client.force_login(user)
    actions = {
        "transmettre": lambda: client.post(step_url(complete_draft, "transmettre"), {"action": "transmit"}),
        "invitation": lambda: client.post(
            reverse("egestion:user_invite"),
            {
                "civility": "m",
                "last_name": "Bernard",
                "first_name": "Luc",
                "email": f"luc.bernard{n}@maconnerie-durand.fr",
                "establishments": [user.memberships.get().establishment_id],
            },
        ),
    }
    answers = {name: timed(action) for name, action in actions.items()}
    client.logout()
    other = EstablishmentFactory()
    address = f"claire{n}@batir.fr"
    answers["inscription"] = timed(
        lambda: client.post("/egestion/inscription/", signup_data(other, email=address, email_confirmation=address))
    )
    answers["mot de passe oublié"] = timed(lambda: client.post("/comptes/password/reset/", {"email": user.email}))
    for name, (response, seconds) in answers.items():
        assert response.status_code in (200, 302), name
        assert seconds < FAST, f"{name}: {seconds:.1f} s"


def another_complete_draft(user):
    from funding import services
    from funding.apprenticeship import initial_draft_data
    from tests.egestion.requests.utils import valid_data

    establishment = user.memberships.get().establishment
    draft = services.create_draft(
        user=user, establishment=establishment, initial_data=initial_draft_data(establishment)
    )
    return services.save_draft(draft, valid_data(establishment))


def run_sender(timeout=1):
    """What beat runs every minute, with a short SMTP timeout (10 s in production)."""
    started = time.monotonic()
    with override_settings(EMAIL_TIMEOUT=timeout):
        sent = tasks.sweep()
    return sent, time.monotonic() - started


def test_smtp_down_then_hanging_delays_the_emails_and_loses_none(smtp, client, user, complete_draft):
    smtp.down()
    the_four_emails(client, user, complete_draft, 1)
    assert Dossier.objects.filter(funding_request=complete_draft).exists()
    queued = OutgoingEmail.objects.count()
    assert queued >= 4 and not OutgoingEmail.objects.exclude(status=EmailStatus.PENDING).exists()

    # The sender finds the server down: nothing sent, nothing lost, the first row waits for its next attempt.
    assert run_sender()[0] == 0
    failed = OutgoingEmail.objects.get(attempts=1)
    assert failed.status == EmailStatus.PENDING and "Connection refused" in failed.last_error
    assert failed.next_attempt_at > timezone.now()

    smtp.hang()
    the_four_emails(
        client, user, another_complete_draft(user), 2
    )  # three invitations in a row used to hold every web worker 30 s
    for n in (3, 4):
        client.force_login(user)
        response, seconds = timed(
            lambda n=n: client.post(
                reverse("egestion:user_invite"),
                {
                    "civility": "m",
                    "last_name": "Martin",
                    "first_name": "Léa",
                    "email": f"lea.martin{n}@maconnerie-durand.fr",
                    "establishments": [user.memberships.get().establishment_id],
                },
            )
        )
        assert response.status_code == 302 and seconds < FAST
    # A hanging server costs the worker one SMTP timeout, then it stops trying until the next round.
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=5), tick=True):
        sent, seconds = run_sender()
    assert sent == 0 and seconds < 5  # one try of 1 s, not one per row
    assert smtp.received == []

    # Back up: an hour later every email has left, each once, with the Message-ID of its outbox row.
    smtp.up()
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=1), tick=True):
        assert run_sender()[0] == OutgoingEmail.objects.count()
        assert run_sender()[0] == 0
    rows = OutgoingEmail.objects.all()
    assert {row.status for row in rows} == {EmailStatus.SENT}
    assert sorted(email["message_id"] for email in smtp.received) == sorted(row.message_id for row in rows)
    recipients = sorted(address for email in smtp.received for address in email["to"])
    assert recipients == sorted(address for row in rows for address in row.to)
    for expected in ("luc.bernard1@maconnerie-durand.fr", "lea.martin4@maconnerie-durand.fr", "claire2@batir.fr"):
        assert recipients.count(expected) == 1
    assert recipients.count(user.email) == 4  # two reset links and two transmission confirmations


def test_a_server_that_refuses_a_recipient_for_good_is_not_retried(smtp, settings):
    from django.core.mail import EmailMessage

    from outbox import services

    smtp.up()
    settings.OUTBOX_DELIVERY = "sweeper"

    class Refusing:
        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            return "550 No such user"

    smtp.sink.handle_RCPT = Refusing().handle_RCPT
    services.send_on_commit(EmailMessage("Bonjour", "Texte", to=["inconnu@example.fr"]))
    services.deliver()

    row = OutgoingEmail.objects.get()
    assert row.status == EmailStatus.FAILED and "550" in row.last_error and row.attempts == 1


@pytest.fixture
def dossier_with_reader(user, establishment):
    digests_services.set_mode(user, NotificationMode.INSTANT)
    return DossierFactory(employer_establishment=establishment)


@pytest.mark.parametrize("broker", ["down", "frozen"])
def test_a_reply_during_a_broker_outage_is_fast_and_its_email_is_sent_by_the_sweeper(
    smtp, broker, dossier_with_reader, user, django_capture_on_commit_callbacks
):
    smtp.up()
    port = free_port()
    frozen = SilentListener(port) if broker == "frozen" else None
    app.conf.broker_write_url = f"redis://127.0.0.1:{port}/0"
    staff = UserFactory(staff=True)
    seconds = []
    try:
        for title in ("Convention", "Relance"):
            with django_capture_on_commit_callbacks(execute=True):
                seconds.append(
                    timed(
                        lambda title=title: messaging_services.reply_as_case_manager(
                            dossier_with_reader, staff, title, "."
                        )
                    )[1]
                )
    finally:
        app.conf.broker_write_url = None
        outbox_services._publish_paused_until = 0.0
        if frozen:
            frozen.close()
    assert seconds[0] < 5  # was 19 s: the publish gives up after OUTBOX_PUBLISH_TIMEOUT (2 s)
    assert seconds[1] < 1  # then this process stops asking the broker for a while
    assert set(OutgoingEmail.objects.values_list("status", flat=True)) == {EmailStatus.PENDING}

    assert run_sender()[0] == 2
    assert [email["to"] for email in smtp.received] == [[user.email]] * 2
