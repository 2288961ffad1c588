"""The back office speaks French: dates 03/12/2026 17:20, amounts 9 675,25 €, phones 05 56 12 34 01, sizes
"30,6 Ko", counts that agree; a payment line's dossier typed by its number; a dossier's numbers and dates fixed; only
those who instruct dossiers offered as case managers; answers to the company with attachments, back on the dossier."""

import datetime
import re
from decimal import Decimal
from html import unescape

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from backoffice import instruction
from content.models import Advisor
from dossiers.models import Document, DocumentDirection
from messaging.models import Message, SenderSide
from payments.models import PaymentLine
from tests.factories import (
    TINY_PDF,
    DocumentFactory,
    DossierFactory,
    MessageFactory,
    PaymentFactory,
    PaymentLineFactory,
)

NBSP = "\u00a0"
AT_17_20_IN_PARIS = datetime.datetime(2026, 12, 3, 16, 20, tzinfo=datetime.UTC)


def plain(html: str) -> str:
    return re.sub(r"\s+", " ", html.replace(NBSP, " ").replace("\u202f", " "))


def test_lists_and_pages_write_dates_amounts_and_sizes_the_french_way(staff_client, case_manager):
    payment = PaymentFactory(total_amount=Decimal("9675.25"), paid_on=datetime.date(2026, 12, 3))
    dossier = DossierFactory(start_date=datetime.date(2026, 3, 2), end_date=datetime.date(2026, 6, 30))
    DocumentFactory(dossier=dossier, size=31334, uploaded_at=AT_17_20_IN_PARIS)
    MessageFactory(dossier=dossier, created_at=AT_17_20_IN_PARIS)
    client = staff_client(case_manager)

    payments = plain(client.get(reverse("admin:payments_payment_changelist")).text)
    dossier_page = plain(client.get(reverse("admin:dossiers_dossier_change", args=[dossier.pk])).text)
    documents = plain(client.get(reverse("admin:dossiers_document_changelist")).text)

    assert "9 675,25 €" in payments and "03/12/2026" in payments
    assert str(payment.reference) in payments
    assert "9675,25" not in payments and "3 décembre 2026" not in payments
    assert "02/03/2026" in dossier_page and "30/06/2026" in dossier_page
    assert "03/12/2026 17:20" in dossier_page  # the message's date, in Paris time
    assert "30,6 Ko" in dossier_page and "30,6 Ko" in documents
    assert "31334" not in documents


def test_phones_are_written_in_pairs(staff_client, administrator):
    Advisor.objects.create(name="Claire Martin", phone="0556123401", email="claire.martin@constructys.fr")

    listing = plain(staff_client(administrator).get(reverse("admin:content_advisor_changelist")).text)

    assert "05 56 12 34 01" in listing


def test_a_bulk_action_counts_in_french(staff_client, case_manager):
    first, second, third = DossierFactory.create_batch(3, received=True)
    client = staff_client(case_manager)

    two = client.post(
        reverse("admin:dossiers_dossier_changelist"),
        {"action": "accept", "_selected_action": [first.pk, second.pk]},
        follow=True,
    )
    one = client.post(
        reverse("admin:dossiers_dossier_changelist"),
        {"action": "accept", "_selected_action": [third.pk]},
        follow=True,
    )

    assert [str(m) for m in two.context["messages"]] == [f"Accepter : 2 dossiers ({first.number}, {second.number})."]
    assert [str(m) for m in one.context["messages"]] == [f"Accepter : 1 dossier ({third.number})."]


def test_a_payment_lines_dossier_is_typed_and_shown_by_its_number(staff_client, accountant):
    line = PaymentLineFactory()
    client = staff_client(accountant)

    page = client.get(reverse("admin:payments_payment_change", args=[line.payment_id])).text

    assert f'name="lines-0-dossier" value="{line.dossier.number}"' in page
    data = {
        "reference": "VIR560",
        "paid_on": "02/04/2025",
        "beneficiary": line.payment.beneficiary_id,
        "mode": line.payment.mode,
        "total_amount": "90.00",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "1000",
        "lines-0-invoice_date": "10/03/2025",
        "lines-0-invoice_number": "FEH99",
        "lines-0-dossier": "9999999999.99",
        "lines-0-amount": "90.00",
    }
    unknown = client.post(reverse("admin:payments_payment_add"), data)
    assert "Aucun dossier ne porte ce numéro" in unknown.text
    data["lines-0-dossier"] = f" {line.dossier.number} "
    assert client.post(reverse("admin:payments_payment_add"), data).status_code == 302
    assert PaymentLine.objects.filter(dossier=line.dossier).count() == 2


