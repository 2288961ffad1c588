"""Drafts: saving merges and never loses data; a refused attachment leaves the draft as it was."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from common.uploads import MAX_UPLOAD_BYTES
from funding import services
from funding.models import FundingRequest, RequestDocument, RequestDocumentKind, RequestStatus
from tests.factories import minimal_pdf, tiny_image
from tests.funding.conftest import pdf_upload

PNG = tiny_image("PNG")
JPEG = tiny_image("JPEG")


def test_save_draft_merges_steps_and_keeps_what_was_saved(user, establishment):
    draft = services.create_draft(user=user, establishment=establishment)

    services.save_draft(draft, {"employeur_siret": establishment.siret, "employeur_effectif": 8}, step="employeur")
    services.save_draft(draft, {"apprenti_nom_naissance": "Martin", "apprenti_prenom": "Lucas"}, step="apprenti")
    # A stale copy of the request (another tab) saving one field does not erase the others.
    stale = FundingRequest.objects.get(pk=draft.pk)
    stale.data = {}
    services.save_draft(stale, {"apprenti_prenom": "Lucas-Marie", "apprenti_nom_usage": ""}, step="apprenti")

    draft.refresh_from_db()
    assert draft.data == {
        "employeur_siret": establishment.siret,
        "employeur_effectif": 8,
        "apprenti_nom_naissance": "Martin",
        "apprenti_prenom": "Lucas-Marie",
    }
    assert draft.current_step == "apprenti"


def test_an_emptied_field_is_cleared(draft):
    services.save_draft(draft, {"apprenti_nir": "", "maitre1_courriel": None})

    draft.refresh_from_db()
    assert "apprenti_nir" not in draft.data and "maitre1_courriel" not in draft.data
    assert draft.data["apprenti_nom_naissance"] == "Martin"


def test_a_transmitted_request_cannot_be_saved(draft):
    FundingRequest.objects.filter(pk=draft.pk).update(status=RequestStatus.SUBMITTED)

    with pytest.raises(ValidationError, match="déjà été transmise"):
        services.save_draft(draft, {"apprenti_prenom": "Paul"})


@pytest.mark.parametrize(
    ("content", "content_type"), [(minimal_pdf(), "application/pdf"), (PNG, "image/png"), (JPEG, "image/jpeg")]
)
def test_pdf_jpeg_and_png_are_attached_with_their_checksum(draft, user, content, content_type):
    document = services.attach_document(
        draft, kind=RequestDocumentKind.SIGNED_CERFA, uploaded_file=SimpleUploadedFile("scan", content), user=user
    )

    assert document.content_type == content_type
    assert document.size == len(content)
    assert len(document.checksum) == 64
    assert document.uploaded_by == user
    with document.file.open("rb") as stored:
        assert stored.read() == content


def _assert_untouched(draft, data_before):
    draft.refresh_from_db()
    assert draft.data == data_before
    assert not RequestDocument.objects.filter(request=draft).exists()


def test_a_renamed_non_pdf_is_refused_by_its_content_and_changes_nothing(draft, user):
    data_before = dict(draft.data)
    upload = SimpleUploadedFile("cerfa.pdf", b"MZ\x90\x00 this is not a PDF", content_type="application/pdf")

    with pytest.raises(ValidationError, match="n'est pas un PDF, JPEG, PNG valide"):
        services.attach_document(draft, kind=RequestDocumentKind.SIGNED_CERFA, uploaded_file=upload, user=user)

    _assert_untouched(draft, data_before)


def test_a_file_over_10_mb_is_refused_and_changes_nothing(draft, user):
    data_before = dict(draft.data)
    content = minimal_pdf()
    upload = SimpleUploadedFile("gros.pdf", content + b"0" * (MAX_UPLOAD_BYTES + 1 - len(content)))

    with pytest.raises(ValidationError, match="dépasse la taille maximale de 10 Mo"):
        services.attach_document(draft, kind=RequestDocumentKind.TRAINING_AGREEMENT, uploaded_file=upload, user=user)

    _assert_untouched(draft, data_before)


def test_a_file_of_exactly_10_mb_is_accepted(draft, user):
    # A real PDF of exactly 10 MB (a long text line): data after the end of a PDF is refused.
    padding = MAX_UPLOAD_BYTES - len(minimal_pdf(""))
    while len(content := minimal_pdf("0" * padding)) != MAX_UPLOAD_BYTES:
        padding -= len(content) - MAX_UPLOAD_BYTES
    upload = SimpleUploadedFile("limite.pdf", content)

    document = services.attach_document(draft, kind=RequestDocumentKind.OTHER, uploaded_file=upload, user=user)

    assert document.size == MAX_UPLOAD_BYTES


def test_nothing_can_be_attached_to_a_transmitted_request(draft, user):
    FundingRequest.objects.filter(pk=draft.pk).update(status=RequestStatus.SUBMITTED)
    draft.refresh_from_db()

    with pytest.raises(ValidationError, match="déjà été transmise"):
        services.attach_document(draft, kind=RequestDocumentKind.SIGNED_CERFA, uploaded_file=pdf_upload(), user=user)


def test_the_service_refuses_a_file_from_a_user_of_another_company(draft):
    """The views scope the drafts; the service checks again, so that any caller shares the rule."""
    from django.core.exceptions import PermissionDenied

    from accounts.models import Role
    from tests.factories import MembershipFactory

    outsider = MembershipFactory(role=Role.COMPANY_MANAGER).user
    with pytest.raises(PermissionDenied):
        services.attach_document(
            draft, kind=RequestDocumentKind.SIGNED_CERFA, uploaded_file=pdf_upload(), user=outsider
        )
    assert not RequestDocument.objects.exists()
