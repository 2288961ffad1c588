"""Twice-weekly digests: schedule and windows (with time travel), content of both email models, who is told of
what, exactly-once sending (repeat, crash half-way, concurrent runs), constant queries per batch."""

import datetime
import io
import threading
from unittest import mock

import pytest
import time_machine
from celery.schedules import crontab
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.core.management import call_command
from django.db import connection

from accounts.models import Role
from config.celery import app
from digests import services
from digests.models import Digest, DigestState, NotificationMode
from digests.schedule import period_at, previous_period
from outbox import services as outbox_services
from outbox.models import EmailStatus, OutgoingEmail
from tests.digests.conftest import MONDAY, NEXT_THURSDAY, SATURDAY, THURSDAY, paris
from tests.factories import (
    DocumentFactory,
    DossierFactory,
    EnrolmentFactory,
    MembershipFactory,
    MessageFactory,
    MessageReadFactory,
    UserFactory,
)


def run_at(moment):
    """Beat fires: the run belongs to the slot of that moment."""
    with time_machine.travel(moment, tick=False):
        return services.send_period()


def emails_to(address):
    return [message for message in mail.outbox if message.to == [address]]


def html_of(message):
    return message.alternatives[0][0]


# --- Schedule and windows -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "slot"),
    [
        (paris(2026, 12, 7, 7, 0), MONDAY),
        (paris(2026, 12, 7, 6, 59), THURSDAY),
        (paris(2026, 12, 9, 18, 0), MONDAY),
        (paris(2026, 12, 10, 7, 5), NEXT_THURSDAY),
        (paris(2026, 12, 6, 23, 0), THURSDAY),
        # Summer time: still 07:00 in Paris (05:00 UTC).
        (datetime.datetime(2026, 6, 29, 5, 0, tzinfo=datetime.UTC), paris(2026, 6, 29, 7, 0)),
    ],
)
def test_a_run_belongs_to_the_latest_monday_or_thursday_7am_in_paris(moment, slot):
    assert period_at(moment) == slot


def test_the_previous_period_of_monday_is_thursday():
    assert previous_period(MONDAY) == THURSDAY
    assert previous_period(NEXT_THURSDAY) == MONDAY


def test_beat_runs_the_digests_on_monday_and_thursday_morning():
    entry = app.conf.beat_schedule["email-digests"]
    schedule = entry["schedule"]

    assert entry["task"] == "digests.tasks.run_digests"
    assert isinstance(schedule, crontab)
    assert schedule.day_of_week == {1, 4} and schedule.hour == {7} and schedule.minute == {0}
    # Beat's next run after the Monday one is the Thursday slot, which is the next period.
    now = MONDAY + datetime.timedelta(minutes=1)
    with time_machine.travel(now, tick=False):
        assert now + schedule.remaining_estimate(MONDAY) == NEXT_THURSDAY
        assert period_at(now + schedule.remaining_estimate(MONDAY)) == NEXT_THURSDAY


def test_the_days_and_time_are_settings(settings):
    settings.DIGEST_DAYS = ["tue"]
    settings.DIGEST_HOUR = 18
    settings.DIGEST_MINUTE = 30

    assert period_at(paris(2026, 12, 7, 12, 0)) == paris(2026, 12, 1, 18, 30)
    assert period_at(paris(2026, 12, 8, 18, 30)) == paris(2026, 12, 8, 18, 30)


def test_each_run_covers_what_came_since_the_previous_slot(company_user, dossier):
    MessageFactory(dossier=dossier, title="Avant jeudi", created_at=THURSDAY - datetime.timedelta(hours=1))
    MessageFactory(dossier=dossier, title="Samedi", created_at=SATURDAY)
    # Written between the Monday slot and the moment the run starts: the next digest's.
    MessageFactory(dossier=dossier, title="Lundi matin", created_at=MONDAY + datetime.timedelta(minutes=2))

    run_at(MONDAY + datetime.timedelta(minutes=5))

    [email] = emails_to(company_user.email)
    assert "« Samedi »" in email.body
    assert "Avant jeudi" not in email.body and "Lundi matin" not in email.body
    digest = Digest.objects.get(user=company_user)
    assert (digest.period, digest.window_start, digest.window_end) == (MONDAY, THURSDAY, MONDAY)
    assert digest.state == DigestState.SENT and digest.messages_count == 1

    mail.outbox.clear()
    run_at(NEXT_THURSDAY + datetime.timedelta(minutes=1))

    [email] = emails_to(company_user.email)
    assert "« Lundi matin »" in email.body and "Samedi" not in email.body
    assert Digest.objects.get(user=company_user, period=NEXT_THURSDAY).window_start == MONDAY


