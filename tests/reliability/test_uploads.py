"""Issue 15, files: every upload is scanned by clamd (a real one, with the project's local signatures), a PDF must
parse and carry no active content, an image's pixels are bounded without decoding it, and the name kept and
downloaded has the extension of the detected type. Uploads go through the CERFA wizard's documents step, as a
company user would send them."""

import io
import socket
import struct
import threading
import time
import tracemalloc
import zipfile
import zlib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject, TextStringObject

from accounts.models import Role
from common.uploads import check_upload, safe_file_name
from funding import services
from funding.apprenticeship import initial_draft_data
from funding.models import FundingRequest, RequestDocument
from tests.egestion.requests.utils import step_url, text
from tests.factories import TINY_PDF, EstablishmentFactory, MembershipFactory, UserFactory

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
# A harmless PDF whose MD5 is a signature of the project-local clamd (scripts/services.sh writes it at start-up).
TEST_SAMPLE_PDF = (Path(settings.BASE_DIR) / "scripts" / "clamav" / "test-sample.pdf").read_bytes()


def company_user():
    user = UserFactory(email="claire.durand@maconnerie-durand.fr")
    MembershipFactory(user=user, establishment=EstablishmentFactory(), role=Role.COMPANY_MANAGER)
    return user


def draft_of(user):
    """A new CERFA draft of the user's establishment (also used by test_s3_storage.py)."""
    establishment = user.memberships.get().establishment
    return services.create_draft(user=user, establishment=establishment, initial_data=initial_draft_data(establishment))


@pytest.fixture
def user():
    return company_user()


@pytest.fixture
def draft(user):
    return draft_of(user)


@pytest.fixture
def logged_in(client, user):
    client.force_login(user)
    return client


def upload_signed_cerfa(client, draft, name, content):
    """The company user sends the signed CERFA on the wizard's documents step; the page it gets back."""
    response = client.post(
        step_url(draft, "documents"),
        {"action": "upload", "document_cerfa": SimpleUploadedFile(name, content, "application/pdf")},
        follow=True,
    )
    assert response.status_code == 200
    return text(response)


def assert_refused(page, draft, message):
    assert message in page, page
    assert not RequestDocument.objects.filter(request=draft).exists()


def pdf_with(**catalog_entries) -> bytes:
    """The test PDF with entries added to its catalog (what a viewer reads when the file opens)."""
    writer = PdfWriter(clone_from=io.BytesIO(TINY_PDF))
    for key, value in catalog_entries.items():
        writer._root_object[NameObject(f"/{key}")] = value
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def action(kind, **entries):
    return DictionaryObject(
        {NameObject("/S"): NameObject(f"/{kind}"), **{NameObject(f"/{k}"): v for k, v in entries.items()}}
    )


