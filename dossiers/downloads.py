"""Serving stored documents: only through views that first found the document in the user's scope."""

from django.http import FileResponse

from dossiers.models import Document


def document_response(document: Document) -> FileResponse:
    """Stream a document as an attachment under its display name, whatever the storage (local or S3)."""
    response = FileResponse(
        document.file.open("rb"), as_attachment=True, filename=document.name, content_type=document.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
