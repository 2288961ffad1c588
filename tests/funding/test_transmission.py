"""Transmission: a complete request becomes a dossier "Transmis" with its numbers, its apprentice, its documents,
and a confirmation email; an incomplete one is refused with the problems named; transmitting twice transmits once."""

import re
import subprocess
import threading
from datetime import date

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import TestCase

from accounts.models import Civility, Person
from dossiers.models import Document, DocumentDirection, DocumentKind, Dossier, DossierStatus, Scheme
from funding import services
from funding.models import FundingRequest, RequestDocumentKind, RequestKind, RequestStatus
from funding.transmission import (
    REQUIRED_DOCUMENTS,
    missing_documents,
    submission_problems,
    submit_request,
)
from tests.dossiers.cerfa.payloads import CFA_UAI
from tests.factories import PersonFactory, ProviderEstablishmentFactory, UserFactory
from tests.funding.conftest import TODAY, pdf_upload


def submit(funding_request, user):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return submit_request(funding_request, user=user, today=TODAY)


def pdf_text(content: bytes) -> str:
    return subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True).stdout.decode()


# --- what prevents the transmission ------------------------------------------------------------------------------


def test_required_documents_of_an_apprenticeship():
    assert REQUIRED_DOCUMENTS[RequestKind.APPRENTICESHIP] == [
        RequestDocumentKind.SIGNED_CERFA,
        RequestDocumentKind.TRAINING_AGREEMENT,
    ]


def test_missing_documents_and_problems_of_a_draft_without_files(draft, user, sample_referentials):
    assert missing_documents(draft) == ["CERFA signé", "Convention de formation signée"]
    assert submission_problems(draft, today=TODAY) == {
        "documents": [
            "Pièce obligatoire manquante : CERFA signé.",
            "Pièce obligatoire manquante : Convention de formation signée.",
        ]
    }

    services.attach_document(draft, kind=RequestDocumentKind.SIGNED_CERFA, uploaded_file=pdf_upload(), user=user)
    assert missing_documents(draft) == ["Convention de formation signée"]


def test_a_complete_request_has_no_problem(complete_request):
    assert submission_problems(complete_request, today=TODAY) == {}


def _assert_nothing_transmitted(funding_request):
    funding_request.refresh_from_db()
    assert funding_request.status == RequestStatus.DRAFT
    assert funding_request.dossier is None and funding_request.submitted_at is None
    assert not Dossier.objects.exists()
    assert not Document.objects.exists()
    assert mail.outbox == []


def test_a_blocking_error_refuses_the_transmission_and_names_the_field(complete_request, user):
    services.save_draft(complete_request, {"apprenti_nom_naissance": "", "employeur_code_idcc": "1234"})
    complete_request.refresh_from_db()

    assert set(submission_problems(complete_request, today=TODAY)) == {"apprenti_nom_naissance", "employeur_code_idcc"}
    with pytest.raises(ValidationError) as error:
        submit(complete_request, user)

    assert "Nom de naissance de l'apprenti(e) : Ce champ est obligatoire." in error.value.messages
    assert any(
        message.startswith("Code IDCC de la convention collective applicable : La convention collective IDCC 1234")
        for message in error.value.messages
    )
    _assert_nothing_transmitted(complete_request)


def test_a_missing_document_refuses_the_transmission_and_names_it(draft, user, sample_referentials):
    services.attach_document(draft, kind=RequestDocumentKind.SIGNED_CERFA, uploaded_file=pdf_upload(), user=user)

    with pytest.raises(ValidationError) as error:
        submit(draft, user)

    assert error.value.messages == ["Pièce obligatoire manquante : Convention de formation signée."]
    _assert_nothing_transmitted(draft)


def test_warnings_do_not_block(complete_request, user):
    # IDCC 650 is repealed: a warning (W-IDCC-VIGUEUR) the user has seen.
    services.save_draft(complete_request, {"employeur_code_idcc": "650"})
    complete_request.refresh_from_db()

    assert submit(complete_request, user).status == DossierStatus.SUBMITTED


def test_a_diploma_not_found_in_the_referential_can_be_transmitted(complete_request, user):
    # "99 – Certification non trouvée": the user names the diploma in the title instead of a code.
    services.save_draft(complete_request, {"formation_code_diplome": "99"})
    complete_request.refresh_from_db()

    assert submission_problems(complete_request, today=TODAY) == {}
    assert submit(complete_request, user).status == DossierStatus.SUBMITTED


def test_a_plan_request_is_checked_by_the_plan_rules_not_the_cerfa(complete_request, user):
    FundingRequest.objects.filter(pk=complete_request.pk).update(kind=RequestKind.PLAN)
    complete_request.refresh_from_db()

    with pytest.raises(ValidationError, match="ajoutez au moins un module"):
        submit(complete_request, user)


