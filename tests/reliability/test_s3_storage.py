"""Issue 15, production storage tested for real: the documents' storage exactly as production configures it
(`STORAGE_BACKEND=s3`, read from config/settings.py) against a local S3-compatible server (moto in server mode, on
a free loopback port). Upload through the CERFA wizard (scanned by clamd), private objects under generated keys,
download only through the scoped view, and an S3 outage answered with a French message, nothing half-saved."""

import runpy
import socket
import time
import urllib.error
import urllib.request
from pathlib import Path

import boto3
import pytest
from django.conf import settings as django_settings
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from moto.server import ThreadedMotoServer

from accounts.models import Role
from common.storage import STORAGE_UNAVAILABLE, DocumentS3Storage
from dossiers.models import Document
from funding.models import FundingRequest, RequestDocument
from tests.factories import TINY_PDF, DossierFactory, EstablishmentFactory, MembershipFactory, UserFactory
from tests.reliability.test_uploads import EICAR, company_user, draft_of, upload_signed_cerfa

BUCKET = "constructys-documents"
REGION = "eu-west-3"


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_storage_settings(monkeypatch, endpoint) -> dict:
    """The default storage that config/settings.py builds for production (STORAGE_BACKEND=s3), verbatim."""
    for name, value in {
        "STORAGE_BACKEND": "s3",
        "AWS_STORAGE_BUCKET_NAME": BUCKET,
        "AWS_S3_ENDPOINT_URL": endpoint,
        "AWS_S3_REGION_NAME": REGION,
        "AWS_ACCESS_KEY_ID": "constructys",
        "AWS_SECRET_ACCESS_KEY": "test-secret-key",
    }.items():
        monkeypatch.setenv(name, value)
    production = runpy.run_path(str(Path(django_settings.BASE_DIR) / "config" / "settings.py"))
    return production["STORAGES"]["default"]


@pytest.fixture
def s3(monkeypatch, settings):
    """A moto S3 server with the documents' bucket, and the portal's default storage pointed at it."""
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    # moto keeps its state per process: start each test from an empty S3.
    urllib.request.urlopen(urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST"))
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id="constructys",
        aws_secret_access_key="test-secret-key",
    )
    client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    settings.STORAGES = {**settings.STORAGES, "default": production_storage_settings(monkeypatch, endpoint)}
    running = {"server": server}
    yield {"client": client, "endpoint": endpoint, "stop": lambda: running.pop("server").stop()}
    if "server" in running:
        server.stop()


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


def download_url(draft, document):
    return f"/egestion/demandes/{draft.public_id}/documents/{document.pk}/"


def test_production_storage_is_private_s3(s3):
    storage = storages["default"]
    assert isinstance(storage, DocumentS3Storage)
    assert storage.default_acl == "private"
    assert storage.querystring_auth is True
    assert storage.file_overwrite is False
    assert storage.endpoint_url == s3["endpoint"]


def test_upload_scan_and_download_through_the_scoped_view_only(s3, logged_in, draft, client):
    page = upload_signed_cerfa(logged_in, draft, "cerfa-signe.pdf", TINY_PDF)
    assert "est chargé" in page
    document = RequestDocument.objects.get(request=draft)

    # Stored in the bucket, under a generated key (not the user's name), private to the portal's account.
    key = document.file.name
    assert key.startswith("requests/") and key.endswith(".pdf") and "cerfa" not in key
    stored = s3["client"].get_object(Bucket=BUCKET, Key=key)["Body"].read()
    assert stored == TINY_PDF
    grants = s3["client"].get_object_acl(Bucket=BUCKET, Key=key)["Grants"]
    assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]
    assert all(grant["Grantee"]["Type"] == "CanonicalUser" for grant in grants)  # nobody else, no AllUsers

    # No public URL: the object's address without a signature is refused, and no page shows the bucket's address.
    with pytest.raises(urllib.error.HTTPError) as anonymous:
        urllib.request.urlopen(f"{s3['endpoint']}/{BUCKET}/{key}")
    assert anonymous.value.code == 403
    assert s3["endpoint"] not in page and key not in page

    # Downloaded through the draft's permission-checked view...
    response = logged_in.get(download_url(draft, document))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == TINY_PDF
    assert response["Content-Disposition"] == 'attachment; filename="cerfa-signe.pdf"'
    assert response["Cache-Control"] == "private, no-store"

    # ...and by nobody else: another company's user gets 404.
    outsider = UserFactory()
    MembershipFactory(user=outsider, establishment=EstablishmentFactory(), role=Role.COMPANY_MANAGER)
    client.force_login(outsider)
    assert client.get(download_url(draft, document)).status_code == 404


def test_an_infected_file_never_reaches_the_bucket(s3, logged_in, draft):
    page = upload_signed_cerfa(logged_in, draft, "cerfa.pdf", EICAR)

    assert "contient un virus" in page
    assert s3["client"].list_objects_v2(Bucket=BUCKET).get("KeyCount") == 0
    assert not RequestDocument.objects.filter(request=draft).exists()


def test_a_storage_outage_is_explained_and_nothing_is_half_saved(s3, logged_in, draft):
    upload_signed_cerfa(logged_in, draft, "convention.pdf", TINY_PDF)
    kept = RequestDocument.objects.get(request=draft)
    before = dict(FundingRequest.objects.get(pk=draft.pk).data)

    s3["stop"]()  # the S3 service goes away

    started = time.monotonic()
    page = upload_signed_cerfa(logged_in, draft, "cerfa-signé.pdf", TINY_PDF)
    assert time.monotonic() - started < 10  # short timeouts and few retries: the web worker is not held
    assert STORAGE_UNAVAILABLE in page
    # No document row without its file; the draft and the document already there unchanged.
    assert list(RequestDocument.objects.filter(request=draft)) == [kept]
    assert FundingRequest.objects.get(pk=draft.pk).data == before

    # A download during the outage: a page that says so, not an error.
    response = logged_in.get(download_url(draft, kept))
    assert response.status_code == 503
    assert "Documents momentanément indisponibles" in response.content.decode()


def test_a_storage_outage_on_a_dossier_upload_answers_503_with_a_message(s3, client, user):
    dossier = DossierFactory(employer_establishment=user.memberships.get().establishment)
    documents_before = Document.objects.filter(dossier=dossier).count()
    client.force_login(user)
    s3["stop"]()

    response = client.post(
        reverse("egestion:dossier_document_upload", args=[dossier.number]),
        {"fichier": SimpleUploadedFile("piece.pdf", TINY_PDF)},
    )

    assert response.status_code == 503
    assert "Le stockage des documents ne répond pas pour le moment" in response.content.decode()
    assert Document.objects.filter(dossier=dossier).count() == documents_before
