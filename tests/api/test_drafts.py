"""Apprenticeship requests through the API: a draft from CERFA field ids, the engine's errors and warnings (the
wizard's), documents checked like every upload, the transmission; and a draft begun through the API then completed
in the wizard transmits the same dossier as one typed in the wizard."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Portal
from dossiers.cerfa import FIELDS
from egestion.requests.apprenticeship.forms import STEPS
from funding.models import FundingRequest, RequestStatus
from funding.referentials import validate_request
from tests.egestion.requests.utils import step_url, type_steps, valid_data
from tests.factories import minimal_pdf

from .conftest import make_key

pytestmark = pytest.mark.django_db

API_STEPS = ("employeur", "apprenti", "maitres")  # typed by the CFA's or the company's software


@pytest.fixture
def api(client, user, establishment):
    from .conftest import Caller

    return Caller(client, make_key(user, Portal.EGESTION, [establishment]).secret)


def attach_and_transmit(client, draft):
    response = client.post(
        step_url(draft, "documents"),
        {
            "action": "next",
            "document_cerfa": SimpleUploadedFile("cerfa.pdf", minimal_pdf("CERFA signe"), "application/pdf"),
            "document_training_agreement": SimpleUploadedFile("convention.pdf", minimal_pdf(), "application/pdf"),
        },
    )
    assert response.status_code == 302
    response = client.post(step_url(draft, "transmettre"), {"action": "transmit"})
    assert response.status_code == 302, response.content.decode()[:3000]
    draft.refresh_from_db()
    assert draft.status == RequestStatus.SUBMITTED
    return draft.dossier


def dossier_as_read(dossier):
    """What a case manager reads of a transmitted dossier (its numbers apart)."""
    request = dossier.funding_request
    return {
        "scheme": dossier.scheme,
        "status": dossier.status,
        "title": dossier.title,
        "dates": (dossier.start_date, dossier.end_date),
        "employer": dossier.employer_establishment_id,
        "provider": dossier.provider_establishment_id,
        "agreed_amount": dossier.agreed_amount,
        "trainees": sorted(
            (e.person.last_name, e.person.first_name, str(e.person.birth_date)) for e in dossier.enrolments.all()
        ),
        "documents": sorted((d.kind, d.direction) for d in dossier.documents.all()),
        "cerfa": {key: value for key, value in request.data.items() if key in FIELDS},
    }


def step_values(data, slugs):
    ids = {field_id for step in STEPS if step.slug in slugs for field_id in step.field_ids}
    return {key: value for key, value in data.items() if key in ids}


def test_a_draft_begun_through_the_api_and_completed_in_the_wizard_is_the_same_dossier(
    client, api, user, establishment, referentials
):
    data = valid_data(establishment)
    client.force_login(user)

    # Typed in the wizard from "+" to "Transmettre".
    client.post("/egestion/demandes/nouvelle/contrat-apprentissage/", {"etablissement": establishment.pk})
    typed = FundingRequest.objects.get()
    type_steps(client, typed, data, {step.slug for step in STEPS})
    typed_dossier = attach_and_transmit(client, typed)

    # Begun by the software (employer, apprentice, mentors), completed by the user in the wizard.
    response = api.post(
        "/api/v1/demandes-apprentissage",
        {"etablissement": establishment.pk, "champs": step_values(data, API_STEPS)},
    )
    assert response.status_code == 201, response.json()
    begun = FundingRequest.objects.get(public_id=response.json()["id"])
    assert begun.created_by == user and begun.is_draft
    assert "apprenti_nom_naissance" not in response.json()["erreurs"]
    type_steps(client, begun, data, {step.slug for step in STEPS} - set(API_STEPS))
    begun_dossier = attach_and_transmit(client, begun)

    assert dossier_as_read(begun_dossier) == dossier_as_read(typed_dossier)


def test_errors_and_warnings_are_the_wizards(api, establishment, referentials):
    data = valid_data(establishment)
    champs = step_values(data, ("apprenti",)) | {"apprenti_date_naissance": "2031-01-01", "inconnu": None}
    champs.pop("inconnu")
    response = api.post("/api/v1/demandes-apprentissage", {"etablissement": establishment.pk, "champs": champs})
    assert response.status_code == 201
    body = response.json()
    draft = FundingRequest.objects.get(public_id=body["id"])
    result = validate_request(draft)
    assert body["erreurs"] == result.errors and body["avertissements"] == result.warnings
    assert body["erreurs"]["apprenti_date_naissance"]  # born in the future: the engine's French message
    assert body["pieces_manquantes"] == ["CERFA signé", "Convention de formation signée"]
    # The registry's employer fields are the establishment's.
    assert body["champs"]["employeur_siret"] == establishment.siret
    # PATCH completes it; null clears a field.
    response = api.patch(f"/api/v1/demandes-apprentissage/{body['id']}", {"champs": {"apprenti_date_naissance": None}})
    assert response.status_code == 200
    assert "apprenti_date_naissance" not in response.json()["champs"]


def test_unknown_fields_and_registry_fields_are_refused(api, establishment):
    response = api.post(
        "/api/v1/demandes-apprentissage",
        {"etablissement": establishment.pk, "champs": {"champ_invente": "x", "employeur_siret": "12345678901234"}},
    )
    assert response.status_code == 400
    fields = response.json()["erreur"]["champs"]
    assert fields["champ_invente"] == ["Champ inconnu du CERFA FA13 (voir les identifiants de la documentation)."]
    assert "registre" in fields["employeur_siret"][0]
    assert not FundingRequest.objects.exists()


def test_documents_are_checked_then_the_draft_is_transmitted(api, user, establishment, referentials):
    data = valid_data(establishment)
    response = api.post(
        "/api/v1/demandes-apprentissage",
        {"etablissement": establishment.pk, "champs": {k: v for k, v in data.items() if k in FIELDS}},
    )
    draft_id = response.json()["id"]
    assert response.json()["erreurs"] == {}
    refused = api.post(f"/api/v1/demandes-apprentissage/{draft_id}/transmission", {})
    assert refused.status_code == 400
    assert "Pièce obligatoire manquante : CERFA signé." in refused.json()["erreur"]["message"]
    fake = api.post(
        f"/api/v1/demandes-apprentissage/{draft_id}/pieces",
        {"type": "cerfa", "fichier": SimpleUploadedFile("cerfa.pdf", b"MZ not a pdf", "application/pdf")},
        multipart=True,
    )
    assert fake.status_code == 400 and fake.json()["erreur"]["champs"]["fichier"]
    for kind in ("cerfa", "training_agreement"):
        attached = api.post(
            f"/api/v1/demandes-apprentissage/{draft_id}/pieces",
            {"type": kind, "fichier": SimpleUploadedFile(f"{kind}.pdf", minimal_pdf(), "application/pdf")},
            multipart=True,
        )
        assert attached.status_code == 201, attached.json()
    assert attached.json()["pieces_manquantes"] == []
    transmitted = api.post(f"/api/v1/demandes-apprentissage/{draft_id}/transmission", {})
    assert transmitted.status_code == 201, transmitted.json()
    draft = FundingRequest.objects.get(public_id=draft_id)
    assert draft.status == RequestStatus.SUBMITTED and draft.dossier.number == transmitted.json()["dossier"]
    # The dossier is the company's, listed by the API like in the portal.
    numbers = [d["numero"] for d in api.get("/api/v1/dossiers").json()["resultats"]]
    assert draft.dossier.number in numbers
    again = api.patch(f"/api/v1/demandes-apprentissage/{draft_id}", {"champs": {"apprenti_nom_naissance": "X"}})
    assert again.status_code == 400
