"""The documents step: the signed CERFA and the signed training agreement (PDF, JPEG or PNG, 10 MB at most, type
read from the content); a refused file is explained and changes nothing; the filled CERFA as PDF, to sign."""

import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from funding.models import FundingRequest, RequestDocument
from tests.egestion.requests.utils import step_url, text
from tests.factories import minimal_pdf, tiny_image

pytest.importorskip("funding.transmission")

PNG = tiny_image("PNG")


def upload(client, draft, **files):
    return client.post(step_url(draft, "documents"), {"action": "upload", **files})


def test_the_step_lists_the_documents_to_upload(logged_in, draft):
    page = text(logged_in.get(step_url(draft, "documents")))
    assert "CERFA signé" in page and "Convention de formation signée" in page
    assert 'enctype="multipart/form-data"' in page
    assert f"/egestion/demandes/{draft.public_id}/cerfa.pdf" in page


def test_uploading_the_signed_documents(logged_in, complete_draft, user):
    response = upload(
        logged_in,
        complete_draft,
        document_cerfa=SimpleUploadedFile("cerfa-signé.pdf", minimal_pdf("CERFA signe"), "application/pdf"),
        document_training_agreement=SimpleUploadedFile("convention.png", PNG, "image/png"),
    )
    assert response.status_code == 302
    documents = {d.kind: d for d in RequestDocument.objects.filter(request=complete_draft)}
    assert documents["cerfa"].name == "cerfa-signé.pdf"
    assert documents["cerfa"].content_type == "application/pdf"
    assert documents["training_agreement"].content_type == "image/png"
    assert documents["cerfa"].uploaded_by == user
    page = text(logged_in.get(response.url))
    assert "cerfa-signé.pdf" in page and "convention.png" in page
    assert "est chargé" in page


def test_a_file_that_is_not_a_pdf_jpeg_or_png_is_refused_and_the_draft_kept(logged_in, complete_draft):
    before = dict(complete_draft.data)
    response = upload(
        logged_in,
        complete_draft,
        document_cerfa=SimpleUploadedFile("cerfa.pdf", b"MZ\x90\x00 not a pdf at all", "application/pdf"),
    )
    assert response.status_code == 200
    page = text(response)
    assert 'role="alert"' in page
    assert "n'est pas un PDF, JPEG, PNG valide" in page
    assert 'href="#document_cerfa"' in page
    assert 'aria-invalid="true"' in page
    assert not RequestDocument.objects.filter(request=complete_draft).exists()
    assert FundingRequest.objects.get(pk=complete_draft.pk).data == before


def test_a_file_over_10_mb_is_refused_and_the_draft_kept(logged_in, complete_draft):
    upload(
        logged_in,
        complete_draft,
        document_training_agreement=SimpleUploadedFile("cerfa.pdf", minimal_pdf(), "application/pdf"),
    )
    big = SimpleUploadedFile("enorme.pdf", b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024), "application/pdf")
    response = upload(logged_in, complete_draft, document_cerfa=big)
    assert response.status_code == 200
    assert "dépasse la taille maximale de 10 Mo" in text(response)
    kinds = list(RequestDocument.objects.filter(request=complete_draft).values_list("kind", flat=True))
    assert kinds == ["training_agreement"]  # the document already there stays


def test_removing_a_document(logged_in, draft):
    upload(logged_in, draft, document_cerfa=SimpleUploadedFile("a.pdf", minimal_pdf(), "application/pdf"))
    document = RequestDocument.objects.get(request=draft)
    response = logged_in.post(step_url(draft, "documents"), {"action": f"remove-document:{document.pk}"})
    assert response.status_code == 302
    assert not RequestDocument.objects.filter(pk=document.pk).exists()


def test_an_uploaded_document_can_be_downloaded(logged_in, draft, other_company):
    upload(logged_in, draft, document_cerfa=SimpleUploadedFile("a.pdf", minimal_pdf(), "application/pdf"))
    document = RequestDocument.objects.get(request=draft)
    response = logged_in.get(f"/egestion/demandes/{draft.public_id}/documents/{document.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    # Not through another draft's URL.
    other = other_company["draft"]
    assert logged_in.get(f"/egestion/demandes/{other.public_id}/documents/{document.pk}/").status_code == 404


def test_the_filled_cerfa_can_be_downloaded_to_sign(logged_in, complete_draft, tmp_path):
    pytest.importorskip("funding.pdf")
    response = logged_in.get(f"/egestion/demandes/{complete_draft.public_id}/cerfa.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF-")
    path = tmp_path / "cerfa.pdf"
    path.write_bytes(response.content)
    content = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True)
    assert "MARTIN" in content.stdout.upper()
    assert "0312101R" in content.stdout
