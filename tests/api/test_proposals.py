"""A CFA's software proposes an apprenticeship contract to a member employer through the API (oGestion key): the
employer is told by email, sees the draft in eGestion marked "Proposée par <CFA>", completes and transmits it in the
wizard. The CFA's key reads and completes only its own proposals, never transmits, and loses the hand once the
employer changed the draft."""

import pytest
from django.core import mail
from django.test import override_settings

from accounts.models import Portal, Role
from dossiers.cerfa import FIELDS
from funding.models import FundingRequest, RequestStatus
from outbox.models import OutgoingEmail
from tests.egestion.requests.utils import SAMPLE_CFA_UAI, submit, valid_data
from tests.factories import (
    EstablishmentFactory,
    MembershipFactory,
    ProviderEstablishmentFactory,
    ProviderFactory,
    UserFactory,
)

from .conftest import Caller, make_key
from .test_drafts import attach_and_transmit

pytestmark = pytest.mark.django_db

URL = "/api/v1/demandes-apprentissage"
CFA_FIELD_IDS = [field_id for field_id in FIELDS if field_id.startswith("cfa_")]


@pytest.fixture
def employer(establishment):
    return establishment


@pytest.fixture
def manager(user):
    return user


@pytest.fixture
def cfa():
    """The sample referential's CFA (its UAI and SIRET), as an oGestion establishment."""
    provider = ProviderFactory(name="BTP CFA HAUTE-GARONNE", siren="448132704")
    return ProviderEstablishmentFactory(
        organisation=provider,
        name="BTP CFA HAUTE-GARONNE",
        siret="44813270400017",
        uai=SAMPLE_CFA_UAI,
        address_line1="3 CHEMIN DE LA CEPIERE",
        address_line2="",
        postal_code="31100",
        city="TOULOUSE",
    )


def provider_caller(client, establishment, **key_options):
    referent = UserFactory()
    MembershipFactory(user=referent, establishment=establishment, role=Role.PROVIDER_REFERENT)
    return Caller(client, make_key(referent, Portal.OGESTION, [establishment], **key_options).secret)


@pytest.fixture
def cfa_api(client, cfa):
    return provider_caller(client, cfa)


def propose(cfa_api, cfa, employer, champs):
    return cfa_api.post(URL, {"etablissement": cfa.pk, "siret_employeur": employer.siret, "champs": champs})


def without_cfa_block(data):
    return {key: value for key, value in data.items() if key in FIELDS and not key.startswith("cfa_")}


def test_a_cfa_proposes_the_employer_transmits_in_egestion(client, cfa_api, cfa, employer, manager, referentials):
    data = valid_data(employer)
    response = propose(cfa_api, cfa, employer, without_cfa_block(data))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["proposee_par"] == cfa.pk and body["etablissement"] == employer.pk
    assert body["champs"]["cfa_uai"] == SAMPLE_CFA_UAI and body["champs"]["cfa_siret"] == cfa.siret
    draft = FundingRequest.objects.get(public_id=body["id"])
    assert draft.proposed_by_provider == cfa and draft.is_draft

    # The employer's account manager is told, in the outbox (HTML and text).
    email = OutgoingEmail.objects.get(kind="apprenticeship_proposed")
    assert email.to == [manager.email]
    assert "BTP CFA HAUTE-GARONNE" in email.subject and "BTP CFA HAUTE-GARONNE" in email.html
    assert str(draft.public_id) in email.body

    # The CFA reads its proposal back; it cannot transmit: the employer does.
    assert cfa_api.get(f"{URL}/{draft.public_id}").status_code == 200
    refused = cfa_api.post(f"{URL}/{draft.public_id}/transmission", {})
    assert refused.status_code == 403
    assert refused.json()["erreur"]["message"] == "La transmission est faite par l'employeur dans eGestion."

    # In eGestion: the drafts list marks it, the wizard transmits it.
    client.force_login(manager)
    listing = client.get("/egestion/demandes/?onglet=brouillons").content.decode()
    assert "Proposée par BTP CFA HAUTE-GARONNE" in listing
    dossier = attach_and_transmit(client, draft)
    assert dossier.provider_establishment == cfa and dossier.employer_establishment == employer

    # Transmitted: the CFA's key only reads it.
    late = cfa_api.patch(f"{URL}/{draft.public_id}", {"champs": {"apprenti_nom_usage": "X"}})
    assert late.status_code == 409
    assert cfa_api.get(f"{URL}/{draft.public_id}").json()["dossier"] == dossier.number
    assert mail.outbox  # the outbox delivered inline in tests