# --- the dossier -------------------------------------------------------------------------------------------------


def test_transmission_creates_the_submitted_dossier_with_its_numbers(complete_request, user, establishment):
    dossier = submit(complete_request, user)

    dossier.refresh_from_db()
    assert re.fullmatch(r"\d{10}\.01", dossier.number) and int(dossier.number[:-3]) >= 9930000001
    assert re.fullmatch(r"\d{7}", dossier.request_number) and int(dossier.request_number) >= 2100001
    assert dossier.scheme == Scheme.ALTE
    assert dossier.status == DossierStatus.SUBMITTED
    assert dossier.title == "CAP Maçon"
    # The dossier's dates are the training's (CFA start, planned end of exams), not the contract's (1/9/2025-31/8/2027).
    assert (dossier.start_date, dossier.end_date) == (date(2025, 9, 8), date(2027, 7, 9))
    assert dossier.employer_establishment == establishment
    assert dossier.provider_establishment is None  # no establishment of the portal has the CFA's UAI
    assert dossier.created_by == user
    assert dossier in Dossier.objects.for_company_user(user)


def test_each_transmission_takes_the_next_numbers(complete_request, user, establishment):
    first = submit(complete_request, user)
    second_request = services.create_draft(user=user, establishment=establishment, initial_data=complete_request.data)
    for kind in REQUIRED_DOCUMENTS[RequestKind.APPRENTICESHIP]:
        services.attach_document(second_request, kind=kind, uploaded_file=pdf_upload(), user=user)

    second = submit(second_request, user)

    assert int(second.number[:-3]) == int(first.number[:-3]) + 1
    assert int(second.request_number) == int(first.request_number) + 1


def test_a_number_already_taken_is_skipped(complete_request, user):
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_value + 1 FROM funding_dossier_number_seq")
        upcoming = cursor.fetchone()[0]
    from tests.factories import DossierFactory

    DossierFactory(number=f"{upcoming}.01")
    DossierFactory(number=f"{upcoming + 1}.01")

    assert submit(complete_request, user).number == f"{upcoming + 2}.01"


def test_the_cfa_is_the_provider_when_the_portal_knows_its_uai(complete_request, user):
    ProviderEstablishmentFactory(uai="0312101R")
    cfa = ProviderEstablishmentFactory(uai=CFA_UAI)

    assert submit(complete_request, user).provider_establishment == cfa


def test_the_apprentice_is_enrolled_as_a_new_person_of_the_employer(complete_request, user, establishment):
    dossier = submit(complete_request, user)

    person = dossier.enrolments.get().person
    assert person.organisation == establishment.organisation
    assert (person.civility, person.last_name, person.first_name) == (Civility.MONSIEUR, "Martin", "Lucas")
    assert person.birth_date == date(2008, 3, 15)
    assert person.nir == "1080335238117"  # the 13 characters without the key
    assert (person.address_line1, person.postal_code, person.city) == ("4 allée des Peupliers", "35200", "Rennes")
    assert (person.email, person.phone) == ("lucas.martin@example.fr", "+33612345678")


def test_the_person_chosen_in_the_wizard_is_enrolled(complete_request, user, establishment):
    known = PersonFactory(organisation=establishment.organisation, last_name="Martin", first_name="Lucas")
    services.save_draft(complete_request, {"apprenti_person_id": known.pk})

    dossier = submit(complete_request, user)

    assert dossier.enrolments.get().person == known
    assert Person.objects.count() == 1


def test_a_person_of_another_company_is_never_enrolled(complete_request, user):
    stranger = PersonFactory()  # another organisation: a forged id
    services.save_draft(complete_request, {"apprenti_person_id": str(stranger.pk)})

    person = submit(complete_request, user).enrolments.get().person

    assert person != stranger
    assert person.organisation == complete_request.employer_establishment.organisation


def test_the_files_become_received_documents_of_the_dossier(complete_request, user):
    attached = {document.kind: document for document in complete_request.documents.all()}

    dossier = submit(complete_request, user)

    documents = {document.name: document for document in dossier.documents.all()}
    assert set(documents) == {"cerfa-signe.pdf", "convention.pdf", "CERFA FA13 - MARTIN Lucas.pdf"}
    assert all(document.direction == DocumentDirection.RECEIVED for document in documents.values())
    for name, kind, request_kind in (
        ("cerfa-signe.pdf", DocumentKind.CERFA, RequestDocumentKind.SIGNED_CERFA),
        ("convention.pdf", DocumentKind.TRAINING_AGREEMENT, RequestDocumentKind.TRAINING_AGREEMENT),
    ):
        document, original = documents[name], attached[request_kind]
        assert document.kind == kind
        assert document.file.name == original.file.name  # the same stored file, not a copy
        assert (document.size, document.checksum, document.content_type) == (
            original.size,
            original.checksum,
            original.content_type,
        )
        assert document.uploaded_by == user
        with document.file.open("rb") as stored:
            assert Document.checksum_of(stored.read()) == original.checksum
    assert Document.objects.for_company_user(user).filter(dossier=dossier).count() == 3


