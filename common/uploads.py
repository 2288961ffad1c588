"""Checks and storage of uploaded files, as a careful bank would check them.

The type is read from the content, never trusted from the name or the browser; the size is bounded; clamd scans
every file (scanning unavailable refuses the upload, never accepts it unscanned); a PDF must parse as a PDF and
carry no active content (JavaScript, launch actions, embedded files...); an image's size in pixels is read from
its header and bounded, without decoding it. The file is stored under a generated name with its SHA-256, and the
name shown and downloaded is the user's base name with the extension of the detected type.
"""

import hashlib
import io
import logging
import re
import unicodedata
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from common import antivirus

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 10 * 1024 * 1024

# Signatures ("magic numbers") of the formats the portal accepts, with the extension they are stored under.
SIGNATURES = {
    "application/pdf": (b"%PDF-", ".pdf"),
    "image/jpeg": (b"\xff\xd8\xff", ".jpg"),
    "image/png": (b"\x89PNG\r\n\x1a\n", ".png"),
}
FORMAT_LABELS = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG"}
PILLOW_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG"}

# A PDF ends with %%EOF; a few bytes of padding after it are common, a hidden payload (a zip...) is not.
PDF_TRAILING_BYTES = 1024
# Keys and action types that make a PDF do something when it is opened or clicked, or carry other files.
PDF_ACTIVE_KEYS = {
    "/JS": "du JavaScript",
    "/JavaScript": "du JavaScript",
    "/AA": "des actions automatiques",
    "/Launch": "une commande à lancer",
    "/EmbeddedFile": "des fichiers joints",
    "/EmbeddedFiles": "des fichiers joints",
    "/EF": "des fichiers joints",
    "/RichMedia": "du contenu multimédia actif",
    "/XFA": "un formulaire dynamique (XFA)",
}
PDF_ACTIVE_ACTIONS = {
    "/JavaScript": "du JavaScript",
    "/Launch": "une commande à lancer",
    "/ImportData": "une importation de données",
    "/RichMediaExecute": "du contenu multimédia actif",
    "/GoToE": "des fichiers joints",
}
PDF_MAX_OBJECTS = 500_000

SCAN_UNAVAILABLE = (
    "L'analyse antivirus des fichiers est momentanément indisponible : « {name} » n'a pas été enregistré. "
    "Réessayez dans quelques minutes."
)
PRINT_TO_PDF = (
    "Enregistrez-le à nouveau avec « Imprimer » puis « Enregistrer au format PDF » (ou scannez le document "
    "papier), puis déposez ce nouveau fichier."
)


@dataclass(frozen=True)
class CheckedUpload:
    content: bytes
    content_type: str
    size: int
    checksum: str
    # The name to show and download: the user's base name with the extension of the detected type, sanitised.
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


# --- names ----------------------------------------------------------------------------------------------------------

_UNSAFE_NAME_CHARACTERS = re.compile(r"[\"'`<>:|?*;]")


def safe_file_name(name: str, content_type: str) -> str:
    """The user's base name (no folder, no control or invisible characters, no quotes) with the extension of the
    detected type: `C:\\scans\\facture.exe` detected as a PDF is `facture.pdf`."""
    base = re.split(r"[\\/]", unicodedata.normalize("NFC", name or ""))[-1]
    # Control characters, bidirectional overrides (which disguise "fdp.exe" as "exe.pdf") and other invisible ones.
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")
    base = " ".join(_UNSAFE_NAME_CHARACTERS.sub("", base).split())
    if content_type not in SIGNATURES:  # a document the portal made itself (not an upload): its own extension
        return base.strip(" .")[:255] or "document"
    stem, dot, _ = base.rpartition(".")
    stem = (stem if dot and stem.strip(" .") else base).strip(" .") or "document"
    extension = SIGNATURES[content_type][1]
    return stem[: 255 - len(extension)].rstrip(" .") + extension


# --- the checks -----------------------------------------------------------------------------------------------------


def _too_large(name: str, max_bytes: int) -> ValidationError:
    return ValidationError(
        f"Le fichier « {name} » dépasse la taille maximale de {max_bytes // (1024 * 1024)} Mo.", code="too_large"
    )


def _scan(content: bytes, name: str) -> None:
    if not settings.CLAMAV_ENABLED:
        return
    try:
        signature = antivirus.scan(content)
    except antivirus.ScanUnavailable:
        logger.exception("Upload %r refused: virus scanning unavailable", name)
        raise ValidationError(SCAN_UNAVAILABLE.format(name=name), code="scan_unavailable") from None
    if signature:
        logger.warning("Upload %r refused: clamd found %s", name, signature)
        raise ValidationError(
            f"Le fichier « {name} » contient un virus ou un programme malveillant ({signature}) : il a été refusé. "
            "Analysez votre poste avec votre antivirus avant de déposer un autre fichier.",
            code="infected",
        )


