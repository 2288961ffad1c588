"""Fixtures of the funding tests: an employer establishment with its user, the sample referentials, and a complete,
valid apprenticeship request (the hand-checked payload of tests/dossiers/cerfa/payloads.py, for that employer)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from accounts.models import Role
from funding import services
from funding.models import RequestDocumentKind
from tests.dossiers.cerfa.payloads import TODAY, minor_payload
from tests.factories import MembershipFactory, minimal_pdf

__all__ = ["TODAY"]


def apprenticeship_payload(establishment, **changes):
    """The complete minor payload, employed by `establishment` (SIRET and name), with some fields changed."""
    return {
        **minor_payload(),
        "employeur_siret": establishment.siret,
        "employeur_denomination": establishment.name,
        **changes,
    }


def pdf_upload(name="document.pdf", text="Document signé"):
    return SimpleUploadedFile(name, minimal_pdf(text), content_type="application/pdf")


@pytest.fixture
def sample_referentials():
    call_command("load_referentials", "--sample", stdout=_Silent())


class _Silent:
    def write(self, *args, **kwargs):
        pass

    def flush(self):
        pass


@pytest.fixture
def membership():
    return MembershipFactory(role=Role.COMPANY_MANAGER, user__first_name="Claire", user__email="claire@durand.fr")


@pytest.fixture
def user(membership):
    return membership.user


@pytest.fixture
def establishment(membership):
    return membership.establishment


@pytest.fixture
def draft(user, establishment):
    """A draft holding the complete payload, without its documents."""
    return services.create_draft(
        user=user, establishment=establishment, initial_data=apprenticeship_payload(establishment)
    )


@pytest.fixture
def complete_request(draft, user, sample_referentials):
    """A draft that can be transmitted: complete payload, signed CERFA and training agreement attached."""
    services.attach_document(
        draft, kind=RequestDocumentKind.SIGNED_CERFA, uploaded_file=pdf_upload("cerfa-signe.pdf", "CERFA"), user=user
    )
    services.attach_document(
        draft,
        kind=RequestDocumentKind.TRAINING_AGREEMENT,
        uploaded_file=pdf_upload("convention.pdf", "Convention"),
        user=user,
    )
    return draft
