"""The documents' storage in production: django-storages' S3 backend, with its outages turned into a message.

An S3 outage (connection refused, timeout, 5xx, access denied) raises `StorageUnavailable`, a ValidationError
with a French message: the upload views already show a refused file's message next to the form, and the caller's
transaction rolls back, so nothing is half-saved (no document row without its file, the draft unchanged).
"""

import logging

from botocore.exceptions import BotoCoreError, ClientError
from django.core.exceptions import ValidationError
from storages.backends.s3 import S3Storage

logger = logging.getLogger(__name__)

STORAGE_UNAVAILABLE = (
    "Le stockage des documents est momentanément indisponible : votre fichier n'a pas été enregistré et le reste "
    "de votre saisie est conservé. Réessayez dans quelques minutes."
)


class StorageUnavailable(ValidationError):
    def __init__(self):
        super().__init__(STORAGE_UNAVAILABLE, code="storage_unavailable")


def _is_missing(error: Exception) -> bool:
    return isinstance(error, ClientError) and error.response.get("Error", {}).get("Code") in {"404", "NoSuchKey"}


class DocumentS3Storage(S3Storage):
    """S3Storage whose failures are an outage the user can be told about, not a 500."""

    def save(self, name, content, max_length=None):
        try:
            return super().save(name, content, max_length=max_length)
        except (BotoCoreError, ClientError) as error:
            logger.exception("Document storage unavailable while saving %s", name)
            raise StorageUnavailable() from error

    def _open(self, name, mode="rb"):
        try:
            return super()._open(name, mode)
        except (BotoCoreError, ClientError) as error:
            if _is_missing(error):
                raise
            logger.exception("Document storage unavailable while opening %s", name)
            raise StorageUnavailable() from error

    def delete(self, name):
        # Called after commit (a removed draft document): a failure leaves a private object behind, logged for the
        # operator, rather than an error page for a change that is already saved.
        try:
            super().delete(name)
        except (BotoCoreError, ClientError):
            logger.exception("Document storage unavailable: %s was not deleted", name)
