"""Depositing an invoice on an apprenticeship dossier, its refusals, its review by accounting and its payment."""

import datetime
import io

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Role
from invoicing import services
from invoicing.models import AttachmentKind, Invoice, InvoiceStatus
from tests.factories import DossierFactory, MembershipFactory, ProviderEstablishmentFactory, tiny_image
from tests.invoicing.helpers import TODAY, D, advance, apprenticeship, pdf


def refusal(user, dossier, data, **kwargs) -> dict:
    with pytest.raises(ValidationError) as caught:
        services.deposit_invoice(user, dossier, data, pdf(), **kwargs)
    return caught.value.message_dict


def test_the_advance_is_what_can_be_invoiced_today_and_its_invoice_is_deposited(cfa_user):
    dossier = apprenticeship(cfa_user)
    billing = services.billing_for(dossier)
    assert billing.invoicable_today == D("3200.00")
    assert [line.status for line in billing.lines][:2] == ["À facturer", "À venir"]
    invoice = services.deposit_invoice(cfa_user, dossier, advance(dossier=dossier), pdf())
    assert invoice.status_label() == "Déposée"
    assert invoice.expected_payment_on == TODAY + datetime.timedelta(days=30)
    assert invoice.instalment == "Avance année 1"
    assert services.billing_for(dossier).invoicable_today == D("0.00")
    assert services.billing_for(dossier).lines[0].status == "Facturée"


def test_an_amount_above_what_remains_is_refused(cfa_user):
    dossier = apprenticeship(cfa_user)
    errors = refusal(cfa_user, dossier, advance(amount="20000.00", dossier=dossier))
    assert errors["amount"] == [
        "Le montant de 20\u00a0000,00\u00a0€ dépasse ce qui reste à facturer sur ce dossier (16\u00a0000,00\u00a0€)."
    ]


def test_an_amount_above_what_is_due_today_is_refused(cfa_user):
    dossier = apprenticeship(cfa_user)
    errors = refusal(cfa_user, dossier, advance(amount="3200.01", dossier=dossier))
    assert "dépasse ce qui peut être facturé à ce jour (3\u00a0200,00\u00a0€)" in errors["amount"][0]


def test_an_invoice_number_is_used_once_per_provider_until_rejected(cfa_user, accountant):
    first = apprenticeship(cfa_user)
    second = apprenticeship(cfa_user)
    invoice = services.deposit_invoice(cfa_user, first, advance(dossier=first), pdf())
    errors = refusal(cfa_user, second, advance(number="f-2026-001", dossier=second))
    assert errors["number"] == [
        "Vous avez déjà déposé une facture n° f-2026-001 : chaque facture a un numéro qui lui est propre."
    ]
    services.reject_invoice(invoice, accountant, "Montant erroné")
    assert services.deposit_invoice(cfa_user, second, advance(dossier=second), pdf()).number == "F-2026-001"
    other_cfa = MembershipFactory(role=Role.PROVIDER_REFERENT, establishment=ProviderEstablishmentFactory(cfa=True))
    other = apprenticeship(other_cfa.user)
    assert services.deposit_invoice(other_cfa.user, other, advance(dossier=other), pdf()).number == "F-2026-001"


def test_a_number_deposited_at_the_same_moment_on_another_dossier_is_refused_not_a_crash(cfa_user):
    """Two deposits at once on two dossiers pass the number check together: the database's constraint refuses the
    second with the same message (no error 500), and nothing of it is kept."""
    first, second = apprenticeship(cfa_user), apprenticeship(cfa_user)
    services.deposit_invoice(cfa_user, first, advance(dossier=first), pdf())
    with pytest.raises(ValidationError) as caught:
        services.record_invoice(
            cfa_user,
            second,
            advance(number="f-2026-001 ", dossier=second),
            pdf(),
            {},
            instalment="Avance année 1",
            received_at=datetime.datetime.now(datetime.UTC),
            expected=TODAY,
        )
    assert caught.value.message_dict["number"] == [
        "Vous avez déjà déposé une facture n° f-2026-001 : chaque facture a un numéro qui lui est propre."
    ]
    assert not second.invoices.exists()