def test_after_runs_with_nothing_new_the_window_starts_at_the_last_digest_sent(company_user, dossier):
    MessageFactory(dossier=dossier, title="Samedi", created_at=SATURDAY)
    run_at(MONDAY)
    run_at(NEXT_THURSDAY)  # nothing new: no email, no row
    MessageFactory(dossier=dossier, title="Vendredi", created_at=paris(2026, 12, 11, 9, 0))
    mail.outbox.clear()

    run_at(paris(2026, 12, 14, 7, 0))

    [email] = emails_to(company_user.email)
    assert "« Vendredi »" in email.body
    assert list(Digest.objects.values_list("period", flat=True)) == [paris(2026, 12, 14, 7, 0), MONDAY]
    assert Digest.objects.get(period=paris(2026, 12, 14, 7, 0)).window_start == MONDAY


# --- Content ----------------------------------------------------------------------------------------------------


def test_the_new_messages_email(company_user, dossier, settings):
    MessageFactory(dossier=dossier, title="Pièce manquante", created_at=SATURDAY)
    MessageFactory(dossier=dossier, title="Accord envoyé", created_at=SATURDAY + datetime.timedelta(hours=1))

    run_at(MONDAY)

    [email] = mail.outbox
    assert email.subject == "Constructys - Nouveaux messages sur vos dossiers"
    assert email.to == ["marie.petit@batir.fr"]
    text = email.body
    assert text.startswith("Bonjour Marie,")
    assert "vous avez reçu des messages dans votre espace de gestion de la formation" in text
    assert f"{settings.SITE_URL}/egestion/connexion/" in text
    assert (
        "- Dossier n° 3119000013.01 — Stagiaire : Rémi Ndombele — 2 nouveaux messages :\n"
        "    « Pièce manquante »\n    « Accord envoyé »" in text
    )
    assert "contacter votre conseiller régional.\n" + settings.REGIONAL_CONTACTS_URL in text
    assert "Bonne journée !\nL'équipe Constructys" in text
    assert "courriers" not in text
    html = html_of(email)
    assert "3119000013.01" in html and "Rémi Ndombele" in html and "« Pièce manquante »" in html
    assert f'href="{settings.SITE_URL}/egestion/connexion/"' in html
    assert settings.REGIONAL_CONTACTS_URL in html and "L'équipe Constructys" in html


def test_what_users_typed_is_escaped_in_the_html_digest_and_kept_as_typed_in_the_text(company_user, dossier):
    """The dossier parts are built in Python (digests.parts), not by the template engine: they escape what a
    company, a provider or a case manager typed (message titles, document names, the course's title)."""
    dossier.title = "R&D <b>chantier</b>"
    dossier.save(update_fields=["title"])
    MessageFactory(dossier=dossier, title='<img src=x onerror="alert(1)"> & co', created_at=SATURDAY)
    DocumentFactory(dossier=dossier, name="<script>alert(1)</script>.pdf", uploaded_at=SATURDAY)

    run_at(MONDAY)

    html = "".join(html_of(email) for email in mail.outbox)
    assert "<img src=x" not in html and "<script>" not in html and "<b>chantier" not in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; co" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;.pdf" in html
    assert "R&amp;D &lt;b&gt;chantier&lt;/b&gt;" in html
    text = "".join(email.body for email in mail.outbox)
    assert '« <img src=x onerror="alert(1)"> & co »' in text and "    - <script>alert(1)</script>.pdf" in text


