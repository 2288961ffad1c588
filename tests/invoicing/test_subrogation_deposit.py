"""A skills-plan dossier paid by subrogation: FACTURATION shows what remains to invoice, the deposit comes with
the attendance certificate, refusals are in French and another provider gets 404."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.models import Role
from dossiers.models import Scheme
from invoicing import selectors, services
from invoicing.models import AttachmentKind, Invoice, Subrogation
from tests.factories import DossierFactory, MembershipFactory, ProviderEstablishmentFactory
from tests.invoicing.helpers import TODAY, D, pdf

ENDED = TODAY - datetime.timedelta(days=3)


def plan_dossier(user, *, ended=True, during=False, agreed="2400.00", **fields):
    """A skills-plan dossier of the user's establishment whose training ended 3 days ago (or ends in 10 days)."""
    end = ENDED if ended else TODAY + datetime.timedelta(days=10)
    dossier = DossierFactory(
        scheme=Scheme.PLAN,
        provider_establishment=user.memberships.get().establishment,
        start_date=end - datetime.timedelta(days=20),
        end_date=end,
        agreed_amount=D(agreed),
        **fields,
    )
    Subrogation.objects.create(dossier=dossier, invoice_during_training=during)
    return dossier


def invoice_input(dossier, number="OF-2026-001", amount="2400.00", **fields):
    values = {
        "number": number,
        "invoice_date": TODAY,
        "period_start": dossier.start_date,
        "period_end": min(dossier.end_date, TODAY - datetime.timedelta(days=1)),
        "amount": D(amount),
        **fields,
    }
    return services.InvoiceInput(**values)


def certificate():
    return {AttachmentKind.ATTENDANCE_CERTIFICATE: pdf("attestation.pdf")}


def refused(user, dossier, data, attachments=None) -> dict:
    with pytest.raises(ValidationError) as caught:
        selectors.deposit(user, dossier, data, pdf(), attachments if attachments is not None else certificate())
    return caught.value.message_dict


def test_the_provider_invoices_the_agreed_amount_after_the_training_with_the_certificate(cfa_user):
    dossier = plan_dossier(cfa_user)
    billing = selectors.billing_of(dossier)
    assert billing.is_subrogation and billing.remaining == D("2400.00") and billing.invoicable_today == D("2400.00")
    invoice = selectors.deposit(cfa_user, dossier, invoice_input(dossier, amount="1000.00"), pdf(), certificate())
    assert invoice.instalment == "Subrogation"
    assert invoice.expected_payment_on == TODAY + datetime.timedelta(days=30)
    assert [a.kind for a in invoice.attachments.all()] == [AttachmentKind.ATTENDANCE_CERTIFICATE]
    assert selectors.billing_of(dossier).remaining == D("1400.00")


def test_the_total_invoiced_never_exceeds_the_agreed_amount(cfa_user, accountant):
    dossier = plan_dossier(cfa_user)
    first = selectors.deposit(cfa_user, dossier, invoice_input(dossier, amount="2000.00"), pdf(), certificate())
    errors = refused(cfa_user, dossier, invoice_input(dossier, number="OF-2026-002", amount="400.01"))
    assert errors["amount"] == [
        "Le montant de 400,01\u00a0€ dépasse ce qui reste à facturer sur ce dossier "
        "(400,00\u00a0€ sur les 2\u00a0400,00\u00a0€ accordés)."
    ]
    services.reject_invoice(first, accountant, "Heures non justifiées")  # a rejected invoice frees its amount
    assert selectors.billing_of(dossier).remaining == D("2400.00")


def test_an_invoice_number_already_used_is_refused(cfa_user):
    dossier = plan_dossier(cfa_user)
    selectors.deposit(cfa_user, dossier, invoice_input(dossier, amount="100.00"), pdf(), certificate())
    errors = refused(cfa_user, dossier, invoice_input(dossier, number="of-2026-001", amount="100.00"))
    assert errors["number"] == [
        "Vous avez déjà déposé une facture n° of-2026-001 : chaque facture a un numéro qui lui est propre."
    ]


def test_a_period_outside_the_training_is_refused(cfa_user):
    dossier = plan_dossier(cfa_user)
    before = dossier.start_date - datetime.timedelta(days=1)
    errors = refused(cfa_user, dossier, invoice_input(dossier, period_start=before))
    assert errors["period_end"] == [
        f"La période du {before:%d/%m/%Y} au {dossier.end_date:%d/%m/%Y} sort de la formation "
        f"(du {dossier.start_date:%d/%m/%Y} au {dossier.end_date:%d/%m/%Y})."
    ]


def test_a_missing_attendance_certificate_is_refused(cfa_user):
    dossier = plan_dossier(cfa_user)
    errors = refused(cfa_user, dossier, invoice_input(dossier), attachments={})
    assert errors["attachment_attendance"] == [
        "Joignez l'attestation d'assiduité : elle justifie les heures de formation facturées."
    ]
    assert not Invoice.objects.exists()


