"""A dossier's page in the back office lists its trainees, documents, messages, payment lines and the history of its
status (backoffice.dossier_panels): what a line shows, in which order, to whom, and the empty states."""

import datetime
import re
from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from backoffice import dossier_panels, instruction
from dossiers.models import Document, DocumentDirection, DocumentKind
from tests.backoffice.conftest import company_message
from tests.factories import (
    DocumentFactory,
    DossierFactory,
    EnrolmentFactory,
    MessageFactory,
    PaymentLineFactory,
    UserFactory,
)


def page(client, dossier):
    response = client.get(reverse("admin:dossiers_dossier_change", args=[dossier.pk]))
    assert response.status_code == 200
    return response.text


def block(html, key):
    """The HTML of the list or inline whose id is "<key>-group", or None."""
    match = re.search(rf'<div[^>]* id="{key}-group"(.*?)</table>', html, re.S)
    return match.group(1) if match else None


def cells(html, key):
    """Each line of a list, as the text of its cells (tags out, spaces normalised)."""
    body = block(html, key).split("<tbody>", 1)[1]
    return [
        [
            " ".join(unescape(re.sub(r"<[^>]+>", " ", cell)).split())
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        ]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    ]


def local(moment):
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")


def test_each_list_shows_what_the_case_manager_reads(staff_client, case_manager):
    dossier = DossierFactory(submitted=True)
    enrolment = EnrolmentFactory(dossier=dossier, person__last_name="Kerbrat", person__first_name="Yanis")
    document = DocumentFactory(dossier=dossier, name="Convention signée.pdf", content=b"%PDF-1.4" + b"x" * 3000)
    author = UserFactory(first_name="Marie", last_name="Durand")
    message = company_message(dossier, author=author, title="Question planning", body="Première ligne\nSeconde")
    PaymentLineFactory(
        dossier=dossier,
        payment__beneficiary=dossier.provider_establishment,
        payment__reference="VIR77001",
        payment__paid_on=datetime.date(2026, 10, 25),
        invoice_number="FEH1234",
        period_start=datetime.date(2026, 7, 16),
        period_end=datetime.date(2026, 9, 18),
        amount=Decimal("12345.60"),
    )
    change = instruction.change_status(dossier, case_manager, "incomplete", "Il manque la convention.\nMerci.")

    html = page(staff_client(case_manager), dossier)

    assert cells(html, "trainees") == [["KERBRAT Yanis", local(enrolment.created_at)]]
    assert f'<a href="/admin/accounts/person/{enrolment.person_id}/change/">KERBRAT Yanis</a>' in html
    assert cells(html, "documents") == [
        [
            "Convention signée.pdf",
            "Accord de prise en charge",
            "Émis par Constructys",
            "2,9 Ko",
            "-",
            local(document.uploaded_at),
            "Télécharger",
        ]
    ]
    download = reverse("admin:dossiers_document_download", args=[document.pk])
    assert f'<a href="{download}">Télécharger</a>' in block(html, "documents")
    # The company's message, under the one the change of status sent (newest first).
    assert cells(html, "messages")[-1] == [
        local(message.created_at),
        "Entreprise",
        "Marie DURAND",
        "Non lu",
        "Question planning",
        "Première ligne Seconde",
    ]
    assert "Première ligne<br>Seconde" in block(html, "messages")
    assert cells(html, "payment_lines") == [
        [
            "VIR77001",
            "25/10/2026",
            dossier.provider_establishment.name,
            "FEH1234",
            "16/07/2026",
            "18/09/2026",
            "12 345,60 €",
        ]
    ]
    assert cells(html, "status_changes") == [
        [local(change.changed_at), "Transmis", "Incomplet", "Camille GESTION", "Il manque la convention. Merci."]
    ]
    assert "Il manque la convention.<br>Merci." in block(html, "status_changes")