def png_of(width, height) -> bytes:
    """A real 1-bit PNG of width × height white pixels: a few kilobytes that decode to `width * height` bytes."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    compressor = zlib.compressobj(9)
    row = b"\x00" + b"\xff" * ((width + 7) // 8)
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


# --- antivirus --------------------------------------------------------------------------------------------------


def test_the_eicar_test_file_is_refused_as_a_virus(logged_in, draft):
    page = upload_signed_cerfa(logged_in, draft, "cerfa-signe.pdf", EICAR)

    assert_refused(page, draft, "Le fichier « cerfa-signe.pdf » contient un virus ou un programme malveillant")


def test_a_valid_pdf_known_to_the_antivirus_is_refused(logged_in, draft, settings):
    # The same file passes every other check: only the scan refuses it.
    settings.CLAMAV_ENABLED = False
    assert check_upload(SimpleUploadedFile("echantillon.pdf", TEST_SAMPLE_PDF)).content_type == "application/pdf"
    settings.CLAMAV_ENABLED = True

    page = upload_signed_cerfa(logged_in, draft, "cerfa-signe.pdf", TEST_SAMPLE_PDF)

    assert_refused(page, draft, "contient un virus ou un programme malveillant (Constructys-Test-Sample")


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_clamd_down_refuses_the_upload_with_a_message_to_retry(logged_in, draft, settings):
    settings.CLAMAV_URL = f"tcp://127.0.0.1:{_free_port()}"  # nothing listens there
    before = dict(draft.data)

    page = upload_signed_cerfa(logged_in, draft, "cerfa-signe.pdf", TINY_PDF)

    assert_refused(page, draft, "L'analyse antivirus des fichiers est momentanément indisponible")
    assert "Réessayez dans quelques minutes" in page
    assert FundingRequest.objects.get(pk=draft.pk).data == before


def test_a_hung_clamd_refuses_the_upload_within_the_timeout(settings):
    """clamd accepts the connection and never answers: the web worker is released after CLAMAV_TIMEOUT."""
    server = socket.create_server(("127.0.0.1", 0))
    accepted = []
    threading.Thread(target=lambda: accepted.append(server.accept()), daemon=True).start()
    settings.CLAMAV_URL = f"tcp://127.0.0.1:{server.getsockname()[1]}"
    settings.CLAMAV_TIMEOUT = 1
    started = time.monotonic()
    try:
        with pytest.raises(ValidationError, match="momentanément indisponible") as refused:
            check_upload(SimpleUploadedFile("cerfa.pdf", TINY_PDF))
    finally:
        server.close()
        for connection, _ in accepted:
            connection.close()
    assert refused.value.code == "scan_unavailable"
    assert time.monotonic() - started < 3


# --- PDF --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entries", "what"),
    [
        ({"OpenAction": action("JavaScript", JS=TextStringObject("app.alert('ouvert')"))}, "du JavaScript"),
        ({"OpenAction": action("Launch", F=TextStringObject("cmd.exe"))}, "une commande à lancer"),
        ({"AA": DictionaryObject({NameObject("/WC"): action("GoTo")})}, "des actions automatiques"),
        (
            {"Names": DictionaryObject({NameObject("/EmbeddedFiles"): DictionaryObject()})},
            "des fichiers joints",
        ),
        ({"AcroForm": DictionaryObject({NameObject("/XFA"): ArrayObject()})}, "un formulaire dynamique (XFA)"),
    ],
)
def test_a_pdf_with_active_content_is_refused(logged_in, draft, entries, what):
    page = upload_signed_cerfa(logged_in, draft, "cerfa-signe.pdf", pdf_with(**entries))

    assert_refused(page, draft, f"Le fichier « cerfa-signe.pdf » contient {what} : les PDF actifs sont refusés")
    assert "Enregistrer au format PDF" in page  # what to do about it


def test_javascript_hidden_behind_an_escaped_name_is_refused():
    # "/J#53" is "/JS" once the name is decoded; the raw bytes do not contain "/JS".
    content = pdf_with(OpenAction=action("GoTo", D=TextStringObject("x"))).replace(b"/D (x)", b"/J#53 (x)")
    assert b"/JS" not in content

    with pytest.raises(ValidationError, match="contient du JavaScript"):
        check_upload(SimpleUploadedFile("cerfa.pdf", content))


def test_a_pdf_opening_on_its_first_page_is_accepted(logged_in, draft):
    first_page = ArrayObject([NumberObject(0), NameObject("/Fit")])
    page = upload_signed_cerfa(logged_in, draft, "cerfa-signe.pdf", pdf_with(OpenAction=first_page))

    assert "est chargé" in page
    assert RequestDocument.objects.filter(request=draft).count() == 1


def test_a_zip_behind_a_pdf_header_is_refused(logged_in, draft):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("facture.exe", b"MZ" + b"\x00" * 200)
    page = upload_signed_cerfa(logged_in, draft, "cerfa-signe.pdf", b"%PDF-1.7\n" + archive.getvalue())

    assert_refused(page, draft, "Le fichier « cerfa-signe.pdf » n'est pas un PDF valide : il n'a pas pu être lu.")


def test_a_zip_appended_after_a_valid_pdf_is_refused():
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("payload.bin", bytes(range(256)) * 20)

    with pytest.raises(ValidationError, match="n'est pas un PDF valide"):
        check_upload(SimpleUploadedFile("cerfa.pdf", TINY_PDF + archive.getvalue()))


def test_a_truncated_pdf_is_refused():
    with pytest.raises(ValidationError, match="n'est pas un PDF valide"):
        check_upload(SimpleUploadedFile("cerfa.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\n%%EOF\n"))


# --- images -----------------------------------------------------------------------------------------------------


def test_a_400_megapixel_png_is_refused_quickly_without_decoding_it(logged_in, draft):
    bomb = png_of(20_000, 20_000)
    assert len(bomb) < 200_000  # a few kilobytes on the wire, 400 MB once decoded

    tracemalloc.start()
    started = time.monotonic()
    try:
        with pytest.raises(ValidationError, match="est trop grande") as refused:
            check_upload(SimpleUploadedFile("plan.png", bomb))
        elapsed = time.monotonic() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert refused.value.code == "too_many_pixels"
    assert elapsed < 5
    assert peak < 20 * 1024 * 1024  # nothing was decoded

    page = upload_signed_cerfa(logged_in, draft, "plan.png", bomb)
    assert_refused(page, draft, "L'image « plan.png » est trop grande")


def test_an_image_above_the_pixel_bound_is_refused_with_its_size(settings):
    settings.UPLOAD_MAX_PIXELS = 10_000_000
    refused = png_of(4000, 3000)  # 12 megapixels, below Pillow's own bound

    with pytest.raises(ValidationError) as error:
        check_upload(SimpleUploadedFile("scan.png", refused))

    assert error.value.messages == [
        "L'image « scan.png » est trop grande (4000 × 3000 pixels) : 10 mégapixels au plus. Réduisez sa résolution "
        "(un scan à 200 ou 300 ppp suffit) puis déposez-la à nouveau."
    ]
    assert check_upload(SimpleUploadedFile("scan.png", png_of(3000, 3000))).content_type == "image/png"


def test_an_image_that_only_has_the_signature_is_refused():
    with pytest.raises(ValidationError, match="n'est pas une image PNG valide"):
        check_upload(SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64))


# --- names ------------------------------------------------------------------------------------------------------


def test_the_kept_and_downloaded_name_has_the_extension_of_the_detected_type(logged_in, draft):
    upload_signed_cerfa(logged_in, draft, "facture.exe", TINY_PDF)
    document = RequestDocument.objects.get(request=draft)
    assert document.name == "facture.pdf"
    assert not document.file.name.endswith("facture.pdf")  # stored under a generated name

    response = logged_in.get(f"/egestion/demandes/{draft.public_id}/documents/{document.pk}/")

    assert response["Content-Disposition"] == 'attachment; filename="facture.pdf"'
    assert response["Content-Type"] == "application/pdf"


def test_a_document_kept_under_an_old_html_name_downloads_as_pdf(logged_in, draft):
    upload_signed_cerfa(logged_in, draft, "rapport.pdf", TINY_PDF)
    document = RequestDocument.objects.get(request=draft)
    RequestDocument.objects.filter(pk=document.pk).update(name="rapport.html")  # kept before names were checked

    response = logged_in.get(f"/egestion/demandes/{draft.public_id}/documents/{document.pk}/")

    assert response["Content-Disposition"] == 'attachment; filename="rapport.pdf"'


@pytest.mark.parametrize(
    ("name", "content_type", "kept"),
    [
        ("facture.exe", "application/pdf", "facture.pdf"),
        ("page.html", "application/pdf", "page.pdf"),
        ("photo.JPEG", "image/jpeg", "photo.jpg"),
        ("scan", "image/png", "scan.png"),
        ("C:\\Users\\paul\\Documents\\devis.pdf", "application/pdf", "devis.pdf"),
        ("../../etc/passwd", "application/pdf", "passwd.pdf"),
        ('"devis" d\'avril.pdf', "application/pdf", "devis davril.pdf"),
        ("RIB\r\nX-Injected: 1.pdf", "application/pdf", "RIBX-Injected 1.pdf"),
        ("facture\u202efdp.exe", "application/pdf", "facturefdp.pdf"),  # a right-to-left override disguises ".exe"
        (".htaccess", "application/pdf", "htaccess.pdf"),
        ("...", "image/png", "document.png"),
        ("a" * 300 + ".pdf", "application/pdf", "a" * 251 + ".pdf"),
    ],
)
def test_names_are_sanitised(name, content_type, kept):
    assert safe_file_name(name, content_type) == kept
