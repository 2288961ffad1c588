"""Staff users (the personas of tests/conftest.py) logged in the admin through the test client (a staff user of
the factories has an authenticator app, which the admin requires)."""

import re
import subprocess

import pytest


@pytest.fixture
def staff_client(client):
    """staff_client(user) logs `user` in and returns the client."""

    def log_in(user):
        client.force_login(user)
        return client

    return log_in


def pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF-")
    raw = subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True).stdout.decode()
    return re.sub(r"\s+", " ", raw)


def company_message(dossier, **kwargs):
    """A message the company wrote on the dossier, with the dossier's "unread company messages" flag as the
    messaging service leaves it."""
    from dossiers.models import Dossier
    from messaging.models import SenderSide
    from messaging.services import refresh_unread_company_messages
    from tests.factories import MessageFactory

    message = MessageFactory(dossier=dossier, sender_side=SenderSide.COMPANY, **kwargs)
    refresh_unread_company_messages(Dossier.objects.filter(pk=dossier.pk))
    return message
