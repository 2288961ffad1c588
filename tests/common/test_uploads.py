import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from common.uploads import check_upload
from tests.factories import TINY_PDF, tiny_image

PDF = TINY_PDF
PNG = tiny_image("PNG")
JPEG = tiny_image("JPEG")


@pytest.mark.parametrize(
    ("content", "content_type", "stored_as"),
    [(PDF, "application/pdf", ".pdf"), (PNG, "image/png", ".png"), (JPEG, "image/jpeg", ".jpg")],
)
def test_type_is_read_from_the_content(content, content_type, stored_as):
    # The name and the browser's type are wrong on purpose: only the content counts.
    checked = check_upload(SimpleUploadedFile("scan.txt", content, content_type="text/plain"))

    assert checked.content_type == content_type
    assert checked.size == len(content)
    assert len(checked.checksum) == 64
    # The name keeps the user's base name with the extension of the detected type.
    assert checked.original_name == f"scan{stored_as}"
    assert checked.as_content_file().name.endswith(stored_as)


def test_a_renamed_executable_is_refused_with_the_accepted_formats():
    with pytest.raises(ValidationError) as error:
        check_upload(SimpleUploadedFile("cerfa.pdf", b"MZ\x90\x00 not a pdf"))

    assert error.value.messages == [
        "Le fichier « cerfa.pdf » n'est pas un PDF, JPEG, PNG valide (formats acceptés : PDF, JPEG, PNG)."
    ]


def test_size_limit_is_checked_on_what_is_read_not_only_on_what_is_announced():
    big = PDF + b"0" * 2048
    upload = SimpleUploadedFile("gros.pdf", big)
    upload.size = 10  # a lying size must not get the file through

    with pytest.raises(ValidationError, match="dépasse la taille maximale de 0 Mo"):
        check_upload(upload, max_bytes=1024)


def test_empty_file_is_refused():
    with pytest.raises(ValidationError, match="est vide"):
        check_upload(SimpleUploadedFile("vide.pdf", b""))


def test_allowed_formats_can_be_narrowed():
    with pytest.raises(ValidationError, match="n'est pas un PDF valide"):
        check_upload(SimpleUploadedFile("photo.png", PNG), allowed=("application/pdf",))


def test_dossier_documents_request_pieces_and_quotes_are_one_stored_file_model():
    """Name, file, real content type, size, SHA-256, uploader and date mean the same on every stored file, and a
    checked upload is stored in any of them with CheckedUpload.stored_fields()."""
    from dossiers.models import Document, StoredFile
    from funding.models import RequestDocument
    from invest.models import Quote

    stored = check_upload(SimpleUploadedFile("devis.pdf", TINY_PDF, content_type="text/html")).stored_fields()
    assert stored["content_type"] == "application/pdf"
    for model in (Document, RequestDocument, Quote):
        assert issubclass(model, StoredFile), model
        fields = {field.name: field for field in model._meta.get_fields()}
        assert set(stored) | {"uploaded_by", "uploaded_at"} <= set(fields), model
        assert fields["checksum"].max_length == 64 and fields["name"].max_length == 255
