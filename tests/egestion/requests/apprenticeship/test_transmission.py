"""Transmettre: the problems left (each a link to its step and field), then "Transmettre" turns the draft into a
dossier; the whole path through the views, from "+" to the confirmation."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from funding.models import FundingRequest, RequestStatus
from tests.egestion.requests.utils import step_url, text, type_steps, valid_data
from tests.factories import minimal_pdf

pytest.importorskip("funding.transmission")


def test_the_problems_link_to_their_step_and_field(logged_in, draft):
    response = logged_in.get(step_url(draft, "transmettre"))
    page = text(response)
    assert 'id="error-summary"' in page
    assert f"{step_url(draft, 'apprenti')}?verifier=1#apprenti_nom_naissance" in page
    assert f"{step_url(draft, 'validation')}?verifier=1#signature_fait_a" in page
    assert step_url(draft, "documents") in page
    # "Transmettre" with problems: refused, nothing changes.
    response = logged_in.post(step_url(draft, "transmettre"), {"action": "transmit"})
    assert response.status_code == 400
    assert FundingRequest.objects.get(pk=draft.pk).is_draft


def test_the_whole_path_through_the_views(logged_in, establishment, referentials):
    # "+" → Contrat d'apprentissage → the establishment → Suivant.
    response = logged_in.post("/egestion/demandes/nouvelle/contrat-apprentissage/", {"etablissement": establishment.pk})
    draft = FundingRequest.objects.get()
    assert response.url == step_url(draft, "employeur")

    data = valid_data(establishment)
    type_steps(logged_in, draft, data)

    response = logged_in.post(
        step_url(draft, "documents"),
        {
            "action": "next",
            "document_cerfa": SimpleUploadedFile("cerfa.pdf", minimal_pdf("CERFA signe"), "application/pdf"),
            "document_training_agreement": SimpleUploadedFile("convention.pdf", minimal_pdf(), "application/pdf"),
        },
    )
    assert response.url == step_url(draft, "transmettre")

    page = text(logged_in.get(step_url(draft, "transmettre")))
    assert 'id="error-summary"' not in page, page[page.find("error-summary") : page.find("error-summary") + 2000]
    assert "Votre demande est complète" in page

    response = logged_in.post(step_url(draft, "transmettre"), {"action": "transmit"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == RequestStatus.SUBMITTED
    assert draft.dossier is not None
    assert response.url == f"/egestion/demandes/{draft.public_id}/transmise/"
    page = text(logged_in.get(response.url))
    assert draft.dossier.number in page
    assert draft.dossier.request_number in page
    assert "transmise à Constructys" in page
    # The confirmation email, the CERFA of the dossier.
    assert [message.to for message in mail.outbox] == [["claire.durand@maconnerie-durand.fr"]]
    pdf = logged_in.get(f"/egestion/demandes/{draft.public_id}/transmise/cerfa.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    # The draft's URLs now lead to the confirmation; the request is listed as transmitted.
    assert logged_in.get(step_url(draft, "apprenti")).url == response.url
    assert draft.dossier.number in text(logged_in.get("/egestion/demandes/?onglet=transmises"))


@pytest.fixture
def transmittable(complete_draft, user):
    from funding import services

    for kind, name in (("cerfa", "cerfa.pdf"), ("training_agreement", "convention.pdf")):
        services.attach_document(
            complete_draft,
            kind=kind,
            uploaded_file=SimpleUploadedFile(name, minimal_pdf(), "application/pdf"),
            user=user,
        )
    return complete_draft


def test_a_second_click_on_transmettre_leads_to_the_same_dossier(logged_in, transmittable, rf, user):
    from dossiers.models import Dossier
    from egestion.requests.common import transmit

    stale = FundingRequest.objects.get(pk=transmittable.pk)  # a second tab, loaded before the first click
    first = logged_in.post(step_url(transmittable, "transmettre"), {"action": "transmit"})
    second = logged_in.post(step_url(transmittable, "transmettre"), {"action": "transmit"})
    confirmation = f"/egestion/demandes/{transmittable.public_id}/transmise/"
    assert first.url == second.url == confirmation
    # The click that found the draft still a draft waits for the first transmission and gets its dossier.
    request = rf.post(step_url(transmittable, "transmettre"), {"action": "transmit"})
    request.user = user
    assert transmit(request, stale, lambda errors: pytest.fail(errors)).url == confirmation
    assert Dossier.objects.filter(funding_request=transmittable).count() == 1
    assert len(mail.outbox) == 1


def test_the_transmission_step_runs_the_rules_once(logged_in, transmittable, monkeypatch):
    from funding import transmission

    calls = []
    original = transmission.validate_request
    monkeypatch.setattr(transmission, "validate_request", lambda *a, **k: calls.append(1) or original(*a, **k))
    monkeypatch.setattr(
        "egestion.requests.apprenticeship.views.validate_request", lambda *a, **k: calls.append(1) or original(*a, **k)
    )
    assert "Votre demande est complète" in text(logged_in.get(step_url(transmittable, "transmettre")))
    assert len(calls) == 1
