"""The company's view of its apprenticeship contract (eGestion, dossier → Règlements): what Constructys paid the
CFA for it, per instalment, and the participation it owes (R.6332-25-1/-2), with a short explanation; only for
users who see the dossier, no bank details, constant queries."""

import datetime
import itertools

from django.urls import reverse

from accounts.models import Role
from invoicing import services
from tests.factories import DossierFactory, EstablishmentFactory, MembershipFactory
from tests.harness import assert_constant_queries, page_of
from tests.invoicing.helpers import TODAY, D, advance, apprenticeship, pdf

NUMBERS = itertools.count(1)


def paid_advance(cfa_user, accountant, dossier):
    billing = services.billing_for(dossier)
    amount = billing.invoicable_today
    invoice = services.deposit_invoice(
        cfa_user, dossier, advance(f"F-{next(NUMBERS):04d}", amount=str(amount), dossier=dossier), pdf()
    )
    services.validate_invoice(invoice, accountant)
    services.pay_invoices(actor=accountant, reference=f"VIR{next(NUMBERS)}", paid_on=TODAY, invoices=[invoice])
    return amount


def company_user_of(dossier):
    return MembershipFactory(role=Role.COMPANY_MANAGER, establishment=dossier.employer_establishment).user


def section(page: str) -> str:
    start = page.index('id="funding-title"')
    return page[start : page.index("</section>", start)]


def test_the_company_sees_what_was_paid_to_the_cfa_and_the_participation_it_owes(client, cfa_user, accountant):
    dossier = apprenticeship(cfa_user, level=6)
    paid = paid_advance(cfa_user, accountant, dossier)
    client.force_login(company_user_of(dossier))
    page = client.get(reverse("egestion:dossier_tab", args=[dossier.number, "reglements"])).content.decode()
    shown = section(page)
    assert "Financement du contrat par Constructys" in shown
    assert "Déjà versé au CFA" in shown and f"{paid:,.2f}".replace(",", "\u00a0").replace(".", ",") in shown
    assert "Votre participation" in shown and "750,00" in shown
    assert "R.&nbsp;6332-25-1" in shown and "45 premiers jours de formation pratique" in shown
    assert "Avance année 1" in shown and "Acompte année 1" in shown
    assert "IBAN" not in shown and "FR76" not in shown  # no bank details in this part


def test_below_level_6_no_participation_is_owed(client, cfa_user):
    dossier = apprenticeship(cfa_user, level=5)
    client.force_login(company_user_of(dossier))
    page = client.get(reverse("egestion:dossier_tab", args=[dossier.number, "reglements"])).content.decode()
    assert "Vous ne devez aucune participation au CFA pour ce contrat" in section(page)
    assert "Déjà versé au CFA" in section(page) and "0,00" in section(page)


def test_another_scheme_shows_no_apprenticeship_funding(client):
    dossier = DossierFactory(scheme="PLAN")
    client.force_login(company_user_of(dossier))
    page = client.get(reverse("egestion:dossier_tab", args=[dossier.number, "reglements"])).content.decode()
    assert "Financement du contrat par Constructys" not in page


def test_a_user_of_another_company_gets_404(client, cfa_user):
    dossier = apprenticeship(cfa_user, level=6)
    client.force_login(MembershipFactory(role=Role.COMPANY_MANAGER).user)
    assert client.get(reverse("egestion:dossier_tab", args=[dossier.number, "reglements"])).status_code == 404


def test_a_user_of_another_establishment_of_the_company_gets_404(client, cfa_user, accountant):
    """Memberships are per establishment: a colleague of a sibling site, even its manager, sees neither the dossier
    nor what was paid for it."""
    dossier = apprenticeship(cfa_user, level=6)
    paid_advance(cfa_user, accountant, dossier)
    sibling = EstablishmentFactory(organisation=dossier.employer_establishment.organisation)
    client.force_login(MembershipFactory(role=Role.COMPANY_MANAGER, establishment=sibling).user)
    assert client.get(reverse("egestion:dossier_tab", args=[dossier.number, "reglements"])).status_code == 404


def test_the_tab_reads_a_constant_number_of_queries(client, cfa_user, accountant):
    dossier = apprenticeship(cfa_user, level=6)
    client.force_login(company_user_of(dossier))
    url = reverse("egestion:dossier_tab", args=[dossier.number, "reglements"])
    paid_advance(cfa_user, accountant, dossier)

    def grow():
        # Seven months later the 7th-month instalment is paid too: more invoices, payments and lines.
        later = services.billing_for(dossier, today=TODAY + datetime.timedelta(days=200))
        amount = later.invoicable_today
        invoice = services.deposit_invoice(
            cfa_user,
            dossier,
            advance("F-LATER", amount=str(amount), dossier=dossier),
            pdf(),
            today=TODAY + datetime.timedelta(days=200),
        )
        services.validate_invoice(invoice, accountant)
        services.pay_invoices(actor=accountant, reference="VIR-LATER", paid_on=TODAY, invoices=[invoice])
        assert amount > D("0")

    assert_constant_queries(page_of(client, url), grow=grow, warm_up=True)
