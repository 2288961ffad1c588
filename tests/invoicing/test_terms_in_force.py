"""The schedule follows the contract in force: an accepted avenant that moves the end date, and the rupture the
employer declared, recompute the remaining instalments; an overpaid CFA sees on FACTURATION what it owes back."""

import datetime

from django.urls import reverse

from funding.models import ContractRupture, FundingRequest, RequestKind, RequestStatus
from invoicing import selectors, services
from tests.invoicing.helpers import D, advance, apprenticeship, pdf


def avenant(dossier, end, status=RequestStatus.ACCEPTED, sequence=1):
    return FundingRequest.objects.create(
        kind=RequestKind.AVENANT,
        status=status,
        employer_establishment=dossier.employer_establishment,
        amended_dossier=dossier,
        avenant_sequence=sequence,
        data={"contrat_type": "36", "contrat_date_fin": end.isoformat()},
    )


def test_an_accepted_avenant_that_moves_the_end_date_recomputes_the_schedule(cfa_user):
    dossier = apprenticeship(cfa_user)
    labels = [line.label for line in services.billing_for(dossier).lines]
    assert not any("année 3" in label for label in labels)
    new_end = dossier.start_date + datetime.timedelta(days=3 * 365)
    avenant(dossier, new_end, status=RequestStatus.SUBMITTED)  # not decided yet: nothing moves
    assert services.billing_for(dossier).total == D("16000.00")
    avenant(dossier, new_end, sequence=2)
    billing = services.billing_for(dossier)
    assert billing.terms.ends_on == new_end
    assert any(line.label == "Solde année 3" for line in billing.lines)
    assert billing.total > D("16000.00")


def test_a_declared_rupture_closes_the_schedule_and_an_overpaid_cfa_sees_what_it_owes_back(
    client, cfa_user, accountant
):
    dossier = apprenticeship(cfa_user)
    invoice = services.deposit_invoice(cfa_user, dossier, advance(dossier=dossier), pdf())
    services.validate_invoice(invoice, accountant)
    ContractRupture.objects.create(
        dossier=dossier,
        rupture_date=dossier.start_date + datetime.timedelta(days=29),
        reason="01",  # during the first 45 days of practical training (declared)
        initiative="employeur",
        previous_end_date=dossier.end_date,
    )
    terms = selectors.contract_terms_for(dossier)
    assert terms.ruptured_on == dossier.start_date + datetime.timedelta(days=29) and terms.rupture_within_45_days
    billing = services.billing_for(dossier)
    assert billing.lines[-1].label == "Solde après rupture année 1"
    assert billing.remaining == D("-2542.47")  # 8000 × 30 / 365 = 657.53, minus the 3 200 advance
    client.force_login(cfa_user)
    page = client.get(reverse("ogestion:invoicing_billing", args=[dossier.number])).content.decode()
    assert "Trop-perçu à rembourser" in page and "-2\u00a0542,47" in page
