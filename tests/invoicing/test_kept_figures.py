"""What the money view keeps instead of computing on each page (issue 18): the NPEC schedule of each contract
(invoicing.plans) and each invoice's payment (database triggers). The figures must be those computed live: after a
change of the contract terms, of the NPEC referential or of the payment rules, after a bulk write without signals,
and whatever writes the payments."""

import datetime

import pytest

from dossiers.models import Dossier, Scheme
from invoicing import money, plans, services
from invoicing.importers import load_npec
from invoicing.models import ContractPlan, ContractTerms, Invoice, NpecAmount, PaymentRule
from payments.models import Payment, PaymentLine
from tests.factories import PaymentLineFactory
from tests.invoicing.helpers import TODAY, D, advance, apprenticeship, pdf


def to_invoice(user):
    establishments = [m.establishment for m in user.memberships.select_related("establishment")]
    return money.money_view(user, establishments, TODAY).total.to_invoice_this_month


def paid_invoice(user, accountant, number="F-1", reference="VIR700"):
    dossier = apprenticeship(user)
    invoice = services.deposit_invoice(user, dossier, advance(number, dossier=dossier), pdf())
    services.validate_invoice(invoice, accountant)
    services.pay_invoices(actor=accountant, reference=reference, paid_on=TODAY, invoices=[invoice])
    return Invoice.objects.get(pk=invoice.pk)


def test_the_kept_schedule_is_the_one_facturation_computes(cfa_user):
    dossier = apprenticeship(cfa_user, ruptured_on=TODAY + datetime.timedelta(days=200))
    (plan,) = plans.compute_plans([dossier.pk])
    billing = services.billing_for(dossier, TODAY)
    assert plan.invoicable_from == [line.instalment.invoicable_from for line in billing.lines]
    assert plan.amounts == [line.instalment.amount for line in billing.lines]
    assert plan.total == billing.total


def test_to_invoice_follows_a_change_of_the_contract_terms(cfa_user):
    dossier = apprenticeship(cfa_user)
    assert to_invoice(cfa_user) == D("3200.00")  # the advance: 40 % of 8 000 €
    assert ContractPlan.objects.filter(dossier=dossier).exists()  # kept for the next page
    terms = ContractTerms.objects.get(dossier=dossier)
    terms.annual_npec = D("10000.00")
    terms.save()
    assert to_invoice(cfa_user) == D("4000.00")
    terms.delete()
    assert to_invoice(cfa_user) == D("0.00")  # no terms, no CERFA: no schedule


def test_to_invoice_follows_the_npec_referential_and_the_payment_rules(cfa_user, tmp_path):
    dossier = apprenticeship(cfa_user, certification_code="RNCP37651", idcc="1597")
    ContractTerms.objects.filter(dossier=dossier).update(annual_npec=None)  # the referential's amount applies
    ContractPlan.objects.filter(dossier=dossier).delete()
    assert to_invoice(cfa_user) == D("0.00")  # no NPEC known yet
    start = TODAY - datetime.timedelta(days=400)
    row = NpecAmount.objects.create(
        certification_code="RNCP37651", idcc="1597", annual_amount=D("9000"), valid_from=start
    )
    assert to_invoice(cfa_user) == D("3600.00")
    row.annual_amount = D("7000")
    row.save()
    assert to_invoice(cfa_user) == D("2800.00")
    # The open-data file's loader writes in bulk, without signals: it forgets the plans of the codes it loads.
    source = tmp_path / "npec.csv"
    source.write_text(
        "Code RNCP;Libellé de la certification;CPNE;IDCC;NPEC final;Date d'applicabilité des NPEC*\n"
        f"RNCP37651;Maçon (CAP);CPNE du bâtiment;1597;6 000;{start:%d/%m/%Y}\n",
        encoding="utf-8",
    )
    load_npec(source)
    assert NpecAmount.objects.get(pk=row.pk).annual_amount == D("6000.00")
    assert to_invoice(cfa_user) == D("2400.00")
    rule = PaymentRule.objects.get(concluded_until__isnull=True)
    rule.advance_share = D("0.500")
    rule.save()
    assert to_invoice(cfa_user) == D("3000.00")


def test_a_dossier_without_a_kept_schedule_is_computed_when_read(cfa_user):
    """A bulk write (COPY, queryset update) announces nothing: a missing plan is computed on the next page, and the
    nightly refresh computes them all again."""
    apprenticeship(cfa_user)
    apprenticeship(cfa_user)
    assert to_invoice(cfa_user) == D("6400.00")
    ContractPlan.objects.all().delete()
    assert to_invoice(cfa_user) == D("6400.00")
    ContractPlan.objects.update(amounts=[], invoicable_from=[], total=0)  # what a missed change would leave
    assert plans.refresh_all_plans() >= 2
    assert to_invoice(cfa_user) == D("6400.00")


