"""The digest run through a real Celery worker and Redis: beat's task fans out batches, the worker sends."""

import time

import pytest
from django.core import mail

from digests import services
from digests.models import Digest, DigestState, NotificationMode
from digests.tasks import run_digests
from messaging import services as messaging_services
from tests.digests.conftest import MONDAY, SATURDAY
from tests.factories import DocumentFactory, MembershipFactory, MessageFactory, UserFactory

pytestmark = pytest.mark.celery_worker


def wait_for(condition, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_the_worker_sends_the_period_s_digests_once(celery_worker, settings, company_user, provider_user, dossier):
    settings.DIGEST_BATCH_SIZE = 1  # one task per user: the fan-out is exercised
    colleague = MembershipFactory(establishment=dossier.employer_establishment).user
    MessageFactory(dossier=dossier, title="Pièce manquante", created_at=SATURDAY)
    DocumentFactory(dossier=dossier, name="Accord de prise en charge.pdf", uploaded_at=SATURDAY)

    assert run_digests.delay(MONDAY.isoformat()).get(timeout=20) == 3

    assert wait_for(lambda: Digest.objects.filter(state=DigestState.SENT).count() == 3)
    assert wait_for(lambda: len(mail.outbox) == 3)
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert set(by_recipient) == {company_user.email, colleague.email, provider_user.email}
    assert "« Pièce manquante »" in by_recipient[company_user.email].body
    assert "Accord de prise en charge.pdf" in by_recipient[provider_user.email].body
    assert "Pièce manquante" not in by_recipient[provider_user.email].body

    # Beat firing again for the same period (or a retried task) sends nothing more.
    assert run_digests.delay(MONDAY.isoformat()).get(timeout=20) == 0
    time.sleep(1)
    assert len(mail.outbox) == 3


def test_the_worker_emails_a_new_message_right_away(celery_worker, company_user, dossier):
    services.set_mode(company_user, NotificationMode.INSTANT)

    messaging_services.reply_as_case_manager(dossier, UserFactory(staff=True), "Convention à signer", "Bonjour")

    assert wait_for(lambda: len(mail.outbox) == 1)
    assert mail.outbox[0].to == [company_user.email]
    assert "« Convention à signer »" in mail.outbox[0].body