def test_the_dossier_keeps_the_cerfa_as_transmitted(complete_request, user):
    dossier = submit(complete_request, user)

    cerfa = dossier.documents.get(name="CERFA FA13 - MARTIN Lucas.pdf")
    # Rendered by the portal and unsigned: filed as "CERFA généré", apart from the "CERFA signé" the company attached.
    assert cerfa.kind == DocumentKind.GENERATED_CERFA and cerfa.content_type == "application/pdf"
    assert cerfa.get_kind_display() == "CERFA généré"
    assert dossier.documents.get(name="cerfa-signe.pdf").get_kind_display() == "CERFA signé"
    with cerfa.file.open("rb") as stored:
        content = stored.read()
    assert cerfa.size == len(content) and cerfa.checksum == Document.checksum_of(content)
    text = pdf_text(content)
    assert f"Dossier n° {dossier.number}" in text and f"Demande n° {dossier.request_number}" in text
    assert "BROUILLON" not in text


def test_the_request_is_marked_transmitted_and_frozen(complete_request, user):
    dossier = submit(complete_request, user)

    assert complete_request.status == RequestStatus.SUBMITTED  # updated in place
    complete_request.refresh_from_db()
    assert complete_request.status == RequestStatus.SUBMITTED
    assert complete_request.dossier == dossier and complete_request.submitted_at is not None
    # The data is stored as checked: normalised, derived fields filled.
    assert complete_request.data["signature_fait_le"] == "2025-08-25"
    assert complete_request.data["apprenti_mineur"] is True
    assert complete_request.data["employeur_libelle_idcc"].startswith("Convention collective nationale des ouvriers")
    with pytest.raises(ValidationError, match="déjà été transmise"):
        services.save_draft(complete_request, {"apprenti_prenom": "Paul"})
    with pytest.raises(ValidationError, match="ne peut pas être supprimée"):
        services.delete_draft(complete_request)


def test_the_user_gets_the_confirmation_email(complete_request, user, establishment):
    dossier = submit(complete_request, user)

    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["claire@durand.fr"]
    assert email.subject == f"Constructys - Demande transmise : dossier n° {dossier.number}"
    html = email.alternatives[0][0]
    for body in (email.body, html):
        assert dossier.number in body and dossier.request_number in body
        assert "Lucas MARTIN" in body and "CAP Maçon" in body
        assert f"{settings.SITE_URL}/egestion/dossiers/" in body
        assert establishment.siret in body
        # The training's dates (CFA start, planned end of exams), not the contract's.
        assert "du 08/09/2025 au 09/07/2027" in body.replace("Formation du", "du")
    assert "&#x27;" not in email.body  # plain text is not HTML-escaped


def test_no_email_when_the_transaction_rolls_back(complete_request, user):
    with TestCase.captureOnCommitCallbacks(execute=False) as callbacks:
        submit_request(complete_request, user=user, today=TODAY)
    assert mail.outbox == []  # nothing is sent before the commit: a rollback drops the email with the change
    for callback in callbacks:  # the commit (other work waits for it too: the kept schedules are dropped again)
        callback()
    assert len(mail.outbox) == 1


# --- twice -------------------------------------------------------------------------------------------------------


def test_transmitting_twice_returns_the_same_dossier_and_sends_one_email(complete_request, user):
    stale_copy = FundingRequest.objects.get(pk=complete_request.pk)  # the second tab, loaded before
    first = submit(complete_request, user)

    second = submit(stale_copy, user)

    assert second == first
    assert stale_copy.status == RequestStatus.SUBMITTED and stale_copy.dossier == first
    assert Dossier.objects.count() == 1
    assert first.documents.count() == 3 and first.enrolments.count() == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_transmissions_make_one_dossier(complete_request, user):
    """Two tabs click at the same moment: the row lock makes the second wait, then it sees the first's dossier."""
    barrier = threading.Barrier(2)
    results, errors = [], []

    def transmit():
        try:
            funding_request = FundingRequest.objects.get(pk=complete_request.pk)
            barrier.wait(timeout=10)
            results.append(submit_request(funding_request, user=user, today=TODAY).pk)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=transmit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert len(results) == 2 and results[0] == results[1]
    assert Dossier.objects.count() == 1
    assert len(mail.outbox) == 1


def test_user_of_the_transmission_is_recorded(complete_request):
    colleague = UserFactory()
    assert submit(complete_request, colleague).created_by == colleague
