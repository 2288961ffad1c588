import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from dossiers.uploads import check_upload
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