def _pdf_active_content(reader: PdfReader) -> str | None:
    """What makes the PDF active, found by walking every object reachable from its trailer (names are decoded by
    pypdf, so `/J#53` is `/JS`); None for a passive document."""
    stack, seen, visited = [reader.trailer], set(), 0
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            reference = (obj.idnum, obj.generation)
            if reference in seen:
                continue
            seen.add(reference)
            obj = obj.get_object()
        visited += 1
        if visited > PDF_MAX_OBJECTS:
            return "trop d'objets pour être vérifié"
        if isinstance(obj, DictionaryObject):  # streams too
            for key, value in dict.items(obj):
                if key in PDF_ACTIVE_KEYS:
                    return PDF_ACTIVE_KEYS[key]
                if key == "/S" and value in PDF_ACTIVE_ACTIONS:
                    return PDF_ACTIVE_ACTIONS[value]
                if key == "/Type" and value == "/EmbeddedFile":
                    return PDF_ACTIVE_KEYS["/EmbeddedFile"]
                stack.append(value)
        elif isinstance(obj, ArrayObject):
            stack.extend(obj)
    return None


def _check_pdf(content: bytes, name: str) -> None:
    not_a_pdf = ValidationError(
        f"Le fichier « {name} » n'est pas un PDF valide : il n'a pas pu être lu. {PRINT_TO_PDF}", code="bad_pdf"
    )
    end = content.rfind(b"%%EOF")
    if end < 0 or len(content) - (end + 5) > PDF_TRAILING_BYTES:
        raise not_a_pdf
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(content), strict=False)
            if reader.is_encrypted:
                raise ValidationError(
                    f"Le fichier « {name} » est un PDF protégé (chiffré) : il ne peut pas être vérifié. "
                    "Déposez une version sans mot de passe ni protection.",
                    code="encrypted_pdf",
                )
            if len(reader.pages) < 1:
                raise not_a_pdf
            active = _pdf_active_content(reader)
    except ValidationError:
        raise
    except Exception:  # pypdf raises many kinds of errors on broken files: all mean "not a readable PDF"
        raise not_a_pdf from None
    if active:
        raise ValidationError(
            f"Le fichier « {name} » contient {active} : les PDF actifs sont refusés par sécurité. {PRINT_TO_PDF}",
            code="active_pdf",
        )


def _check_image(content: bytes, content_type: str, name: str) -> None:
    """Read the dimensions from the header (Image.open is lazy: nothing is decoded) and bound them."""
    max_pixels = settings.UPLOAD_MAX_PIXELS
    too_many_pixels = "L'image « {name} » est trop grande ({size}) : {limit} mégapixels au plus. " + (
        "Réduisez sa résolution (un scan à 200 ou 300 ppp suffit) puis déposez-la à nouveau."
    )
    try:
        with warnings.catch_warnings():
            # Pillow warns (or raises) above its own bound: a decompression bomb, refused like any too-large image.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content), formats=[PILLOW_FORMATS[content_type]]) as image:
                width, height = image.size
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise ValidationError(
            too_many_pixels.format(name=name, size="des centaines de mégapixels", limit=max_pixels // 1_000_000),
            code="too_many_pixels",
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        label = FORMAT_LABELS[content_type]
        raise ValidationError(f"Le fichier « {name} » n'est pas une image {label} valide.", code="bad_image") from None
    if width * height > max_pixels:
        raise ValidationError(
            too_many_pixels.format(name=name, size=f"{width} × {height} pixels", limit=max_pixels // 1_000_000),
            code="too_many_pixels",
        )


MAX_FILES_PER_MESSAGE = 5


def check_uploads(files, *, max_files=MAX_FILES_PER_MESSAGE) -> list[CheckedUpload]:
    """Several files sent together (a message's attachments): every one is checked before anything is written, and
    one bad file refuses them all."""
    if len(files) > max_files:
        raise ValidationError(f"Vous pouvez joindre au plus {max_files} fichiers.", code="too_many")
    return [check_upload(uploaded) for uploaded in files]


def check_upload(uploaded_file, *, allowed=tuple(SIGNATURES), max_bytes=MAX_UPLOAD_BYTES) -> CheckedUpload:
    """Read and check an uploaded file; raises ValidationError with a message the user can act on."""
    name = getattr(uploaded_file, "name", "") or "document"
    size = getattr(uploaded_file, "size", None)
    if size is not None and size > max_bytes:
        raise _too_large(name, max_bytes)
    content = uploaded_file.read(max_bytes + 1)
    if len(content) > max_bytes:
        raise _too_large(name, max_bytes)
    if not content:
        raise ValidationError(f"Le fichier « {name} » est vide.", code="empty")
    content_type = sniff_content_type(content[:16])
    if content_type in allowed:
        # Checked before the scan: an image or PDF bomb never reaches clamd (which decodes images to hash them).
        if content_type == "application/pdf":
            _check_pdf(content, name)
        else:
            _check_image(content, content_type, name)
    # A file of another type is scanned too, so that malware is reported (and logged) as such.
    _scan(content, name)
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
        original_name=safe_file_name(name, content_type),
    )
