"""Avenants to an accepted apprenticeship contract (funding.avenants and eGestion's "Déclarer un avenant"): pre-filled
from the contract in force, only what the type changes, checked by the engine, PDF marked as an avenant, signed copy,
idempotent transmission, the case manager's decision and the versions with their changes."""

import datetime
import subprocess
from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

from accounts.models import Role
from dossiers.models import DossierStatus
from funding import avenants, services
from funding.models import FundingRequest, RequestDocumentKind, RequestKind, RequestStatus
from funding.transmission import submit_request
from tests.factories import DossierFactory, EstablishmentFactory, MembershipFactory, minimal_pdf
from tests.funding.conftest import TODAY

pytestmark = pytest.mark.django_db

CONTRACT_NUMBER = "035202509NC0123"
NEW_MAITRE = {
    "maitre1_nom_naissance": "Bernard",
    "maitre1_prenom": "Sophie",
    "maitre1_date_naissance": "1980-05-12",
}


@pytest.fixture
def accepted(complete_request, user):
    with TestCase.captureOnCommitCallbacks(execute=True):
        dossier = submit_request(complete_request, user=user, today=TODAY)
    dossier.status = DossierStatus.ACCEPTED
    dossier.save()
    return dossier


def signed():
    return SimpleUploadedFile("avenant-signe.pdf", minimal_pdf("Avenant signé"), content_type="application/pdf")


def start(dossier, user, avenant_type="36", effective=datetime.date(2026, 3, 1)):
    return avenants.start_avenant(dossier, user=user, avenant_type=avenant_type, effective_date=effective)


def test_an_avenant_opens_from_the_contract_in_force_and_changes_only_what_its_type_changes(accepted, user):
    avenant = start(accepted, user)

    assert avenant.kind == RequestKind.AVENANT and avenant.amended_dossier == accepted
    assert avenant.avenant_number == f"{accepted.number}-AV1"
    assert avenant.data["maitre1_nom_naissance"] == "Durand"  # from the original contract
    assert avenant.data["contrat_type"] == "36" and avenant.data["contrat_date_effet_avenant"] == "2026-03-01"
    avenant = avenants.save_avenant(
        avenant, {**NEW_MAITRE, "apprenti_prenom": "Autre", "contrat_numero_precedent": CONTRACT_NUMBER}
    )
    assert avenant.data["maitre1_nom_naissance"] == "Bernard"
    assert avenant.data["apprenti_prenom"] != "Autre"  # not what an avenant 36 changes


def test_the_engine_checks_the_avenant_and_the_signed_copy_is_required(accepted, user):
    avenant = start(accepted, user)
    problems = avenants.avenant_problems(avenant)
    assert "contrat_numero_precedent" in problems and "documents" in problems
    avenants.save_avenant(avenant, {**NEW_MAITRE, "contrat_numero_precedent": CONTRACT_NUMBER})
    services.attach_document(avenant, kind=RequestDocumentKind.SIGNED_CERFA, uploaded_file=signed(), user=user)
    avenant.refresh_from_db()
    assert avenants.avenant_problems(avenant) == {}


def test_an_effective_date_outside_the_contract_is_refused(accepted, user):
    # The contract's dates (the CERFA's), not the dossier's (the training's).
    contract_end = datetime.date.fromisoformat(accepted.funding_request.data["contrat_date_fin"])
    with pytest.raises(ValidationError) as refused:
        start(accepted, user, effective=contract_end + datetime.timedelta(days=1))
    assert f"au {contract_end:%d/%m/%Y}" in refused.value.message_dict["date_effet"][0]
    assert not FundingRequest.objects.filter(kind=RequestKind.AVENANT).exists()
    assert start(accepted, user, effective=contract_end).avenant_sequence == 1


def test_transmitted_accepted_and_shown_as_a_version_with_its_changes(accepted, user, case_manager):
    avenant = start(accepted, user)
    avenants.save_avenant(avenant, {**NEW_MAITRE, "contrat_numero_precedent": CONTRACT_NUMBER})
    services.attach_document(avenant, kind=RequestDocumentKind.SIGNED_CERFA, uploaded_file=signed(), user=user)
    avenant.refresh_from_db()
    first = avenants.submit_avenant(avenant, user=user)
    again = avenants.submit_avenant(avenant, user=user)
    assert first.status == again.status == RequestStatus.SUBMITTED and first.submitted_at == again.submitted_at
    assert accepted.documents.filter(name__startswith=f"Avenant n° {avenant.avenant_number}").count() == 2

    avenants.decide(avenant, case_manager, RequestStatus.ACCEPTED)
    avenant.refresh_from_db()
    assert avenant.status == RequestStatus.ACCEPTED
    versions = avenants.versions(accepted)
    assert [v.title for v in versions] == [
        "Contrat initial",
        "Avenant n°1 du 01/03/2026 — changement de maître d'apprentissage",
    ]
    changed = {c.label: (c.before, c.after) for c in versions[1].changes}
    assert ("Durand", "Bernard") in changed.values()
    # The next avenant starts from the contract in force, with the next number.
    second = start(accepted, user, "33")
    assert second.avenant_number.endswith("-AV2") and second.data["maitre1_nom_naissance"] == "Bernard"


