"""The OpenAPI 3 document is valid and describes every resource; its documentation page is served by the portal
(no CDN, no inline script: the CSP applies)."""

import re

import pytest
from openapi_spec_validator import validate

pytestmark = pytest.mark.django_db


def test_the_openapi_document_validates(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    validate(document)
    assert document["openapi"].startswith("3.")
    paths = document["paths"]
    for path in (
        "/api/v1/dossiers",
        "/api/v1/dossiers/{numero}/messages",
        "/api/v1/reglements/{reglement_id}/avis-de-virement",
        "/api/v1/demandes-apprentissage/{public_id}/transmission",
        "/api/v1/dossiers/{numero}/factures",
    ):
        assert path in paths
    assert document["components"]["securitySchemes"]["ApiKeyAuth"]["scheme"] == "bearer"
    # Every operation documents the error shape.
    for operations in paths.values():
        for operation in operations.values():
            assert "401" in operation["responses"] and "404" in operation["responses"]


def test_the_documentation_is_self_hosted_without_inline_script(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    page = response.content.decode()
    assert "script-src 'self'" in response["Content-Security-Policy"]
    sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', page)
    assert sources and all(source.startswith("/static/") for source in sources), sources
    # The only inline <script> is JSON data (type="application/json"), which the CSP does not run.
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", page)
    assert all('type="application/json"' in attributes for attributes in inline), inline
    assert "/api/v1/openapi.json" in page
