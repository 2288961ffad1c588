"""Checks and storage of uploaded files: the type is read from the content, never trusted from the name or the
browser, the size is bounded, and the file is stored under a generated name with its SHA-256."""

import hashlib
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

MAX_UPLOAD_BYTES = 10 * 1024 * 1024

# Signatures ("magic numbers") of the formats the portal accepts, with the extension they are stored under.
SIGNATURES = {
    "application/pdf": (b"%PDF-", ".pdf"),
    "image/jpeg": (b"\xff\xd8\xff", ".jpg"),
    "image/png": (b"\x89PNG\r\n\x1a\n", ".png"),
}
FORMAT_LABELS = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG"}


@dataclass(frozen=True)
class CheckedUpload:
    content: bytes
    content_type: str
    size: int
    checksum: str
    original_name: str

    def as_content_file(self) -> ContentFile:
        # The name only carries the extension: document_upload_to generates the stored name.
        return ContentFile(self.content, name=f"upload{SIGNATURES[self.content_type][1]}")

    def stored_fields(self) -> dict:
        """The fields of a stored file's model (name, file, content type, size, checksum), ready for create()."""
        return {
            "name": self.original_name,
            "file": self.as_content_file(),
            "content_type": self.content_type,
            "size": self.size,
            "checksum": self.checksum,
        }


def sniff_content_type(head: bytes) -> str | None:
    for content_type, (signature, _) in SIGNATURES.items():
        if head.startswith(signature):
            return content_type
    return None


def check_upload(uploaded_file, *, allowed=tuple(SIGNATURES), max_bytes=MAX_UPLOAD_BYTES) -> CheckedUpload:
    """Read and check an uploaded file; raises ValidationError with a message the user can act on."""
    name = getattr(uploaded_file, "name", "") or "document"
    size = getattr(uploaded_file, "size", None)
    if size is not None and size > max_bytes:
        raise ValidationError(
            f"Le fichier « {name} » dépasse la taille maximale de {max_bytes // (1024 * 1024)} Mo.", code="too_large"
        )
    content = uploaded_file.read(max_bytes + 1)
    if len(content) > max_bytes:
        raise ValidationError(
            f"Le fichier « {name} » dépasse la taille maximale de {max_bytes // (1024 * 1024)} Mo.", code="too_large"
        )
    if not content:
        raise ValidationError(f"Le fichier « {name} » est vide.", code="empty")
    content_type = sniff_content_type(content[:16])
    if content_type not in allowed:
        formats = ", ".join(FORMAT_LABELS[t] for t in allowed)
        raise ValidationError(
            f"Le fichier « {name} » n'est pas un {formats} valide (formats acceptés : {formats}).", code="bad_type"
        )
    return CheckedUpload(
        content=content,
        content_type=content_type,
        size=len(content),
        checksum=hashlib.sha256(content).hexdigest(),
        original_name=name[:255],
    )
