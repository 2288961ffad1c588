"""Two "Transmettre" of one funding request at the same moment (a double click, two tabs), each on its own
connection to PostgreSQL: one dossier, one confirmation email, and both clicks land on the confirmation page
(funding.transmission locks the request; this proves it under real concurrency)."""

import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client

from dossiers.models import Dossier
from funding.models import FundingRequest
from outbox.models import OutgoingEmail
from tests.egestion.requests.utils import step_url
from tests.factories import minimal_pdf


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_transmissions_make_one_dossier_and_no_error(complete_draft, user, settings):
    from funding import services

    settings.OUTBOX_DELIVERY = "sweeper"  # count the emails queued, send none
    for kind, name in (("cerfa", "cerfa.pdf"), ("training_agreement", "convention.pdf")):
        services.attach_document(
            complete_draft, kind=kind, uploaded_file=SimpleUploadedFile(name, minimal_pdf()), user=user
        )
    barrier = threading.Barrier(2)
    responses, errors = [], []

    def click():
        try:
            browser = Client()
            browser.force_login(user)
            barrier.wait()
            responses.append(browser.post(step_url(complete_draft, "transmettre"), {"action": "transmit"}))
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    confirmation = f"/egestion/demandes/{complete_draft.public_id}/transmise/"
    assert [(response.status_code, response.url) for response in responses] == [(302, confirmation)] * 2
    assert Dossier.objects.filter(funding_request=complete_draft).count() == 1
    assert FundingRequest.objects.get(pk=complete_draft.pk).dossier is not None
    assert OutgoingEmail.objects.filter(to=[user.email]).count() == 1
