"""Serving stored files (a dossiers.StoredFile: documents, request documents, quotes, RIBs...): only through views that
first found the file in the user's scope."""

from django.http import FileResponse, HttpResponse
from django.template.loader import render_to_string

from common.storage import StorageUnavailable
from common.uploads import safe_file_name


def download_name(document) -> str:
    """The name the browser saves: the display name's base with the extension of the stored type (documents
    uploaded before the names were checked may carry `.html` or `.exe`)."""
    return safe_file_name(document.name, document.content_type)


def storage_unavailable_response() -> HttpResponse:
    return HttpResponse(render_to_string("common/storage_unavailable.html"), status=503)


def document_response(document) -> FileResponse | HttpResponse:
    """Stream a document as an attachment under its display name, whatever the storage (local or S3); a storage
    outage answers 503 with a message instead of an error page."""
    try:
        handle = document.file.open("rb")
    except StorageUnavailable:
        return storage_unavailable_response()
    response = FileResponse(
        handle, as_attachment=True, filename=download_name(document), content_type=document.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
