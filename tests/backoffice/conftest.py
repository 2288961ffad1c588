"""Staff users of each back-office role, logged in the admin through the test client (a staff user of the
factories has an authenticator app, which the admin requires)."""

import re
import subprocess

import pytest
from django.contrib.auth.models import Group

from backoffice.roles import ACCOUNTING, ADMINISTRATOR, CASE_MANAGER, REGIONAL_MANAGER, ensure_roles
from tests.factories import UserFactory


def staff_user(role, **kwargs):
    ensure_roles()
    user = UserFactory(staff=True, **kwargs)
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def case_manager():
    return staff_user(CASE_MANAGER, first_name="Camille", last_name="Gestion", email="camille@constructys.fr")


@pytest.fixture
def regional_manager():
    """A regional manager of every region (the region limit itself: tests/security/test_backoffice_roles.py)."""
    from accounts.models import Region
    from backoffice.models import StaffProfile

    user = staff_user(REGIONAL_MANAGER)
    StaffProfile.objects.create(user=user, regions=Region.values)
    return user


@pytest.fixture
def accountant():
    return staff_user(ACCOUNTING, email="compta@constructys.fr")


@pytest.fixture
def administrator():
    return staff_user(ADMINISTRATOR)


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
