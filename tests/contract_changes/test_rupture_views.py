"""eGestion's "Déclarer une rupture" and what both portals show afterwards."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dossiers.models import DossierStatus
from tests.factories import DossierFactory, minimal_pdf

pytestmark = pytest.mark.django_db


def url(dossier):
    return reverse("egestion:dossier_rupture", args=[dossier.number])


def answers(**changes):
    return {"date": "2027-02-14", "motif": "02", "initiative": "commun", "action": "transmettre", **changes}


def signed():
    return SimpleUploadedFile("convention.pdf", minimal_pdf("Convention signée"), content_type="application/pdf")


def test_the_dossier_page_offers_the_declaration_and_the_form_lists_the_official_reasons(
    client, company_manager, contract
):
    client.force_login(company_manager)
    page = client.get(reverse("egestion:dossier", args=[contract.number])).content.decode()
    assert "Déclarer une rupture" in page and url(contract) in page

    form = client.get(url(contract)).content.decode()
    assert "Rupture d&#x27;un commun accord écrit des deux parties" in form
    assert "Obtention du diplôme" in form and "médiateur" in form


def test_a_declared_rupture_shows_rompu_le_in_both_portals(client, company_manager, contract, cfa_referent):
    client.force_login(company_manager)
    response = client.post(url(contract), {**answers(), "document": signed()})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Rompu le 14/02/2027" in page and "Déclarer une rupture" not in page

    client.force_login(cfa_referent)
    provider_page = client.get(reverse("ogestion:dossier", args=[contract.number])).content.decode()
    assert "Rompu le 14/02/2027" in provider_page and "commun accord" in provider_page

    # A second "Transmettre" (double click, back button) lands on the same dossier.
    client.force_login(company_manager)
    again = client.post(url(contract), {**answers(date="2027-03-01"), "document": signed()})
    assert again.status_code == 302
    contract.refresh_from_db()
    assert contract.end_date == datetime.date(2027, 2, 14)


def test_a_refused_file_keeps_every_answer_and_the_summary_names_the_problem(client, company_manager, contract):
    client.force_login(company_manager)
    bad = SimpleUploadedFile("convention.pdf", b"pas un PDF", content_type="application/pdf")
    response = client.post(url(contract), {**answers(), "document": bad})

    assert response.status_code == 400
    page = response.content.decode()
    assert "La rupture n'a pas été transmise" in page and 'href="#id_document"' in page
    assert 'value="2027-02-14"' in page and 'value="02" selected' in page and 'value="commun" ' in page
    contract.refresh_from_db()
    assert contract.status == DossierStatus.ACCEPTED
    # The answers are kept as a draft too: the form opens with them again.
    assert 'value="2027-02-14"' in client.get(url(contract)).content.decode()


def test_the_draft_is_saved_without_checks(client, company_manager, contract):
    client.force_login(company_manager)
    response = client.post(url(contract), answers(date="", action="brouillon"))
    assert response.status_code == 302
    page = client.get(url(contract)).content.decode()
    assert 'value="02" selected' in page
    contract.refresh_from_db()
    assert contract.status == DossierStatus.ACCEPTED


def test_another_companys_dossier_answers_404(client, company_user, contract):
    client.force_login(company_user)
    assert client.get(url(contract)).status_code == 404
    assert client.post(url(contract), {**answers(), "document": signed()}).status_code == 404
    contract.refresh_from_db()
    assert contract.status == DossierStatus.ACCEPTED


def test_a_dossier_that_is_not_an_accepted_contract_says_why(client, company_manager):
    establishment = company_manager.memberships.get().establishment
    client.force_login(company_manager)
    plan = DossierFactory(scheme="PLAN", employer_establishment=establishment)
    response = client.get(url(plan))
    assert response.status_code == 409
    assert "pas un contrat d&#x27;apprentissage" in response.content.decode()
    submitted = DossierFactory(apprenticeship=True, submitted=True, employer_establishment=establishment)
    assert "pas encore accepté" in client.get(url(submitted)).content.decode()
    assert "Déclarer une rupture" not in client.get(reverse("egestion:dossier", args=[plan.number])).content.decode()


def test_the_form_is_checked_while_typing_like_the_wizard(client, company_manager, contract):
    client.force_login(company_manager)
    page = client.get(url(contract)).content.decode()
    assert 'id="wizard-form"' in page and f'data-autosave="{url(contract)}"' in page and "js/wizard.js" in page
    assert 'id="date-error"' in page and 'data-field="motif"' in page

    autosave = {"HTTP_X_WIZARD_AUTOSAVE": "1"}
    late = client.post(url(contract), answers(date="2028-09-01", action=""), **autosave).json()
    assert late["saved"] is True and "dépasser la fin du contrat (31/08/2028)" in late["errors"]["date"][0]
    assert "document" not in late["errors"]  # a file is checked on "Transmettre" only
    resignation = client.post(url(contract), answers(motif="03", initiative="employeur"), **autosave).json()
    assert "apprenti" in resignation["errors"]["initiative"][0]
    assert "date" not in resignation["errors"]
    # The answers typed are the draft: the form opens with them again, and nothing was declared.
    assert 'value="03" selected' in client.get(url(contract)).content.decode()
    contract.refresh_from_db()
    assert contract.status == DossierStatus.ACCEPTED


def test_the_rule_checks_each_refuse_the_declaration_with_their_message(client, company_manager, contract):
    client.force_login(company_manager)
    cases = [
        (answers(date="2026-09-01"), "postérieure au début du contrat (01/09/2026)"),
        (answers(date="2028-09-01"), "dépasser la fin du contrat (31/08/2028)"),
        (answers(motif="01", initiative="employeur", date="2026-11-15"), "45 premiers jours"),
        (answers(), "convention de rupture signée"),  # mutual agreement without the signed agreement
        (answers(motif="04", initiative="employeur"), "la lettre de licenciement"),
    ]
    for data, message in cases:
        response = client.post(url(contract), data)
        assert response.status_code == 400
        assert message in response.content.decode().replace("&#x27;", "'"), message
    contract.refresh_from_db()
    assert contract.status == DossierStatus.ACCEPTED
