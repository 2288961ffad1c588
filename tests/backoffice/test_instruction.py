"""Instruction of dossiers through the admin: each change of status by a staff user of the right group, refused
for a group without the permission; the company is told by a message, the funding agreement is an issued document,
and each change is kept with who and when."""

import datetime
from decimal import Decimal
from html import unescape

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from accounts.models import Role
from dossiers.models import Document, DocumentDirection, DocumentKind, DossierStatus, DossierStatusChange
from invoicing.models import ContractTerms, NpecAmount
from messaging.models import Message, SenderSide
from tests.backoffice.conftest import pdf_text
from tests.factories import DossierFactory, EnrolmentFactory, MembershipFactory


@pytest.fixture
def company_user():
    return MembershipFactory(role=Role.COMPANY_MANAGER).user


@pytest.fixture
def dossier(company_user):
    dossier = DossierFactory(
        submitted=True, number="9931234567.01", employer_establishment=company_user.memberships.get().establishment
    )
    EnrolmentFactory(dossier=dossier, person__last_name="Lefebvre", person__first_name="Hugo")
    return dossier


def transition_url(dossier, code):
    return reverse("admin:dossiers_dossier_transition", args=[dossier.pk, code])


def company_messages(company_user, dossier):
    return Message.objects.for_company_user(company_user).filter(dossier=dossier)


def test_a_case_manager_accepts_a_dossier_and_the_funding_agreement_is_issued(
    staff_client, case_manager, dossier, company_user
):
    client = staff_client(case_manager)
    change_page = client.get(reverse("admin:dossiers_dossier_change", args=[dossier.pk]))
    assert transition_url(dossier, "accept") in change_page.text
    assert transition_url(dossier, "close") not in change_page.text  # not from "Transmis", nor for this group

    confirmation = client.get(transition_url(dossier, "accept"))
    assert "Confirmez-vous « Accepter » pour ce dossier ?" in confirmation.text
    response = client.post(transition_url(dossier, "accept"))

    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.ACCEPTED
    assert dossier.case_manager == case_manager  # had none: the one who instructs it takes it
    change = DossierStatusChange.objects.get(dossier=dossier)
    assert (change.from_status, change.to_status, change.changed_by) == ("submitted", "accepted", case_manager)
    agreement = Document.objects.get(dossier=dossier, kind=DocumentKind.FUNDING_AGREEMENT)
    assert agreement.direction == DocumentDirection.ISSUED
    assert Document.objects.for_company_user(company_user).filter(pk=agreement.pk).exists()
    text = pdf_text(agreement.file.read())
    assert "Accord de prise en charge" in text and "9931234567.01" in text and "LEFEBVRE Hugo" in text
    (message,) = company_messages(company_user, dossier)
    assert message.sender_side == SenderSide.CONSTRUCTYS and message.author == case_manager
    assert "accepté" in message.title and "DOCUMENT(S) ÉMIS" in message.body
    assert LogEntry.objects.filter(object_id=str(dossier.pk), user=case_manager).exists()


def test_incomplete_asks_for_the_missing_documents(staff_client, case_manager, dossier, company_user):
    client = staff_client(case_manager)

    empty = client.post(transition_url(dossier, "incomplete"), {"note": "  "})
    assert empty.status_code == 200 and "Ce champ est obligatoire." in empty.text
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUBMITTED

    client.post(transition_url(dossier, "incomplete"), {"note": "La convention de formation signée."})

    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.INCOMPLETE
    (message,) = company_messages(company_user, dossier)
    assert "La convention de formation signée." in message.body
    assert DossierStatusChange.objects.get(dossier=dossier).note == "La convention de formation signée."


def test_received_then_refused_with_a_reason(staff_client, case_manager, dossier, company_user):
    client = staff_client(case_manager)
    client.post(transition_url(dossier, "received"))
    client.post(transition_url(dossier, "refuse"), {"note": "Formation hors du champ conventionnel."})

    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.REFUSED
    assert list(DossierStatusChange.objects.filter(dossier=dossier).values_list("to_status", flat=True)) == [
        "refused",
        "received",
    ]
    assert "Formation hors du champ conventionnel." in company_messages(company_user, dossier).first().body


def test_a_change_not_allowed_from_the_status_is_refused(staff_client, regional_manager, dossier):
    response = staff_client(regional_manager).post(transition_url(dossier, "close"))

    assert response.status_code == 200
    assert "« Solder » n'est pas possible" in unescape(response.text)
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUBMITTED


def test_accounting_closes_an_accepted_dossier_but_cannot_accept(staff_client, accountant, company_user):
    accepted = DossierFactory(accepted=True, employer_establishment=company_user.memberships.get().establishment)
    submitted = DossierFactory(submitted=True)
    client = staff_client(accountant)

    assert client.post(transition_url(submitted, "accept")).status_code == 403
    assert client.post(transition_url(accepted, "close")).status_code == 302

    accepted.refresh_from_db()
    submitted.refresh_from_db()
    assert (accepted.status, submitted.status) == (DossierStatus.CLOSED, DossierStatus.SUBMITTED)


def test_a_case_manager_cannot_close(staff_client, case_manager):
    accepted = DossierFactory(accepted=True)

    assert staff_client(case_manager).post(transition_url(accepted, "close")).status_code == 403
    accepted.refresh_from_db()
    assert accepted.status == DossierStatus.ACCEPTED