def test_during_the_training_only_when_the_agreement_allows_it(cfa_user):
    running = plan_dossier(cfa_user, ended=False)
    errors = refused(cfa_user, running, invoice_input(running, amount="500.00"))
    assert "l'accord ne prévoit pas de facturation en cours de formation" in errors["period_end"][0]
    allowed = plan_dossier(cfa_user, ended=False, during=True)
    invoice = selectors.deposit(cfa_user, allowed, invoice_input(allowed, amount="500.00"), pdf(), certificate())
    assert invoice.period_end == TODAY - datetime.timedelta(days=1)


def test_without_an_agreed_amount_or_before_acceptance_nothing_is_invoiced(cfa_user):
    dossier = plan_dossier(cfa_user)
    dossier.agreed_amount = None
    dossier.save()
    assert "Le montant accordé de ce dossier n'est pas encore connu" in selectors.billing_of(dossier).problem
    submitted = plan_dossier(cfa_user, status="submitted")
    assert "se facture une fois la prise en charge accordée" in selectors.billing_of(submitted).problem
    with pytest.raises(ValidationError):
        selectors.deposit(cfa_user, submitted, invoice_input(submitted), pdf(), certificate())


def test_a_user_of_another_provider_cannot_invoice(cfa_user):
    dossier = plan_dossier(cfa_user)
    stranger = MembershipFactory(role=Role.PROVIDER_REFERENT, establishment=ProviderEstablishmentFactory()).user
    with pytest.raises(PermissionDenied):
        selectors.deposit(stranger, dossier, invoice_input(dossier), pdf(), certificate())


# The FACTURATION page -----------------------------------------------------------------------------------------------


def form_data(dossier, **overrides):
    return {
        "number": "OF-2026-001",
        "invoice_date": TODAY.isoformat(),
        "period_start": dossier.start_date.isoformat(),
        "period_end": dossier.end_date.isoformat(),
        "amount": "2 400,00",
        "pdf": pdf(),
        "attachment_attendance": pdf("attestation.pdf"),
        **overrides,
    }


def test_the_page_shows_what_remains_and_accepts_the_deposit_with_the_certificate(client, cfa_user):
    dossier = plan_dossier(cfa_user)
    client.force_login(cfa_user)
    page = client.get(reverse("ogestion:invoicing_billing", args=[dossier.number])).content.decode()
    assert "Facturation en subrogation" in page and "Reste à facturer" in page and "2\u00a0400,00" in page
    deposit_url = reverse("ogestion:invoicing_deposit", args=[dossier.number])
    form = client.get(deposit_url).content.decode()
    assert "Attestation d&#x27;assiduité" in form and "Attestation de démarrage" not in form
    response = client.post(deposit_url, form_data(dossier), follow=True)
    page = response.content.decode()
    assert "Votre facture n° OF-2026-001 a été déposée" in page
    assert "Le montant accordé est entièrement facturé." in page


def test_the_page_shows_the_refusals_next_to_their_fields(client, cfa_user):
    dossier = plan_dossier(cfa_user)
    client.force_login(cfa_user)
    url = reverse("ogestion:invoicing_deposit", args=[dossier.number])
    data = form_data(dossier, amount="2 400,01")
    del data["attachment_attendance"]
    response = client.post(url, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "dépasse ce qui reste à facturer sur ce dossier" in page
    assert "Joignez l&#x27;attestation d&#x27;assiduité" in page
    assert not Invoice.objects.exists()


def test_another_establishment_gets_404(client, cfa_user):
    dossier = plan_dossier(cfa_user)
    own_organisation = cfa_user.memberships.get().establishment.organisation
    sibling = MembershipFactory(
        role=Role.PROVIDER_REFERENT, establishment=ProviderEstablishmentFactory(organisation=own_organisation)
    ).user
    client.force_login(sibling)
    assert client.get(reverse("ogestion:invoicing_billing", args=[dossier.number])).status_code == 404
    response = client.post(reverse("ogestion:invoicing_deposit", args=[dossier.number]), form_data(dossier))
    assert response.status_code == 404
    assert not Invoice.objects.exists()


def test_without_subrogation_the_provider_is_told_the_company_pays_it(client, cfa_user):
    dossier = DossierFactory(scheme=Scheme.PLAN, provider_establishment=cfa_user.memberships.get().establishment)
    client.force_login(cfa_user)
    page = client.get(reverse("ogestion:invoicing_billing", args=[dossier.number])).content.decode()
    assert "pas de subrogation de paiement" in page and "Déposer une facture" not in page
    with pytest.raises(ValidationError):
        selectors.deposit(cfa_user, dossier, invoice_input(dossier), pdf(), certificate())


def test_an_apprenticeship_contract_cannot_be_subrogated(cfa_user):
    dossier = DossierFactory(apprenticeship=True)
    with pytest.raises(ValidationError, match="échéancier du NPEC"):
        Subrogation(dossier=dossier).full_clean()