def test_refusing_or_marking_incomplete_needs_a_reason(accepted, user, case_manager):
    avenant = start(accepted, user)
    avenant.status = RequestStatus.SUBMITTED
    avenant.save()
    with pytest.raises(ValidationError, match="motif"):
        avenants.decide(avenant, case_manager, RequestStatus.REFUSED)
    avenants.decide(avenant, case_manager, RequestStatus.REFUSED, "Maître sans l'expérience requise.")
    avenant.refresh_from_db()
    assert avenant.status == RequestStatus.REFUSED and avenant.decision_note == "Maître sans l'expérience requise."
    assert accepted.messages.filter(title__contains="refusé").exists()


def test_the_pdf_is_marked_as_an_avenant_with_its_number(accepted, user):
    avenant = start(accepted, user)
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=avenants.avenant_pdf(avenant), capture_output=True, check=True
    ).stdout.decode()
    assert f"AVENANT n° {avenant.avenant_number}" in text and "BROUILLON" not in text


# --- the eGestion pages ---------------------------------------------------------------------------------------------


def test_the_company_declares_an_avenant_from_its_dossier(client, accepted, user):
    client.force_login(user)
    page = client.get(reverse("egestion:dossier", args=[accepted.number])).content.decode()
    assert "Déclarer un avenant" in page
    new = client.get(reverse("egestion:avenant_new", args=[accepted.number])).content.decode()
    assert "Autres changements : changement de maître d&#x27;apprentissage" in new

    response = client.post(
        reverse("egestion:avenant_new", args=[accepted.number]), {"type": "36", "date_effet": "2026-03-01"}
    )
    assert response.status_code == 302
    avenant = FundingRequest.objects.get(kind=RequestKind.AVENANT)
    edit = client.get(response["Location"]).content.decode()
    assert 'name="maitre1_nom_naissance"' in edit and 'name="apprenti_prenom"' not in edit

    client.post(response["Location"], {**NEW_MAITRE, "contrat_numero_precedent": CONTRACT_NUMBER})
    bad = SimpleUploadedFile("avenant.pdf", b"pas un PDF", content_type="application/pdf")
    refused = client.post(
        reverse("egestion:avenant_document", args=[accepted.number, avenant.public_id]), {"fichier": bad}
    )
    assert refused.status_code == 400 and 'value="Bernard"' in refused.content.decode()  # nothing typed is lost
    pdf = client.get(reverse("egestion:avenant_pdf", args=[accepted.number, avenant.public_id]))
    assert pdf["Content-Type"] == "application/pdf"
    client.post(reverse("egestion:avenant_document", args=[accepted.number, avenant.public_id]), {"fichier": signed()})
    submit_url = reverse("egestion:avenant_submit", args=[accepted.number, avenant.public_id])
    assert client.post(submit_url).status_code == 302
    assert client.post(submit_url).status_code == 302  # the second click: the same result
    avenant.refresh_from_db()
    assert avenant.status == RequestStatus.SUBMITTED
    page = client.get(reverse("egestion:dossier", args=[accepted.number])).content.decode()
    assert "Avenant n°1 du 01/03/2026 — changement de maître d&#x27;apprentissage" in page


def test_avenant_pages_of_another_company_answer_404(client, accepted, company_user):
    client.force_login(company_user)
    assert client.get(reverse("egestion:avenant_new", args=[accepted.number])).status_code == 404


def test_the_cfa_sees_the_avenant_on_its_dossier(client, accepted, user, cfa_referent):
    accepted.provider_establishment = cfa_referent.memberships.get().establishment
    accepted.save()
    avenant = start(accepted, user)
    avenants.save_avenant(avenant, {**NEW_MAITRE, "contrat_numero_precedent": CONTRACT_NUMBER})
    services.attach_document(avenant, kind=RequestDocumentKind.SIGNED_CERFA, uploaded_file=signed(), user=user)
    avenant.refresh_from_db()
    avenants.submit_avenant(avenant, user=user)
    client.force_login(cfa_referent)
    page = client.get(reverse("ogestion:dossier", args=[accepted.number])).content.decode()
    assert "Avenant n°1 du 01/03/2026 — changement de maître d&#x27;apprentissage" in page and "Bernard" in page


