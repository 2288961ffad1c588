"""The amounts and dates the portal shows for a contract follow its rupture and its accepted avenants: the NPEC
schedule of FACTURATION (oGestion), the échéances with their pay amounts (eGestion and oGestion dossier pages), and
the checks of a rupture or an avenant use the contract's dates, not the training's."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse

from deadlines.models import Deadline, DeadlineKind
from dossiers.models import DossierStatus
from funding import avenants, ruptures
from funding.models import RequestStatus
from funding.transmission import submit_request
from invoicing import services as invoicing
from invoicing.models import ContractTerms
from tests.factories import minimal_pdf
from tests.funding.conftest import TODAY

pytestmark = pytest.mark.django_db

D = Decimal
CONTRACT_START = datetime.date(2025, 9, 1)  # the CERFA's start of execution (tests/dossiers/cerfa/payloads.py)
CONTRACT_END = datetime.date(2027, 8, 31)  # its end; the training (the dossier's dates) ends on 09/07/2027
RUPTURE = datetime.date(2026, 2, 14)


@pytest.fixture
def contract(complete_request, user, cfa_referent):
    """The hand-checked CERFA transmitted and accepted, trained by the CFA of `cfa_referent`, NPEC 8 200 €."""
    call_command("load_npec", "--sample", stdout=io.StringIO())
    with TestCase.captureOnCommitCallbacks(execute=True):
        dossier = submit_request(complete_request, user=user, today=TODAY)
    dossier.status = DossierStatus.ACCEPTED
    dossier.provider_establishment = cfa_referent.memberships.get().establishment
    dossier.save()
    request = dossier.funding_request
    request.data = {**request.data, "employeur_code_idcc": "1597"}  # RNCP34862 × 1597: 8 200 € in the sample
    request.save()
    return dossier


def break_contract(dossier, user, reason="02", day=RUPTURE, initiative="commun"):
    signed = SimpleUploadedFile("convention.pdf", minimal_pdf("Convention de rupture"), content_type="application/pdf")
    with TestCase.captureOnCommitCallbacks(execute=True):
        rupture = ruptures.declare_rupture(
            dossier, user=user, rupture_date=day, reason=reason, initiative=initiative, uploaded_file=signed
        )
    dossier.refresh_from_db()  # as the next page would load it
    return rupture


def accepted_avenant(dossier, user, case_manager, values, avenant_type="33", decide=True):
    avenant = avenants.start_avenant(
        dossier, user=user, avenant_type=avenant_type, effective_date=datetime.date(2027, 6, 1)
    )
    avenant = avenants.save_avenant(avenant, values)
    avenant.status = RequestStatus.SUBMITTED
    avenant.save()
    if decide:
        with TestCase.captureOnCommitCallbacks(execute=True):
            avenants.decide(avenant, case_manager, RequestStatus.ACCEPTED)
    return avenant


def end_deadline(dossier):
    return Deadline.objects.get(dossier=dossier, kind=DeadlineKind.END).date


def test_after_a_rupture_the_npec_schedule_closes_at_the_rupture_date(contract, user):
    before = invoicing.billing_for(contract, today=RUPTURE)
    assert before.plan.total == D("16400.00")  # two full years at 8 200 €
    assert "Solde après rupture" not in [line.label for line in before.lines]

    break_contract(contract, user)

    after = invoicing.billing_for(contract, today=RUPTURE)
    assert after.problem is None
    assert after.lines[-1].label == "Solde après rupture année 1"
    # 01/09/2025 → 14/02/2026: 167 days of 365 at 8 200 € = 3 751,78 €, and nothing more.
    assert after.plan.total == D("3751.78")


def test_the_cfa_sees_the_schedule_after_the_rupture_in_facturation(client, contract, user, cfa_referent):
    break_contract(contract, user)
    client.force_login(cfa_referent)
    page = client.get(reverse("ogestion:invoicing_billing", args=[contract.number])).content.decode()
    assert "Solde après rupture année 1" in page
    assert "Avance année 2" not in page  # the second year is not owed any more


def test_a_rupture_in_the_first_45_days_is_declared_to_the_schedule(contract, user):
    break_contract(contract, user, reason="01", day=datetime.date(2025, 9, 20), initiative="employeur")
    terms = ContractTerms.from_cerfa(contract)
    assert terms.ruptured_on == datetime.date(2025, 9, 20) and terms.rupture_within_45_days


def test_saved_terms_follow_an_online_rupture_unless_staff_entered_one(contract, user):
    ContractTerms.objects.create(
        dossier=contract,
        concluded_on=datetime.date(2025, 8, 25),
        starts_on=CONTRACT_START,
        ends_on=CONTRACT_END,
        annual_npec=D("7300.00"),
    )
    break_contract(contract, user)
    assert invoicing.billing_for(contract, today=RUPTURE).plan.total == D("3340.00")  # 7 300 × 167 / 365

    terms = ContractTerms.objects.get(dossier=contract)
    terms.ruptured_on = datetime.date(2026, 1, 31)  # staff's correction wins
    terms.save()
    assert invoicing.billing_for(contract, today=RUPTURE).plan.total == D("3060.00")  # 7 300 × 153 / 365


def test_an_accepted_avenant_moves_the_schedule_and_the_echeances(contract, user, case_manager):
    extension = {
        "contrat_date_fin": "2028-02-29",
        "remuneration_3_1_du": "2027-09-01",
        "remuneration_3_1_au": "2028-02-29",
        "remuneration_3_1_taux": "60",
        "remuneration_3_1_base": "SMIC",
    }
    avenant = accepted_avenant(contract, user, case_manager, extension, decide=False)
    # Transmitted, not yet accepted: nothing moves.
    assert invoicing.billing_for(contract, today=TODAY).plan.total == D("16400.00")

    with TestCase.captureOnCommitCallbacks(execute=True):
        avenants.decide(avenant, case_manager, RequestStatus.ACCEPTED)

    # 8 200 + 8 200 + 8 200 × 182 / 365 (01/09/2027 → 29/02/2028) = 20 488,77 €
    assert invoicing.billing_for(contract, today=TODAY).plan.total == D("20488.77")
    assert end_deadline(contract) == datetime.date(2028, 2, 29)
    assert Deadline.objects.filter(dossier=contract, kind=DeadlineKind.AMENDMENT, date=datetime.date(2027, 6, 1))
    pay_steps = Deadline.objects.filter(dossier=contract, kind=DeadlineKind.PAY_STEP).order_by("date")
    assert datetime.date(2027, 9, 1) in [row.date for row in pay_steps]


def test_the_echeances_end_at_the_rupture(contract, user, client):
    from deadlines.services import refresh_deadlines

    refresh_deadlines(contract)
    assert end_deadline(contract) == CONTRACT_END  # the contract's end, not the training's (09/07/2027)
    break_contract(contract, user)
    assert end_deadline(contract) == RUPTURE
    assert not Deadline.objects.filter(dossier=contract, kind=DeadlineKind.PAY_STEP, date__gt=RUPTURE).exists()


def test_a_rupture_is_checked_against_the_contracts_dates_not_the_trainings(contract):
    # The training (the dossier's dates) ends on 09/07/2027; the contract runs to 31/08/2027.
    assert contract.end_date == datetime.date(2027, 7, 9)
    late = {"reason": "02", "initiative": "commun", "has_document": True}
    assert "date" not in ruptures.rupture_problems(contract, rupture_date=CONTRACT_END, **late)
    message = ruptures.rupture_problems(contract, rupture_date=CONTRACT_END + datetime.timedelta(days=1), **late)
    assert "fin du contrat (31/08/2027)" in message["date"][0]
    # The contract started on 01/09/2025, a week before the training: a rupture in between is possible.
    early = datetime.date(2025, 9, 5)
    assert "date" not in ruptures.rupture_problems(contract, rupture_date=early, **late)


def test_a_rupture_before_the_training_started_keeps_the_dossiers_dates_in_order(contract, user):
    break_contract(contract, user, reason="01", day=datetime.date(2025, 9, 5), initiative="employeur")
    contract.refresh_from_db()
    assert contract.status_label == "Rompu le 05/09/2025"
    assert contract.start_date <= contract.end_date


def test_the_admin_says_what_the_schedule_applies_after_the_online_rupture(client, contract, user, accountant):
    terms = ContractTerms.objects.create(
        dossier=contract,
        concluded_on=datetime.date(2025, 8, 25),
        starts_on=CONTRACT_START,
        ends_on=CONTRACT_END,
        annual_npec=D("7300.00"),
    )
    break_contract(contract, user)
    client.force_login(accountant)
    page = client.get(reverse("admin:invoicing_contractterms_change", args=[terms.pk])).content.decode()
    assert "Fin du contrat : 31/08/2027 ; rompu le 14/02/2026" in page
    terms.refresh_from_db()
    assert terms.ruptured_on is None  # what staff entered stays as entered