def test_bulk_accept_from_the_list(staff_client, case_manager):
    first, second = DossierFactory.create_batch(2, received=True)
    finished = DossierFactory(refused=True)
    url = reverse("admin:dossiers_dossier_changelist")

    response = staff_client(case_manager).post(
        url, {"action": "accept", "_selected_action": [first.pk, second.pk, finished.pk]}, follow=True
    )

    assert "Accepter : 2 dossiers" in response.text
    assert "n'est pas possible" in unescape(response.text)
    assert Document.objects.filter(kind=DocumentKind.FUNDING_AGREEMENT).count() == 2
    finished.refresh_from_db()
    assert finished.status == DossierStatus.REFUSED


def test_the_bulk_actions_offered_follow_the_group(staff_client, case_manager, accountant):
    url = reverse("admin:dossiers_dossier_changelist")
    DossierFactory()

    manager_actions = dict(staff_client(case_manager).get(url).context["action_form"].fields["action"].choices)
    accounting_actions = dict(staff_client(accountant).get(url).context["action_form"].fields["action"].choices)

    assert {"mark_received", "accept"} <= set(manager_actions) and "close" not in manager_actions
    assert "close" in accounting_actions and "accept" not in accounting_actions


def test_a_second_click_on_accept_changes_nothing(staff_client, case_manager, dossier, company_user):
    client = staff_client(case_manager)
    assert client.post(transition_url(dossier, "accept")).status_code == 302

    again = client.post(transition_url(dossier, "accept"))

    assert again.status_code == 200
    assert "n'est pas possible" in unescape(again.text)
    assert DossierStatusChange.objects.filter(dossier=dossier).count() == 1
    assert Document.objects.filter(dossier=dossier, kind=DocumentKind.FUNDING_AGREEMENT).count() == 1
    assert company_messages(company_user, dossier).filter(sender_side=SenderSide.CONSTRUCTYS).count() == 1


@pytest.fixture
def apprenticeship(company_user):
    """An apprenticeship contract of two full years (01/09/2025 - 31/08/2027, concluded in August 2025) whose
    certification × IDCC has an NPEC of 8 000 € in the referential; no amount typed by the case manager."""
    dossier = DossierFactory(
        apprenticeship=True,
        submitted=True,
        number="9931234999.01",
        employer_establishment=company_user.memberships.get().establishment,
        start_date=datetime.date(2025, 9, 1),
        end_date=datetime.date(2027, 8, 31),
    )
    ContractTerms.objects.create(
        dossier=dossier,
        concluded_on=datetime.date(2025, 8, 20),
        starts_on=datetime.date(2025, 9, 1),
        ends_on=datetime.date(2027, 8, 31),
        certification_code="RNCP34862",
        idcc="1597",
    )
    NpecAmount.objects.create(
        certification_code="RNCP34862", idcc="1597", annual_amount=Decimal("8000.00"), valid_from="2025-01-01"
    )
    return dossier


def agreement_text(dossier):
    return pdf_text(Document.objects.get(dossier=dossier, kind=DocumentKind.FUNDING_AGREEMENT).file.read())


def test_an_accepted_apprenticeship_is_agreed_at_its_npec(staff_client, case_manager, apprenticeship, company_user):
    staff_client(case_manager).post(transition_url(apprenticeship, "accept"))

    apprenticeship.refresh_from_db()
    assert apprenticeship.agreed_amount == Decimal("16000.00")  # two years of 365 days at 8 000 €
    text = agreement_text(apprenticeship)
    assert "à hauteur de 16 000,00 €, versés au CFA selon l'échéancier" in text
    assert "NPEC) annuel de la certification pour la convention collective de l'employeur : 8 000,00 €" in text
    assert "année 1 du contrat : 8 000,00 € ; année 2 du contrat : 8 000,00 €" in text
    (message,) = company_messages(company_user, apprenticeship)
    assert "est accepté pour un montant de 16 000,00 €" in message.body.replace("\u00a0", " ")
    # Still the case manager's to change: the dossier's page edits it.
    page = staff_client(case_manager).get(reverse("admin:dossiers_dossier_change", args=[apprenticeship.pk]))
    assert 'name="agreed_amount"' in page.text


def test_the_amount_the_case_manager_typed_is_kept(staff_client, case_manager, apprenticeship):
    apprenticeship.agreed_amount = Decimal("15000.00")
    apprenticeship.save()

    staff_client(case_manager).post(transition_url(apprenticeship, "accept"))

    apprenticeship.refresh_from_db()
    assert apprenticeship.agreed_amount == Decimal("15000.00")
    assert "à hauteur de 15 000,00 €" in agreement_text(apprenticeship)


def test_without_an_npec_the_accord_says_how_it_is_paid(staff_client, case_manager, apprenticeship):
    NpecAmount.objects.all().delete()

    staff_client(case_manager).post(transition_url(apprenticeship, "accept"))

    apprenticeship.refresh_from_db()
    assert apprenticeship.agreed_amount is None
    assert "pris en charge au niveau de prise en charge (NPEC) de la certification visée" in agreement_text(
        apprenticeship
    )