def test_a_dossiers_numbers_and_dates_are_read_only_on_its_page(staff_client, case_manager):
    dossier = DossierFactory()

    form = (
        staff_client(case_manager).get(reverse("admin:dossiers_dossier_change", args=[dossier.pk])).context["adminform"]
    )

    assert {"number", "request_number", "start_date", "end_date"} <= set(form.readonly_fields)
    assert not {"number", "request_number", "start_date", "end_date"} & set(form.form.fields)


def test_only_staff_who_instruct_dossiers_are_offered_as_case_managers(
    staff_client, case_manager, accountant, regional_manager
):
    dossier = DossierFactory()
    client = staff_client(case_manager)

    page = client.get(reverse("admin:dossiers_dossier_change", args=[dossier.pk]))
    offered = set(page.context["adminform"].form.fields["case_manager"].queryset)
    filter_choices = client.get(reverse("admin:dossiers_dossier_changelist")).text

    assert case_manager in offered and regional_manager in offered
    assert accountant not in offered and accountant not in set(instruction.case_manager_candidates())
    assert accountant.get_full_name() not in filter_choices
    refused = client.post(
        reverse("admin:dossiers_dossier_change", args=[dossier.pk]),
        {"case_manager": accountant.pk},
    )
    assert refused.status_code == 200
    dossier.refresh_from_db()
    assert dossier.case_manager_id != accountant.pk


def test_an_answer_takes_attachments_and_returns_to_the_dossier(staff_client, case_manager):
    dossier = DossierFactory()
    client = staff_client(case_manager)

    response = client.post(
        reverse("admin:messaging_message_add"),
        {
            "dossier": dossier.pk,
            "title": "RE : Convention",
            "body": "Voici la convention signée.",
            "fichiers": [SimpleUploadedFile("convention.pdf", TINY_PDF)],
        },
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:dossiers_dossier_change", args=[dossier.pk])
    answer = Message.objects.get(dossier=dossier, sender_side=SenderSide.CONSTRUCTYS)
    attachment = Document.objects.get(message=answer)
    assert (attachment.dossier, attachment.direction, attachment.name) == (
        dossier,
        DocumentDirection.ISSUED,
        "convention.pdf",
    )
    form = client.get(reverse("admin:messaging_message_add"), {"dossier": dossier.pk})
    assert 'enctype="multipart/form-data"' in form.text and 'type="file" name="fichiers" multiple' in form.text


def test_an_attachment_that_is_not_a_pdf_or_an_image_is_refused_and_nothing_is_sent(staff_client, case_manager):
    dossier = DossierFactory()

    response = staff_client(case_manager).post(
        reverse("admin:messaging_message_add"),
        {
            "dossier": dossier.pk,
            "title": "RE : Convention",
            "body": "Voici.",
            "fichiers": [SimpleUploadedFile("programme.exe", b"MZ not a document")],
        },
    )

    assert response.status_code == 200
    assert "n'est pas un" in unescape(response.text)
    assert not Message.objects.filter(dossier=dossier).exists()
    assert not Document.objects.filter(dossier=dossier).exists()


def test_allauths_second_factors_are_named_in_french(staff_client):
    from tests.factories import UserFactory

    superuser = UserFactory(staff=True, is_superuser=True)
    client = staff_client(superuser)

    index = client.get(reverse("admin:index")).text
    listing = unescape(client.get(reverse("admin:mfa_authenticator_changelist")).text)
    page = unescape(client.get(reverse("admin:mfa_authenticator_add")).text)

    assert "Double authentification" in index and "Moyens de double authentification" in index
    assert ">MFA<" not in index and "Authenticators" not in index
    assert "Supprimer les moyens de double authentification sélectionnés" in listing
    visible = re.sub(r"<script.*?</script>|<[^>]+>", " ", listing, flags=re.S)
    assert "authenticator" not in visible.lower()
    assert "Ajout de moyen de double authentification" in page
    assert ">Compte" in page and ">User" not in page


def test_case_manager_candidates_are_active_staff_who_may_instruct(case_manager, accountant):
    from django.contrib.auth.models import Permission

    from tests.factories import UserFactory

    own_permission = UserFactory(staff=True, last_name="Aaron")
    own_permission.user_permissions.add(Permission.objects.get(codename="instruct_dossier"))
    superuser = UserFactory(superuser=True, last_name="Zola")
    UserFactory(staff=True, is_active=False, is_superuser=True)  # left Constructys
    UserFactory(is_superuser=True)  # not staff: never in the back office
    UserFactory(staff=True)  # staff without the permission

    assert list(instruction.case_manager_candidates()) == [own_permission, case_manager, superuser]