def test_only_apprenticeship_contracts_count_in_what_is_left_to_invoice(cfa_user):
    """The other schemes are invoiced by subrogation (FACTURATION shows no NPEC schedule for them): contract terms
    saved by mistake on a skills-plan dossier neither count in "À facturer ce mois" nor get a kept schedule."""
    apprenticeship(cfa_user)
    plan_dossier = apprenticeship(cfa_user)
    Dossier.objects.filter(pk=plan_dossier.pk).update(scheme=Scheme.PLAN)
    ContractPlan.objects.all().delete()
    assert to_invoice(cfa_user) == D("3200.00")  # the apprenticeship's advance only
    assert not ContractPlan.objects.filter(dossier=plan_dossier).exists()
    plans.refresh_all_plans()
    assert not ContractPlan.objects.filter(dossier=plan_dossier).exists()
    Dossier.objects.filter(pk=plan_dossier.pk).update(scheme=Scheme.ALTE)  # corrected: counted again
    assert to_invoice(cfa_user) == D("6400.00")


def test_a_batch_that_fails_in_the_nightly_refresh_does_not_stop_the_others(cfa_user, monkeypatch):
    first, second = apprenticeship(cfa_user), apprenticeship(cfa_user)
    ContractPlan.objects.all().delete()
    monkeypatch.setattr(plans, "REFRESH_BATCH", 1)
    compute = plans.store_plans

    def failing_on_the_first(ids):
        if first.pk in ids:
            raise ValueError("données incohérentes")
        return compute(ids)

    monkeypatch.setattr(plans, "store_plans", failing_on_the_first)
    with pytest.raises(RuntimeError, match="1 batch"):
        plans.refresh_all_plans()
    assert list(ContractPlan.objects.values_list("dossier", flat=True)) == [second.pk]


def test_an_invoice_knows_the_payment_that_settles_it_whatever_writes_the_payments(cfa_user, accountant):
    invoice = paid_invoice(cfa_user, accountant)
    assert (invoice.paid_reference, invoice.paid_on) == ("VIR700", TODAY)
    assert invoice.status_label() == f"Payée (VIR700 du {TODAY:%d/%m/%Y})"
    payment = Payment.objects.get(reference="VIR700")
    Payment.objects.filter(pk=payment.pk).update(paid_on=TODAY - datetime.timedelta(days=3), reference="VIR701")
    invoice.refresh_from_db()
    assert (invoice.paid_reference, invoice.paid_on) == ("VIR701", TODAY - datetime.timedelta(days=3))
    # An earlier payment of the same number on the same dossier (a second payment, with its reason) settles it.
    earlier = PaymentLineFactory(
        payment__beneficiary=payment.beneficiary,
        payment__paid_on=TODAY - datetime.timedelta(days=10),
        dossier=invoice.dossier,
        invoice_number=invoice.number.lower(),
        duplicate_reason="Paiement en double",
    )
    invoice.refresh_from_db()
    assert invoice.paid_reference == earlier.payment.reference
    earlier.payment.delete()  # the cascade deletes its line
    PaymentLine.objects.filter(payment=payment).delete()
    invoice.refresh_from_db()
    assert (invoice.paid_reference, invoice.paid_on) == (None, None)
    assert "Payée" not in invoice.status_label()


def test_the_kept_payment_is_never_written_by_hand(cfa_user, accountant):
    invoice = paid_invoice(cfa_user, accountant)
    Invoice.objects.filter(pk=invoice.pk).update(paid_reference="FAUX", paid_on=None)
    invoice.refresh_from_db()
    assert invoice.paid_reference == "VIR700"
    other = services.deposit_invoice(cfa_user, apprenticeship(cfa_user), advance("F-2"), pdf())
    line = PaymentLineFactory(
        dossier=other.dossier, invoice_number="F-3", payment__beneficiary=other.dossier.provider_establishment
    )
    other.refresh_from_db()
    assert other.paid_reference is None
    Invoice.objects.filter(pk=other.pk).update(number="f-3")  # renumbered: the payment line bears its number
    other.refresh_from_db()
    assert other.paid_reference == line.payment.reference


def test_an_rncp_import_drops_the_kept_schedules_of_the_certifications_it_changed(cfa_user):
    """The RNCP loader writes in bulk (no post_save): the schedules computed from a certification it changed are
    computed again at the next read, not after the nightly refresh."""
    from referentials.importers import LoadResult, upsert
    from referentials.models import RncpCertification

    changed = apprenticeship(cfa_user, certification_code="RNCP37651", idcc="1597")
    kept = apprenticeship(cfa_user, certification_code="RNCP36000", idcc="1597")
    to_invoice(cfa_user)
    assert ContractPlan.objects.filter(dossier__in=[changed, kept]).count() == 2

    certification = RncpCertification(code="RNCP37651", title="Maçon", level=3)
    upsert(RncpCertification, "code", [certification], LoadResult("RNCP", "rncp.csv"))

    assert list(ContractPlan.objects.filter(dossier__in=[changed, kept]).values_list("dossier", flat=True)) == [kept.pk]