def test_the_new_documents_email_has_one_table_per_dossier_and_one_row_per_document(
    company_user, dossier, establishment
):
    DocumentFactory(dossier=dossier, name="Accord de PEC - CPRO DEV - Page 1.pdf", uploaded_at=SATURDAY)
    DocumentFactory(dossier=dossier, name="Accord de PEC - CPRO DEV - Page 2.pdf", uploaded_at=SATURDAY)
    other = DossierFactory(number="3119000014.01", employer_establishment=establishment)
    DocumentFactory(dossier=other, name="Convention.pdf", uploaded_at=SATURDAY)

    run_at(MONDAY)

    [email] = mail.outbox
    assert email.subject == "Constructys - Nouveaux documents sur vos dossiers"
    assert "vous avez reçu des courriers dans votre espace de gestion de la formation" in email.body
    assert "Vous pourrez retrouver les courriers suivants :" in email.body
    assert (
        "N° dossier : 3119000013.01\nStagiaire : Rémi Ndombele\nPrestataire de formation : INEO DIGITAL\n"
        "Intitulé du stage : Chef de projet digital\nDate début formation : 10/06/2026\n"
        "Date fin formation : 01/10/2027\nNom du document :\n"
        "    - Accord de PEC - CPRO DEV - Page 1.pdf\n    - Accord de PEC - CPRO DEV - Page 2.pdf\n" in email.body
    )
    html = html_of(email)
    assert html.count('<th align="left" style="padding:4px 6px;">Nom du document</th>') == 2  # one table per dossier
    for column in (
        "N° dossier",
        "Stagiaire",
        "Prestataire de formation",
        "Intitulé du stage",
        "Date début formation",
        "Date fin formation",
    ):
        assert column in html
    assert html.count('<td style="padding:4px 6px;">3119000013.01</td>') == 2  # one row per document
    assert '<td style="padding:4px 6px;">10/06/2026</td>' in html
    assert "Convention.pdf" in html
    digest = Digest.objects.get()
    assert (digest.messages_count, digest.documents_count, digest.dossiers_count) == (0, 3, 2)


