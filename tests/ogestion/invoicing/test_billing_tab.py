"""FACTURATION on an oGestion dossier: the schedule, what can be invoiced today, "Déposer une facture" with its
refusals next to the fields, the statuses, and the scope (another establishment or organisation: 404)."""

from django.urls import reverse

from accounts.models import Role
from invoicing import services
from tests.factories import MembershipFactory, ProviderEstablishmentFactory
from tests.invoicing.helpers import TODAY, advance, apprenticeship, pdf


def form_data(dossier, **overrides):
    return {
        "number": "F-2026-001",
        "invoice_date": TODAY.isoformat(),
        "period_start": dossier.start_date.isoformat(),
        "period_end": TODAY.isoformat(),
        "amount": "3 200,00",
        "pdf": pdf(),
        **overrides,
    }


def test_the_tab_shows_the_schedule_and_what_can_be_invoiced_today(client, cfa_user):
    dossier = apprenticeship(cfa_user)
    client.force_login(cfa_user)
    page = client.get(reverse("ogestion:invoicing_billing", args=[dossier.number])).content.decode()
    assert "Décret n° 2025-585" in page
    assert "Avance année 1" in page and "Acompte année 1" in page and "Solde année 2" in page
    assert "Facturable aujourd'hui" in page and "3\u00a0200,00" in page
    assert "Déposer une facture" in page
    detail = client.get(reverse("ogestion:dossier", args=[dossier.number])).content.decode()
    assert reverse("ogestion:invoicing_billing", args=[dossier.number]) in detail


def test_the_cfa_deposits_its_advance_invoice_and_sees_it_deposited(client, cfa_user):
    dossier = apprenticeship(cfa_user)
    client.force_login(cfa_user)
    url = reverse("ogestion:invoicing_deposit", args=[dossier.number])
    response = client.post(url, form_data(dossier), follow=True)
    page = response.content.decode()
    assert "Votre facture n° F-2026-001 a été déposée" in page
    assert "F-2026-001" in page and "Déposée" in page
    assert "Rien n'est facturable aujourd'hui" in page


def test_a_second_click_on_deposer_deposits_nothing_more_and_says_why(client, cfa_user):
    dossier = apprenticeship(cfa_user)
    client.force_login(cfa_user)
    url = reverse("ogestion:invoicing_deposit", args=[dossier.number])
    assert client.post(url, form_data(dossier)).status_code == 302
    again = client.post(url, form_data(dossier))
    assert again.status_code == 400
    assert "Vous avez déjà déposé une facture n° F-2026-001" in again.content.decode()
    assert dossier.invoices.count() == 1


def test_refusals_are_shown_next_to_their_fields(client, cfa_user):
    dossier = apprenticeship(cfa_user)
    client.force_login(cfa_user)
    url = reverse("ogestion:invoicing_deposit", args=[dossier.number])
    response = client.post(url, form_data(dossier, amount="20000", period_start="2000-01-01"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "dépasse ce qui reste à facturer sur ce dossier" in page
    assert "sort du contrat" in page


def test_a_validated_then_rejected_status_reads_as_the_provider_expects(client, cfa_user, accountant):
    dossier = apprenticeship(cfa_user)
    invoice = services.deposit_invoice(cfa_user, dossier, advance(dossier=dossier), pdf())
    services.reject_invoice(invoice, accountant, "Montant erroné.")
    client.force_login(cfa_user)
    page = client.get(reverse("ogestion:invoicing_billing", args=[dossier.number])).content.decode()
    assert "Rejetée : Montant erroné." in page


def test_a_user_of_another_establishment_or_organisation_gets_404(client, cfa_user):
    dossier = apprenticeship(cfa_user)
    own_organisation = cfa_user.memberships.get().establishment.organisation
    sibling = MembershipFactory(
        role=Role.PROVIDER_REFERENT, establishment=ProviderEstablishmentFactory(organisation=own_organisation)
    ).user
    stranger = MembershipFactory(role=Role.PROVIDER_REFERENT, establishment=ProviderEstablishmentFactory()).user
    for user in (sibling, stranger):
        client.force_login(user)
        assert client.get(reverse("ogestion:invoicing_billing", args=[dossier.number])).status_code == 404
        response = client.post(reverse("ogestion:invoicing_deposit", args=[dossier.number]), form_data(dossier))
        assert response.status_code == 404
    assert not dossier.invoices.exists()


def test_once_paid_the_invoice_reads_paid_and_the_remittance_line_leads_to_it(client, cfa_user, accountant):
    dossier = apprenticeship(cfa_user)
    invoice = services.deposit_invoice(cfa_user, dossier, advance(dossier=dossier), pdf())
    services.validate_invoice(invoice, accountant)
    payment = services.pay_invoices(actor=accountant, reference="VIR8001", paid_on=TODAY, invoices=[invoice])
    client.force_login(cfa_user)
    billing_url = reverse("ogestion:invoicing_billing", args=[dossier.number])
    page = client.get(billing_url).content.decode()
    assert f"Payée (VIR8001 du {TODAY:%d/%m/%Y})" in page
    assert 'id="facture-f-2026-001"' in page
    detail = client.get(reverse("ogestion:payment", args=[payment.pk])).content.decode()
    assert f'href="{billing_url}#facture-f-2026-001"' in detail