def test_a_period_outside_the_contract_is_refused(cfa_user):
    dossier = apprenticeship(cfa_user)
    before = dossier.start_date - datetime.timedelta(days=1)
    errors = refusal(cfa_user, dossier, advance(dossier=dossier, period_start=before))
    assert errors["period_end"] == [
        f"La période du {before:%d/%m/%Y} au {TODAY:%d/%m/%Y} sort du contrat "
        f"(du {dossier.start_date:%d/%m/%Y} au {dossier.end_date:%d/%m/%Y})."
    ]


def test_a_new_cfa_must_join_the_start_certificate(cfa_user):
    dossier = apprenticeship(cfa_user, is_new_cfa=True)
    errors = refusal(cfa_user, dossier, advance(dossier=dossier))
    assert errors["attachment_start"] == [
        "Joignez l'attestation de démarrage de la formation : cette échéance l'exige."
    ]
    invoice = services.deposit_invoice(
        cfa_user,
        dossier,
        advance(dossier=dossier),
        pdf(),
        {AttachmentKind.START_CERTIFICATE: pdf("attestation.pdf")},
    )
    assert [a.kind for a in invoice.attachments.all()] == [AttachmentKind.START_CERTIFICATE]
    # R.6332-25 V: the first payment waits for the end of the 3rd month.
    assert invoice.expected_payment_on >= TODAY + datetime.timedelta(days=30)


def test_the_invoice_must_be_a_pdf(cfa_user):
    dossier = apprenticeship(cfa_user)
    image = SimpleUploadedFile("facture.png", tiny_image(), content_type="image/png")
    with pytest.raises(ValidationError, match="n'est pas un PDF valide"):
        services.deposit_invoice(cfa_user, dossier, advance(dossier=dossier), image)
    assert not Invoice.objects.exists()


def test_a_user_of_another_provider_cannot_invoice_the_dossier(cfa_user):
    dossier = apprenticeship(cfa_user)
    stranger = MembershipFactory(role=Role.PROVIDER_REFERENT, establishment=ProviderEstablishmentFactory()).user
    with pytest.raises(PermissionDenied):
        services.deposit_invoice(stranger, dossier, advance(dossier=dossier), pdf())


def test_a_dossier_without_contract_terms_says_why_nothing_can_be_invoiced(cfa_user):
    dossier = DossierFactory(provider_establishment=cfa_user.memberships.get().establishment)
    assert "pas encore d'échéancier" in services.billing_for(dossier).problem


def test_validation_emails_the_cfa_with_the_expected_payment_date(
    cfa_user, accountant, django_capture_on_commit_callbacks
):
    dossier = apprenticeship(cfa_user)
    invoice = services.deposit_invoice(cfa_user, dossier, advance(dossier=dossier), pdf())
    assert services.start_review(invoice, accountant).status_label() == "En contrôle"
    with django_capture_on_commit_callbacks(execute=True):
        invoice = services.validate_invoice(invoice, accountant)
    expected = f"Validée — paiement prévu le {TODAY + datetime.timedelta(days=30):%d/%m/%Y}"
    assert invoice.status_label() == expected
    assert mail.outbox[-1].to == [cfa_user.email]
    assert "Votre facture F-2026-001 est validée" in mail.outbox[-1].subject
    assert "paiement prévu le" in mail.outbox[-1].body
    with pytest.raises(ValidationError, match="déjà été traitée"):
        services.reject_invoice(invoice, accountant, "Trop tard")