def test_the_case_manager_refuses_an_avenant_in_the_admin_with_a_reason(client, accepted, user, case_manager):
    avenant = start(accepted, user)
    avenant.status = RequestStatus.SUBMITTED
    avenant.save()
    client.force_login(case_manager)
    page = client.get(reverse("admin:funding_fundingrequest_change", args=[avenant.pk])).content.decode()
    assert "Refuser l&#x27;avenant" in page and avenant.avenant_number in page
    url = reverse("admin:funding_avenant_decision", args=[avenant.pk, "refused"])
    assert client.post(url, {"note": ""}).status_code == 200  # the reason is required
    avenant.refresh_from_db()
    assert avenant.status == RequestStatus.SUBMITTED
    assert client.post(url, {"note": "Maître sans l'expérience requise."}).status_code == 302
    avenant.refresh_from_db()
    assert avenant.status == RequestStatus.REFUSED


def test_no_avenant_on_another_companys_dossier_nor_on_one_that_is_not_an_accepted_contract(
    client, accepted, user, company_user
):
    avenant = start(accepted, user)
    client.force_login(company_user)  # another company's user
    args = [accepted.number, avenant.public_id]
    assert client.post(reverse("egestion:avenant_new", args=[accepted.number]), {"type": "36"}).status_code == 404
    assert client.get(reverse("egestion:avenant", args=args)).status_code == 404
    assert client.post(reverse("egestion:avenant", args=args), NEW_MAITRE).status_code == 404
    assert client.get(reverse("egestion:avenant_pdf", args=args)).status_code == 404
    assert client.post(reverse("egestion:avenant_document", args=args), {"fichier": signed()}).status_code == 404
    assert client.post(reverse("egestion:avenant_submit", args=args)).status_code == 404
    avenant.refresh_from_db()
    assert avenant.is_draft and avenant.data["maitre1_nom_naissance"] == "Durand"

    client.force_login(user)
    establishment = accepted.employer_establishment
    plan = DossierFactory(scheme="PLAN", employer_establishment=establishment)
    submitted = DossierFactory(apprenticeship=True, submitted=True, employer_establishment=establishment)
    for dossier, message in ((plan, "pas un contrat d&#x27;apprentissage"), (submitted, "pas encore accepté")):
        url = reverse("egestion:avenant_new", args=[dossier.number])
        for response in (client.get(url), client.post(url, {"type": "36", "date_effet": "2026-03-01"})):
            assert response.status_code == 409 and message in response.content.decode()
    assert not FundingRequest.objects.filter(amended_dossier__in=[plan, submitted]).exists()


def test_accounting_cannot_decide_an_avenant_and_a_regional_manager_can(
    client, accepted, user, accountant, regional_manager
):
    """docs/backoffice-permissions.md: deciding an avenant is instructing (`dossiers.instruct_dossier`): case
    managers, regional managers (their regions) and administrators; accounting only reads what it pays."""
    avenant = start(accepted, user)
    avenant.status = RequestStatus.SUBMITTED
    avenant.save()
    url = reverse("admin:funding_avenant_decision", args=[avenant.pk, "accepted"])

    client.force_login(accountant)
    assert client.get(url).status_code == 403
    assert client.post(url, {"note": ""}).status_code == 403
    avenant.refresh_from_db()
    assert avenant.status == RequestStatus.SUBMITTED

    client.force_login(regional_manager)
    page = client.get(url).content.decode()
    assert "Confirmer : Accepter l&#x27;avenant" in page and f"Avenant {avenant.avenant_number}</a>" in page
    assert client.post(url, {"note": ""}).status_code == 302
    avenant.refresh_from_db()
    assert avenant.status == RequestStatus.ACCEPTED
    again = client.post(url, {"note": ""}).content.decode()  # a second click decides nothing more
    assert "« Accepter l'avenant » n'est pas possible" in unescape(again)
    assert avenant.amended_dossier.messages.count() == 1


def test_a_user_of_another_establishment_of_the_same_company_cannot_reach_the_avenant(client, accepted, user):
    avenant = start(accepted, user)
    organisation = accepted.employer_establishment.organisation
    colleague = MembershipFactory(
        role=Role.COMPANY_MANAGER, establishment=EstablishmentFactory(organisation=organisation)
    ).user
    client.force_login(colleague)
    args = [accepted.number, avenant.public_id]
    assert client.get(reverse("egestion:avenant", args=args)).status_code == 404
    assert client.post(reverse("egestion:avenant", args=args), NEW_MAITRE).status_code == 404
    assert client.get(reverse("egestion:avenant_pdf", args=args)).status_code == 404
    assert client.post(reverse("egestion:avenant_document", args=args), {"fichier": signed()}).status_code == 404
    assert client.post(reverse("egestion:avenant_submit", args=args)).status_code == 404
    avenant.refresh_from_db()
    assert avenant.is_draft and avenant.data["maitre1_nom_naissance"] == "Durand"
