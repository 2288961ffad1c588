"""Declaring the rupture of an accepted apprenticeship contract (funding.ruptures): the checks, the dossier that
ends "Rompu le …", the CFA's email, the idempotent second click, and what is refused."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase

from dossiers.cerfa.codes import RUPTURE_DOCUMENTS, RUPTURE_INITIATIVES_BY_MOTIF, RUPTURE_MOTIF
from dossiers.models import DocumentDirection, DossierStatus, DossierStatusChange, Scheme
from funding import ruptures
from funding.models import ContractRupture
from tests.contract_changes.conftest import END, START
from tests.factories import DossierFactory, minimal_pdf

pytestmark = pytest.mark.django_db


def signed(name="convention.pdf"):
    return SimpleUploadedFile(name, minimal_pdf("Convention de rupture signée"), content_type="application/pdf")


def declare(dossier, user, **values):
    values = {"rupture_date": datetime.date(2027, 2, 14), "reason": "02", "initiative": "commun", **values}
    with TestCase.captureOnCommitCallbacks(execute=True):
        return ruptures.declare_rupture(dossier, user=user, **values)


def problems(dossier, **values):
    values = {"rupture_date": datetime.date(2027, 2, 14), "reason": "02", "initiative": "commun", **values}
    values.setdefault("has_document", True)
    return ruptures.rupture_problems(dossier, **values)


def test_a_mutual_agreement_ends_the_dossier_and_tells_the_cfa(contract, company_manager):
    rupture = declare(contract, company_manager, uploaded_file=signed())

    contract.refresh_from_db()
    assert contract.status == DossierStatus.TERMINATED
    assert contract.end_date == datetime.date(2027, 2, 14)
    assert contract.status_label == "Rompu le 14/02/2027"
    assert rupture.previous_end_date == END
    assert rupture.document.direction == DocumentDirection.RECEIVED and rupture.document.dossier == contract
    change = DossierStatusChange.objects.get(dossier=contract)
    assert (change.from_status, change.to_status) == (DossierStatus.ACCEPTED, DossierStatus.TERMINATED)
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["referent@cfa-batiment.fr"]
    assert contract.number in email.subject
    for body in (email.body, email.alternatives[0][0]):
        assert "14/02/2027" in body and "commun accord" in body and f"/ogestion/dossiers/{contract.number}/" in body


def test_a_second_click_returns_the_same_rupture_without_a_second_email(contract, company_manager):
    first = declare(contract, company_manager, uploaded_file=signed())
    second = declare(contract, company_manager, rupture_date=datetime.date(2027, 3, 1), uploaded_file=signed())

    assert second.pk == first.pk
    assert ContractRupture.objects.count() == 1
    assert len(mail.outbox) == 1
    contract.refresh_from_db()
    assert contract.end_date == datetime.date(2027, 2, 14)


def test_the_date_must_be_after_the_start_and_not_after_the_end(contract):
    assert "date" in problems(contract, rupture_date=START)
    assert "date" not in problems(contract, rupture_date=START + datetime.timedelta(days=1))
    assert "date" not in problems(contract, rupture_date=END)
    assert "après" not in " ".join(problems(contract, rupture_date=END + datetime.timedelta(days=1))["date"])
    assert (
        "dépasser la fin du contrat (31/08/2028)"
        in problems(contract, rupture_date=END + datetime.timedelta(days=1))["date"][0]
    )
    assert "Indiquez la date" in problems(contract, rupture_date=None)["date"][0]


def test_the_first_45_days_reason_only_within_45_days_of_practical_training(contract):
    # No calendar: at most 75 % of the elapsed days are in the company; 60 days elapsed → 45 days: still allowed.
    within = START + datetime.timedelta(days=59)
    last = START + datetime.timedelta(days=60)  # 61 days elapsed × 75 % = 45.75: still the 45th day
    beyond = START + datetime.timedelta(days=61)  # 62 × 75 % = 46.5: the 46th day
    assert ruptures.practical_training(contract, within).days == 45
    assert ruptures.practical_training(contract, last).days == 45
    assert ruptures.practical_training(contract, beyond).days == 46
    assert "motif" not in problems(contract, reason="01", initiative="apprenti", rupture_date=last)
    assert "motif" not in problems(contract, reason="01", initiative="employeur", rupture_date=within)
    message = problems(contract, reason="01", initiative="employeur", rupture_date=beyond)["motif"][0]
    assert "45 premiers jours" in message and "estimation" in message


def test_mutual_agreement_needs_the_signed_agreement_and_both_parties(contract):
    assert "convention de rupture signée" in problems(contract, has_document=False)["document"][0]
    assert "initiative" in problems(contract, initiative="employeur")
    # The apprentice's death needs no document from the parties.
    assert "document" not in problems(contract, reason="12", initiative="tiers", has_document=False)


@pytest.mark.parametrize("reason", sorted(RUPTURE_DOCUMENTS))
def test_each_reason_that_needs_a_signed_document_asks_for_it(contract, reason):
    initiative = sorted(RUPTURE_INITIATIVES_BY_MOTIF[reason])[0]
    day = START + datetime.timedelta(days=10)  # within the first 45 days, so that "01" is possible
    missing = problems(contract, reason=reason, initiative=initiative, rupture_date=day, has_document=False)
    assert missing == {
        "document": [f"Ce motif demande un document signé : joignez {RUPTURE_DOCUMENTS[reason]} (PDF, JPEG ou PNG)."]
    }
    assert problems(contract, reason=reason, initiative=initiative, rupture_date=day) == {}


def test_every_official_reason_cites_its_article_and_says_who_takes_the_initiative():
    assert set(RUPTURE_MOTIF.codes) == set(RUPTURE_INITIATIVES_BY_MOTIF)
    for code in RUPTURE_MOTIF.codes:
        if code != "12":  # the apprentice's death: no article of its own
            assert "art. L. 62" in RUPTURE_MOTIF.label(code)
    assert "entreprise unipersonnelle" in RUPTURE_MOTIF.label("07")  # L. 6222-18 al. 3


def test_the_initiative_must_match_the_reason(contract):
    assert "apprenti" in problems(contract, reason="03", initiative="employeur")["initiative"][0]  # a resignation
    assert "employeur" in problems(contract, reason="04", initiative="apprenti")["initiative"][0]  # a dismissal
    assert "initiative" not in problems(contract, reason="03", initiative="apprenti")
    assert "initiative" not in problems(contract, reason="10", initiative="tiers")  # the liquidator


def test_a_refused_declaration_changes_nothing(contract, company_manager):
    with pytest.raises(ValidationError) as refused:
        declare(contract, company_manager)  # mutual agreement without the signed agreement
    assert "document" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        declare(contract, company_manager, uploaded_file=SimpleUploadedFile("x.pdf", b"not a pdf"))
    assert "document" in refused.value.message_dict
    contract.refresh_from_db()
    assert contract.status == DossierStatus.ACCEPTED and contract.end_date == END
    assert not ContractRupture.objects.exists() and not contract.documents.exists() and mail.outbox == []


def test_only_an_accepted_apprenticeship_contract_can_be_broken(company_manager):
    establishment = company_manager.memberships.get().establishment
    plan = DossierFactory(scheme=Scheme.PLAN, employer_establishment=establishment)
    submitted = DossierFactory(apprenticeship=True, submitted=True, employer_establishment=establishment)
    assert "pas un contrat d'apprentissage" in ruptures.contract_problem(plan)
    assert "pas encore accepté" in ruptures.contract_problem(submitted)
    with pytest.raises(ValidationError, match="pas encore accepté"):
        declare(submitted, company_manager, uploaded_file=signed())


def test_another_company_cannot_declare_it(contract, company_user):
    with pytest.raises(PermissionDenied):
        declare(contract, company_user, uploaded_file=signed())
    assert not ContractRupture.objects.exists()