def test_a_downloaded_document_is_the_file(staff_client, case_manager):
    dossier = DossierFactory()
    DocumentFactory(dossier=dossier, name="Convention.pdf")
    client = staff_client(case_manager)
    link = re.search(r'<a href="([^"]+)">Télécharger</a>', block(page(client, dossier), "documents")).group(1)

    response = client.get(link)

    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_lines_come_newest_first_and_hostile_text_stays_text(staff_client, case_manager):
    dossier = DossierFactory()
    now = timezone.now()
    older = MessageFactory(dossier=dossier, title="<b>Ancien</b>", created_at=now - datetime.timedelta(days=2))
    newer = MessageFactory(
        dossier=dossier, title="Récent", body="<script>alert(1)</script> & " + "x" * 400, created_at=now
    )

    html = page(staff_client(case_manager), dossier)

    assert [line[4] for line in cells(html, "messages")] == [newer.title, older.title]
    assert "&lt;b&gt;Ancien&lt;/b&gt;" in html and "<b>Ancien" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; " in html and "<script>alert" not in html
    excerpt = cells(html, "messages")[0][5]
    assert len(excerpt) == dossier_panels.MESSAGE_EXCERPT and excerpt.endswith("…")


def test_an_unread_company_message_is_marked_until_a_case_manager_opens_it(staff_client, case_manager):
    dossier = DossierFactory()
    company_message(dossier)
    client = staff_client(case_manager)

    assert cells(page(client, dossier), "messages")[0][3] == "Non lu"
    assert cells(page(client, dossier), "messages")[0][3] == ""  # read on the first visit


def test_an_empty_dossier_says_so_in_each_list(staff_client, administrator):
    html = page(staff_client(administrator), DossierFactory())

    assert cells(html, "trainees") == [["Aucun stagiaire inscrit sur ce dossier."]]
    assert cells(html, "documents") == [["Aucun document sur ce dossier."]]
    assert cells(html, "messages") == [["Aucun message sur ce dossier."]]
    assert cells(html, "payment_lines") == [["Aucun règlement sur ce dossier."]]
    assert cells(html, "status_changes") == [["Aucun changement d'état."]]


def test_the_lists_come_in_the_pages_order_and_post_nothing_back(staff_client, case_manager):
    html = page(staff_client(case_manager), DossierFactory())

    assert re.findall(r'id="([a-z_]+)-group"', html) == [
        "trainees",
        "documents",
        "messages",
        "payment_lines",
        "status_changes",
    ]
    assert "TOTAL_FORMS" not in html


@pytest.mark.parametrize("persona", ["case_manager", "regional_manager", "accountant", "administrator"])
def test_a_list_is_shown_to_whoever_may_view_its_lines(request, staff_client, persona):
    user = request.getfixturevalue(persona)
    dossier = DossierFactory()

    html = page(staff_client(user), dossier)

    for panel in dossier_panels.PANELS:
        app_label, model_name = panel.permission.split(".")
        may_view = user.has_perm(f"{app_label}.view_{model_name}") or user.has_perm(f"{app_label}.change_{model_name}")
        assert (block(html, panel.key) is not None) is may_view, panel.key
    if persona == "accountant":  # accounting reads the payments, not the thread nor the trainees
        assert block(html, "messages") is None and block(html, "trainees") is None
        assert block(html, "payment_lines") is not None


@pytest.mark.parametrize("persona", ["case_manager", "accountant", "administrator"])
def test_documents_are_those_the_staff_user_may_open(request, staff_client, persona):
    """No RIB, no remittance advice (it prints the IBAN paid), no message attachment to who may not open them: the
    list shows exactly Document.objects.for_staff_user."""

    user = request.getfixturevalue(persona)
    dossier = DossierFactory()
    DocumentFactory(dossier=dossier, name="Accord.pdf")
    DocumentFactory(dossier=dossier, name="Avis de virement VIR1.pdf", kind=DocumentKind.REMITTANCE_ADVICE)
    attachment = DocumentFactory(
        dossier=dossier, name="Pièce jointe.pdf", direction=DocumentDirection.RECEIVED, kind=DocumentKind.OTHER
    )
    attachment.message = company_message(dossier)
    attachment.save(update_fields=["message"])

    html = page(staff_client(user), dossier)

    expected = Document.objects.filter(dossier=dossier).for_staff_user(user).values_list("name", flat=True)
    assert sorted(line[0] for line in cells(html, "documents")) == sorted(expected)
    assert "Accord.pdf" in expected
    if persona == "case_manager":
        assert set(expected) == {"Accord.pdf", "Pièce jointe.pdf"}