def test_rejection_needs_a_reason_and_emails_it(cfa_user, accountant, django_capture_on_commit_callbacks):
    dossier = apprenticeship(cfa_user)
    invoice = services.deposit_invoice(cfa_user, dossier, advance(dossier=dossier), pdf())
    with pytest.raises(ValidationError, match="Indiquez le motif"):
        services.reject_invoice(invoice, accountant, "  ")
    with django_capture_on_commit_callbacks(execute=True):
        invoice = services.reject_invoice(invoice, accountant, "Le SIRET de la facture est erroné.")
    assert invoice.status_label() == "Rejetée : Le SIRET de la facture est erroné."
    assert "Motif : Le SIRET de la facture est erroné." in mail.outbox[-1].body
    assert services.billing_for(dossier).invoicable_today == D("3200.00")  # a rejected invoice counts for nothing


def test_only_accounting_reviews_invoices(cfa_user, case_manager):
    dossier = apprenticeship(cfa_user)
    invoice = services.deposit_invoice(cfa_user, dossier, advance(dossier=dossier), pdf())
    with pytest.raises(PermissionDenied):
        services.validate_invoice(invoice, case_manager)


def test_a_payment_settles_validated_invoices_and_its_lines_carry_their_numbers(cfa_user, accountant):
    dossier = apprenticeship(cfa_user)
    invoice = services.deposit_invoice(cfa_user, dossier, advance(dossier=dossier), pdf())
    with pytest.raises(ValidationError, match="n'est pas validée"):
        services.pay_invoices(actor=accountant, reference="VIR9001", paid_on=TODAY, invoices=[invoice])
    services.validate_invoice(invoice, accountant)
    payment = services.pay_invoices(actor=accountant, reference="VIR9001", paid_on=TODAY, invoices=[invoice])
    assert [(line.invoice_number, line.amount) for line in payment.lines.all()] == [("F-2026-001", D("3200.00"))]
    assert payment.remittance_advice is not None
    paid = Invoice.objects.get(pk=invoice.pk)
    assert paid.status == InvoiceStatus.VALIDATED
    assert paid.status_label() == f"Payée (VIR9001 du {TODAY:%d/%m/%Y})"
    with pytest.raises(ValidationError, match="déjà payée"):
        services.pay_invoices(actor=accountant, reference="VIR9002", paid_on=TODAY, invoices=[invoice])


def test_after_a_rupture_an_overpaid_cfa_sees_what_it_owes_back(cfa_user, accountant):
    dossier = apprenticeship(cfa_user)
    invoice = services.deposit_invoice(cfa_user, dossier, advance(dossier=dossier), pdf())
    services.validate_invoice(invoice, accountant)
    dossier.contract_terms.ruptured_on = dossier.start_date + datetime.timedelta(days=29)
    dossier.contract_terms.save()
    billing = services.billing_for(dossier)
    closing = billing.lines[-1]
    assert closing.status == "Trop-perçu à rembourser"
    assert closing.instalment.amount == D("-2542.47")  # 8000 × 30 / 365 = 657.53, minus the 3 200 advance
    assert billing.remaining == D("-2542.47")


def test_without_saved_terms_the_schedule_comes_from_the_cerfa_and_the_npec_referential(cfa_user):
    from django.core.management import call_command

    from funding.models import FundingRequest, RequestKind

    call_command("load_referentials", "--sample", stdout=io.StringIO())
    call_command("load_npec", "--sample", stdout=io.StringIO())
    dossier = DossierFactory(apprenticeship=True, provider_establishment=cfa_user.memberships.get().establishment)
    FundingRequest.objects.create(
        kind=RequestKind.APPRENTICESHIP,
        employer_establishment=dossier.employer_establishment,
        dossier=dossier,
        data={
            "contrat_date_conclusion": "2025-08-20",
            "contrat_date_debut_execution": "2025-09-01",
            "contrat_date_fin": "2027-08-31",
            "formation_code_rncp": "RNCP30114",
            "employeur_code_idcc": "1597",
        },
    )
    billing = services.billing_for(dossier, today=datetime.date(2025, 9, 2))
    assert billing.problem is None
    assert billing.plan.annual_npec == D("7000.00")  # in force on the conclusion date (7 350,50 from 01/09/2025)
    assert billing.plan.participation == D("750")  # RNCP30114 is a level 6 licence