def test_the_cfa_block_is_always_the_proposing_cfas(cfa_api, cfa, employer, manager):
    response = propose(
        cfa_api,
        cfa,
        employer,
        {"cfa_uai": "0751234A", "cfa_siret": "12345678901234", "cfa_denomination": "UN AUTRE CFA"},
    )
    assert response.status_code == 201, response.json()
    champs = response.json()["champs"]
    assert (champs["cfa_uai"], champs["cfa_siret"], champs["cfa_denomination"]) == (
        SAMPLE_CFA_UAI,
        "44813270400017",
        "BTP CFA HAUTE-GARONNE",
    )
    changed = cfa_api.patch(f"{URL}/{response.json()['id']}", {"champs": {"cfa_uai": "0751234A"}})
    assert changed.status_code == 200 and changed.json()["champs"]["cfa_uai"] == SAMPLE_CFA_UAI


def test_after_the_employers_edit_the_cfa_only_reads(client, cfa_api, cfa, employer, manager, referentials):
    draft_id = propose(cfa_api, cfa, employer, {"apprenti_nom_naissance": "MARTIN"}).json()["id"]
    assert cfa_api.patch(f"{URL}/{draft_id}", {"champs": {"apprenti_prenom": "Lucas"}}).status_code == 200
    draft = FundingRequest.objects.get(public_id=draft_id)

    client.force_login(manager)
    assert submit(client, draft, "apprenti", "save", apprenti_prenom="Lucas-Marie").status_code == 302

    refused = cfa_api.patch(f"{URL}/{draft_id}", {"champs": {"apprenti_prenom": "Paul"}})
    assert refused.status_code == 409
    assert "repris ce brouillon" in refused.json()["erreur"]["message"]
    draft.refresh_from_db()
    assert draft.data["apprenti_prenom"] == "Lucas-Marie"
    assert cfa_api.get(f"{URL}/{draft_id}").json()["reprise_par_employeur"] is True


def test_another_cfa_and_another_company_do_not_find_the_proposal(client, cfa_api, cfa, employer, manager):
    draft_id = propose(cfa_api, cfa, employer, {}).json()["id"]
    other_cfa = provider_caller(client, ProviderEstablishmentFactory(cfa=True))
    assert other_cfa.get(f"{URL}/{draft_id}").status_code == 404
    assert other_cfa.patch(f"{URL}/{draft_id}", {"champs": {"apprenti_prenom": "X"}}).status_code == 404
    assert other_cfa.post(f"{URL}/{draft_id}/transmission", {}).status_code == 404
    other_company = EstablishmentFactory()
    outsider = UserFactory()
    MembershipFactory(user=outsider, establishment=other_company, role=Role.COMPANY_MANAGER)
    company_api = Caller(client, make_key(outsider, Portal.EGESTION, [other_company]).secret)
    assert company_api.get(f"{URL}/{draft_id}").status_code == 404
    # The employer's own key finds it (it is a draft of its establishment).
    employer_api = Caller(client, make_key(manager, Portal.EGESTION, [employer]).secret)
    assert employer_api.get(f"{URL}/{draft_id}").json()["proposee_par"] == cfa.pk


def test_an_unknown_or_non_member_siret_is_refused(cfa_api, cfa):
    for siret in ("44306184100047", cfa.siret):  # nobody's; a training provider's, not a member company's
        response = cfa_api.post(URL, {"etablissement": cfa.pk, "siret_employeur": siret, "champs": {}})
        assert response.status_code == 422
        assert "Aucun établissement adhérent" in response.json()["erreur"]["message"]
    assert not FundingRequest.objects.exists()


def test_a_read_only_key_and_the_daily_limit(client, cfa, employer, manager):
    reader = provider_caller(client, cfa, scope="read")
    assert propose(reader, cfa, employer, {}).status_code == 403
    writer = provider_caller(client, cfa)
    with override_settings(API_PROPOSALS_PER_DAY=2):
        assert [propose(writer, cfa, employer, {}).status_code for _ in range(3)] == [201, 201, 429]
    assert FundingRequest.objects.filter(proposed_by_provider=cfa).count() == 2


def test_the_employer_deletes_a_proposal_like_any_draft(client, cfa_api, cfa, employer, manager):
    draft_id = propose(cfa_api, cfa, employer, {}).json()["id"]
    client.force_login(manager)
    response = client.post(f"/egestion/demandes/{draft_id}/supprimer/")
    assert response.status_code == 302
    assert not FundingRequest.objects.filter(status=RequestStatus.DRAFT).exists()
    assert cfa_api.get(f"{URL}/{draft_id}").status_code == 404
