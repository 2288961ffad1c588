"""Messages of a dossier: list with unread marks, opening marks read (per user), "Marquer comme non lu", "+" to
send with files, the Messagerie of all dossiers, and the case manager's answer from the admin."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from dossiers.models import DocumentDirection
from messaging import services
from messaging.models import Message, MessageRead, SenderSide
from tests.factories import (
    TINY_PDF,
    DossierFactory,
    MembershipFactory,
    MessageFactory,
    UserFactory,
)


def thread_url(dossier):
    return reverse("egestion:dossier_tab", args=[dossier.number, "messages"])


def test_the_messages_tab_lists_date_title_and_start_unread_marked(client, company_user, dossier):
    MessageFactory(dossier=dossier, title="Lu", body="x" * 200, created_at=timezone.now() - datetime.timedelta(days=2))
    read = Message.objects.get(title="Lu")
    services.mark_read(read, company_user)
    client.force_login(company_user)
    html = client.get(thread_url(dossier)).content.decode()
    assert "Pièce manquante" in html and "Merci de nous envoyer la convention" in html
    assert html.count("message-row--unread") == 1
    assert "x" * 100 not in html  # only the start of a long message
    assert html.index("Pièce manquante") < html.index(">Lu<")  # latest first


def test_opening_a_message_marks_it_read_for_that_user_only(client, company_user, establishment, dossier):
    colleague = MembershipFactory(establishment=establishment, role=Role.COMPANY_USER).user
    message = dossier.messages.get()
    client.force_login(company_user)
    response = client.get(reverse("egestion:dossier_message", args=[dossier.number, message.pk]))
    assert response.status_code == 200 and "Merci de nous envoyer la convention signée." in response.content.decode()
    assert MessageRead.objects.filter(message=message, user=company_user).exists()
    assert not MessageRead.objects.filter(message=message, user=colleague).exists()
    client.get(reverse("egestion:dossier_message", args=[dossier.number, message.pk]))  # idempotent
    assert MessageRead.objects.filter(message=message).count() == 1
    assert client.get(thread_url(dossier)).context["unread"] == 0


def test_mark_unread_puts_it_back(client, company_user, dossier):
    message = dossier.messages.get()
    services.mark_read(message, company_user)
    client.force_login(company_user)
    url = reverse("egestion:dossier_message_unread", args=[dossier.number, message.pk])
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == thread_url(dossier)
    assert not MessageRead.objects.filter(message=message, user=company_user).exists()
    assert client.get(thread_url(dossier)).context["unread"] == 1


def test_plus_sends_a_message_with_files_that_appears_at_the_top(client, company_user, dossier):
    client.force_login(company_user)
    url = reverse("egestion:dossier_message_new", args=[dossier.number])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "titre": "Convention signée",
            "contenu": "Bonjour, voici la convention.",
            "fichiers": [SimpleUploadedFile("convention.pdf", TINY_PDF)],
        },
    )
    assert response.status_code == 302
    message = Message.objects.get(title="Convention signée")
    assert message.sender_side == SenderSide.COMPANY and message.author == company_user
    attachment = message.attachments.get()
    assert attachment.dossier == dossier and attachment.direction == DocumentDirection.RECEIVED
    thread = client.get(thread_url(dossier)).context["thread"]
    assert thread[0] == message and thread[0].is_read  # one's own message is read
    page = client.get(reverse("egestion:dossier_message", args=[dossier.number, message.pk])).content.decode()
    assert reverse("egestion:dossier_document", args=[dossier.number, attachment.pk]) in page
    assert client.get(reverse("egestion:dossier_document", args=[dossier.number, attachment.pk])).status_code == 200


def test_an_incomplete_message_or_a_bad_file_sends_nothing(client, company_user, dossier):
    client.force_login(company_user)
    url = reverse("egestion:dossier_message_new", args=[dossier.number])
    response = client.post(url, {"titre": "", "contenu": ""})
    assert response.status_code == 400 and "Indiquez le titre" in response.content.decode()
    response = client.post(
        url, {"titre": "T", "contenu": "C", "fichiers": [SimpleUploadedFile("x.pdf", b"GIF89a not a pdf")]}
    )
    assert response.status_code == 400
    assert dossier.messages.count() == 1


def test_the_messagerie_lists_every_dossier_with_an_unread_filter(client, company_user, establishment, dossier):
    other = DossierFactory(employer_establishment=establishment)
    read = MessageFactory(dossier=other, title="Déjà lu")
    services.mark_read(read, company_user)
    MessageFactory(title="Ailleurs")  # another company's
    client.force_login(company_user)
    response = client.get(reverse("egestion:messages"))
    titles = [m.title for m in response.context["page"].object_list]
    assert sorted(titles) == ["Déjà lu", "Pièce manquante"]
    unread = client.get(reverse("egestion:messages"), {"filtre": "non-lus"})
    assert [m.title for m in unread.context["page"].object_list] == ["Pièce manquante"]


@pytest.mark.parametrize("rows", [3, 30])
def test_the_messagerie_runs_a_constant_number_of_queries(
    client, company_user, dossier, rows, django_assert_max_num_queries
):
    MessageFactory.create_batch(rows, dossier=dossier)
    client.force_login(company_user)
    with django_assert_max_num_queries(15):
        assert client.get(reverse("egestion:messages")).status_code == 200


def test_the_case_manager_answers_from_the_admin(client, dossier):
    staff = UserFactory(staff=True, superuser=True)
    client.force_login(staff)
    mine = MessageFactory(dossier=dossier, from_company=True)
    listing = client.get(reverse("admin:messaging_message_changelist")).content.decode()
    assert "Répondre" in listing
    response = client.get(
        reverse("admin:messaging_message_add"), {"dossier": dossier.pk, "title": f"RE : {mine.title}"}
    )
    assert response.status_code == 200
    response = client.post(
        reverse("admin:messaging_message_add"),
        {"dossier": dossier.pk, "title": "Réponse du gestionnaire", "body": "Bien reçu, merci."},
    )
    assert response.status_code == 302
    message = Message.objects.get(title="Réponse du gestionnaire")
    assert message.sender_side == SenderSide.CONSTRUCTYS and message.author == staff


def test_reply_as_case_manager_service(dossier):
    staff = UserFactory(staff=True)
    message = services.reply_as_case_manager(dossier, staff, " Réponse ", " Bien reçu. ")
    assert (message.sender_side, message.author, message.title, message.body) == (
        SenderSide.CONSTRUCTYS,
        staff,
        "Réponse",
        "Bien reçu.",
    )


def test_the_messagerie_counts_what_the_user_has_seen_only_for_the_unread_filter(client, company_user, dossier):
    """Every message's count is the page's; what the user has opened is read only to count the unread ones."""
    services.mark_read(MessageFactory(dossier=dossier), company_user)
    client.force_login(company_user)
    with CaptureQueriesContext(connection) as everything:
        response = client.get(reverse("egestion:messages"))
    assert response.context["page"].paginator.count == 2
    assert not [q for q in everything if "messaging_seencount" in q["sql"]]
    unread = client.get(reverse("egestion:messages"), {"filtre": "non-lus"})
    assert unread.context["page"].paginator.count == 1


def test_the_messagerie_reads_only_what_its_rows_show(client, company_user, dossier):
    client.force_login(company_user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("egestion:messages"))
    assert [m.title for m in response.context["page"].object_list] == ["Pièce manquante"]
    listing = [q["sql"] for q in queries if q["sql"].startswith('SELECT "messaging_message"."id"')]
    assert len(listing) == 1
    assert '"dossiers_dossier"."number"' in listing[0] and '"dossiers_dossier"."title"' not in listing[0]