def test_messages_and_documents_in_one_email_with_the_one_click_unsubscribe(client, company_user, dossier, settings):
    MessageFactory(dossier=dossier, title="Pièce manquante", created_at=SATURDAY)
    DocumentFactory(dossier=dossier, name="Accord.pdf", uploaded_at=SATURDAY)

    run_at(MONDAY)

    [email] = mail.outbox
    assert email.subject == "Constructys - Nouveaux messages et documents sur vos dossiers"
    assert "reçu des messages" in email.body and "reçu des courriers" in email.body
    assert email.body.count("L'équipe Constructys") == 1
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = email.extra_headers["List-Unsubscribe"].strip("<>")
    assert unsubscribe in email.body and unsubscribe in html_of(email)
    raw = email.message()
    assert raw["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert raw["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # The mail client's one-click POST, without session or CSRF token.
    client.logout()
    response = client.post(unsubscribe.removeprefix(settings.SITE_URL), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert company_user.digest_preference.mode == NotificationMode.NONE


def test_the_provider_gets_the_new_documents_of_the_dossiers_it_trains(provider_user, dossier, settings):
    DocumentFactory(dossier=dossier, name="Accord.pdf", uploaded_at=SATURDAY)
    DocumentFactory(dossier=dossier, received=True, uploaded_at=SATURDAY)  # from the company: not Constructys'
    MessageFactory(dossier=dossier, created_at=SATURDAY)  # messages are between the company and Constructys

    run_at(MONDAY)

    [email] = emails_to(provider_user.email)
    assert "Accord.pdf" in email.body and "CERFA" not in email.body
    assert "reçu des messages" not in email.body
    assert f"{settings.SITE_URL}/ogestion/connexion/" in email.body


# --- Who is told of what ---------------------------------------------------------------------------------------------


def test_nobody_is_told_of_what_they_wrote_uploaded_or_already_read(company_user, dossier):
    colleague = MembershipFactory(establishment=dossier.employer_establishment, role=Role.COMPANY_USER).user
    MessageFactory(dossier=dossier, from_company=True, author=company_user, created_at=SATURDAY, title="Le mien")
    read = MessageFactory(dossier=dossier, title="Déjà lu", created_at=SATURDAY)
    MessageReadFactory(message=read, user=company_user)
    DocumentFactory(dossier=dossier, name="Pièce jointe lue.pdf", message=read, uploaded_at=SATURDAY)
    DocumentFactory(dossier=dossier, name="Déposé par moi.pdf", uploaded_by=company_user, uploaded_at=SATURDAY)

    run_at(MONDAY)

    assert emails_to(company_user.email) == []
    # The colleague has read nothing: they are told (but not of the company's own message).
    [email] = emails_to(colleague.email)
    assert "« Déjà lu »" in email.body and "Le mien" not in email.body
    assert "Pièce jointe lue.pdf" in email.body and "Déposé par moi.pdf" in email.body


def test_only_what_is_in_scope_of_active_users_who_did_not_opt_out(company_user, dossier):
    MessageFactory(created_at=SATURDAY)  # another company's dossier
    MessageFactory(dossier=dossier, created_at=SATURDAY)
    gone = MembershipFactory(establishment=dossier.employer_establishment, inactive=True).user
    inactive = MembershipFactory(establishment=dossier.employer_establishment, user__is_active=False).user
    opted_out = MembershipFactory(establishment=dossier.employer_establishment).user
    services.set_mode(opted_out, NotificationMode.NONE)
    staff = UserFactory(staff=True)

    run_at(MONDAY)

    assert [message.to for message in mail.outbox] == [[company_user.email]]
    assert "1 nouveau message" in mail.outbox[0].body
    for user in (gone, inactive, opted_out, staff):
        assert not Digest.objects.filter(user=user).exists()


# --- Exactly once ----------------------------------------------------------------------------------------------------


@pytest.fixture
def five_users(dossier):
    users = [MembershipFactory(establishment=dossier.employer_establishment).user for _ in range(4)]
    MessageFactory(dossier=dossier, created_at=SATURDAY)
    return users


def test_a_repeated_run_sends_nothing_twice(company_user, five_users):
    run_at(MONDAY)
    assert len(mail.outbox) == 5

    run_at(MONDAY + datetime.timedelta(hours=1))
    services.send_batch(MONDAY, [user.pk for user in five_users])

    assert len(mail.outbox) == 5
    assert Digest.objects.filter(period=MONDAY, state=DigestState.SENT).count() == 5


class CrashingBackend(LocmemBackend):
    """Accepts `accept` emails, then the process "crashes" (the backend raises)."""

    accept = 2

    def send_messages(self, messages):
        if CrashingBackend.accept <= 0:
            raise ConnectionResetError("SMTP server went away")
        CrashingBackend.accept -= len(messages)
        return super().send_messages(messages)


def test_an_smtp_server_that_fails_half_way_delays_the_rest_and_sends_each_once(company_user, five_users, settings):
    settings.EMAIL_BACKEND = "tests.digests.test_digests.CrashingBackend"
    CrashingBackend.accept = 2

    run_at(MONDAY)

    assert len(mail.outbox) == 2
    # The digests are handed over to the outbox: the ledger is done, the outbox retries the rest.
    assert Digest.objects.filter(state=DigestState.SENT).count() == 5
    assert OutgoingEmail.objects.filter(kind="digest", status=EmailStatus.PENDING).count() == 3

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    run_at(MONDAY + datetime.timedelta(minutes=10))  # a rerun of the period builds nothing more
    assert len(mail.outbox) == 2
    with time_machine.travel(MONDAY + datetime.timedelta(minutes=10), tick=False):
        outbox_services.deliver()  # the beat sweeper

    recipients = sorted(message.to[0] for message in mail.outbox)
    assert recipients == sorted([company_user.email, *(user.email for user in five_users)])
    assert OutgoingEmail.objects.filter(kind="digest", status=EmailStatus.SENT).count() == 5


class UnreachableBackend(LocmemBackend):
    """An SMTP server that cannot be reached (each try would wait EMAIL_TIMEOUT); counts the tries."""

    tries = 0

    def send_messages(self, messages):
        UnreachableBackend.tries += 1
        raise TimeoutError("timed out")


def test_an_unreachable_smtp_server_is_tried_once_per_batch_and_every_digest_waits_in_the_outbox(
    company_user, five_users, settings, monkeypatch
):
    settings.EMAIL_BACKEND = "tests.digests.test_digests.UnreachableBackend"
    UnreachableBackend.tries = 0
    monkeypatch.setattr(services, "OUTBOX_CHUNK", 2)  # three hand-overs for five users

    run_at(MONDAY)

    assert UnreachableBackend.tries == 1
    assert Digest.objects.filter(state=DigestState.SENT).count() == 5
    assert OutgoingEmail.objects.filter(kind="digest", status=EmailStatus.PENDING).count() == 5
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with time_machine.travel(MONDAY + datetime.timedelta(minutes=10), tick=False):
        outbox_services.deliver()  # the beat sweeper, once the server is back
    assert len(mail.outbox) == 5


class WorkerKilled(BaseException):
    """SIGKILL: nothing of the worker runs after it (no except, no finally)."""


def test_a_worker_killed_between_the_smtp_acceptance_and_its_record_resends_that_one_email_once_after_its_lease(
    company_user, five_users, settings
):
    """Exactly once holds for the digests (ledger and outbox rows); the SMTP hand-off of the email a killed worker
    had not recorded yet is repeated once, after its lease, with the same Message-ID (receivers drop the copy)."""
    real_claim = outbox_services._claim_next

    def claim(ids=None, sent_id=None):
        if sent_id is not None:  # the statement that would record the email just accepted
            raise WorkerKilled
        return real_claim(ids, sent_id=sent_id)

    with (
        mock.patch.object(outbox_services, "_claim_next", claim),
        mock.patch.object(outbox_services, "_record_sent", lambda row_id: None),
        pytest.raises(WorkerKilled),
    ):
        run_at(MONDAY)
    [accepted] = mail.outbox
    assert Digest.objects.filter(state=DigestState.SENT).count() == 5
    assert OutgoingEmail.objects.filter(kind="digest").count() == 5

    run_at(MONDAY + datetime.timedelta(minutes=1))  # a rerun of the period builds nothing more
    with time_machine.travel(MONDAY + datetime.timedelta(minutes=1), tick=False):
        outbox_services.deliver()  # the sweeper: the four others; the killed worker's row is still leased
    assert len(mail.outbox) == 5
    after_lease = MONDAY + datetime.timedelta(seconds=settings.OUTBOX_LEASE_SECONDS + 120)
    with time_machine.travel(after_lease, tick=False):
        assert outbox_services.deliver().sent == 1
        assert outbox_services.deliver().sent == 0

    assert len(mail.outbox) == 6
    assert mail.outbox[-1].extra_headers["Message-ID"] == accepted.extra_headers["Message-ID"]
    assert OutgoingEmail.objects.filter(kind="digest", status=EmailStatus.SENT).count() == 5
    assert Digest.objects.count() == 5


def crash_on_the_third_email():
    real_build, built = services.build_digest_email, []

    def build(**kwargs):
        built.append(kwargs["user_id"])
        if len(built) == 3:
            raise MemoryError("the worker dies")
        return real_build(**kwargs)

    return mock.patch.object(services, "build_digest_email", build)


def test_a_run_that_crashes_half_way_is_resumed_by_the_next_run(company_user, five_users):
    with crash_on_the_third_email(), pytest.raises(MemoryError):
        run_at(MONDAY)

    assert mail.outbox == []
    assert Digest.objects.filter(state=DigestState.PENDING).count() == 5
    assert not OutgoingEmail.objects.exists()

    run_at(MONDAY + datetime.timedelta(minutes=10))

    recipients = sorted(message.to[0] for message in mail.outbox)
    assert recipients == sorted([company_user.email, *(user.email for user in five_users)])
    assert Digest.objects.filter(state=DigestState.SENT).count() == 5


def test_a_pending_digest_whose_news_were_read_meanwhile_is_not_sent(company_user, dossier):
    message = MessageFactory(dossier=dossier, created_at=SATURDAY)
    colleagues = [MembershipFactory(establishment=dossier.employer_establishment).user for _ in range(2)]
    with crash_on_the_third_email(), pytest.raises(MemoryError):
        run_at(MONDAY)
    MessageReadFactory(message=message, user=company_user)

    run_at(MONDAY)

    assert sorted(sent.to[0] for sent in mail.outbox) == sorted(user.email for user in colleagues)
    assert Digest.objects.get(user=company_user).state == DigestState.EMPTY


@pytest.mark.django_db(transaction=True)
def test_two_runs_of_the_same_period_at_the_same_time_send_once(company_user, five_users):
    barrier = threading.Barrier(2)
    errors = []

    def run():
        try:
            barrier.wait()
            services.send_batch(MONDAY, [company_user.pk, *(user.pk for user in five_users)])
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [company_user.email, *(user.email for user in five_users)]
    )


# --- At scale ----------------------------------------------------------------------------------------------------


def _company_with_news(users, dossiers, items):
    """`users` company users of one establishment, each with `items` messages and documents on `dossiers`."""
    establishment = MembershipFactory().establishment
    MembershipFactory.create_batch(users - 1, establishment=establishment)
    for _ in range(dossiers):
        dossier = DossierFactory(employer_establishment=establishment)
        EnrolmentFactory(dossier=dossier)
        MessageFactory.create_batch(items, dossier=dossier, created_at=SATURDAY)
        DocumentFactory.create_batch(items, dossier=dossier, uploaded_at=SATURDAY)
    return list(establishment.memberships.values_list("user_id", flat=True))


def test_a_batch_reads_with_a_constant_number_of_queries(django_assert_num_queries):
    small = _company_with_news(users=1, dossiers=1, items=1)
    large = _company_with_news(users=5, dossiers=3, items=4)
    # User locks, users, ledger, messages, documents, invoice decisions, dossiers, trainees, the week's échéances
    # and the users' establishments, ledger insert, the hand-over to the outbox (a savepoint in a test: ledger
    # update and outbox insert), unlock; then the outbox sends each email with one statement each (its claim, which
    # also records the email before it sent) and records the last one.
    with django_assert_num_queries(16 + len(small) + 1):
        services.send_batch(MONDAY, small)
    with django_assert_num_queries(16 + len(large) + 1):
        services.send_batch(MONDAY, large)
    assert len(mail.outbox) == len(small) + len(large) == 6


def test_the_run_fans_out_batches_of_users(settings, company_user, five_users):
    settings.DIGEST_BATCH_SIZE = 2
    outsider = UserFactory()  # no membership: no digest

    batches = services.plan_run(MONDAY)

    assert [len(batch) for batch in batches] == [2, 2, 1]
    assert outsider.pk not in sum(batches, [])
    services.send_batch(MONDAY, batches[0])
    assert sum(services.plan_run(MONDAY), []) == batches[1] + batches[2]


def test_a_colleague_s_message_to_constructys_is_not_news(company_user, dossier):
    MessageFactory(dossier=dossier, from_company=True, created_at=SATURDAY)
    run_at(MONDAY)
    assert mail.outbox == []


def test_the_command_sends_the_latest_period_and_can_widen_first_digests(company_user, dossier):
    MessageFactory(dossier=dossier, title="Il y a dix jours", created_at=MONDAY - datetime.timedelta(days=10))
    out = io.StringIO()

    with time_machine.travel(MONDAY + datetime.timedelta(hours=3), tick=False):
        call_command("send_digests", stdout=out)
        assert mail.outbox == []
        call_command("send_digests", "--first-window-days", "14", stdout=out)
        call_command("send_digests", "--first-window-days", "14", "--period", "2026-12-07T09:00", stdout=out)

    [email] = mail.outbox
    assert "« Il y a dix jours »" in email.body
    assert "Période du 2026-12-07T07:00:00+01:00 : 1 récapitulatif(s) envoyé(s)." in out.getvalue()
    assert out.getvalue().count("0 récapitulatif(s) envoyé(s)") == 2


def test_a_dossier_part_rendered_for_an_earlier_batch_is_reused_only_if_nothing_it_shows_changed(company_user, dossier):
    colleague = MembershipFactory(establishment=dossier.employer_establishment).user
    DocumentFactory(dossier=dossier, name="Accord.pdf", uploaded_at=SATURDAY)
    services.send_batch(MONDAY, [company_user.pk])
    dossier.title = "Chef de projet numérique"
    dossier.save(update_fields=["title"])

    services.send_batch(MONDAY, [colleague.pk])

    first, second = mail.outbox
    assert "Chef de projet digital" in first.body and "Chef de projet numérique" not in first.body
    assert "Chef de projet numérique" in second.body and "Chef de projet numérique" in html_of(second)


def test_nothing_is_told_of_a_dossier_the_company_no_longer_sees(company_user, establishment, provider_establishment):
    """A dossier finished more than 6 years ago is gone from eGestion: its messages and documents are no news to
    the company (the provider that trained it is still told of its documents)."""
    old = DossierFactory(
        employer_establishment=establishment,
        provider_establishment=provider_establishment,
        closed=True,
        start_date=datetime.date(2010, 1, 1),
        end_date=datetime.date(2010, 6, 1),
    )
    MessageFactory(dossier=old, title="Archives", created_at=SATURDAY)
    DocumentFactory(dossier=old, name="Attestation 2010.pdf", uploaded_at=SATURDAY)
    provider = MembershipFactory(role=Role.PROVIDER_USER, establishment=provider_establishment).user

    run_at(MONDAY)

    assert emails_to(company_user.email) == []
    [email] = emails_to(provider.email)
    assert "Attestation 2010.pdf" in email.body
