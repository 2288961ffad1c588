"""Mon tableau de bord financier (oGestion, référents): invoiced, paid, validated but unpaid, to invoice this month and
late payments, per establishment and per month; the chart and its table; the export; constant queries; the scope."""

import datetime
import io

import pytest
from django.urls import reverse

from accounts.models import Role
from invoicing import money, services
from invoicing.models import Invoice
from tests.factories import MembershipFactory, ProviderEstablishmentFactory
from tests.harness import assert_constant_queries, page_of
from tests.invoicing.helpers import TODAY, D, advance, apprenticeship, pdf

MONEY = "/ogestion/tableau-de-bord-financier/"
THIS_MONTH = TODAY.replace(day=1)
TWO_MONTHS_AGO = money.last_months(TODAY)[-3]


def deposit(user, dossier, number, **fields):
    return services.deposit_invoice(user, dossier, advance(number, dossier=dossier, **fields), pdf())


@pytest.fixture
def books(cfa_user, accountant):
    """Four contracts of the CFA: one advance paid this month, one validated two months ago whose payment is late,
    one rejected, one not invoiced; and another CFA's paid invoice, which must not count."""
    paid = deposit(cfa_user, apprenticeship(cfa_user), "F-1")
    services.validate_invoice(paid, accountant)
    services.pay_invoices(actor=accountant, reference="VIR901", paid_on=TODAY, invoices=[paid])
    late = deposit(cfa_user, apprenticeship(cfa_user), "F-2")
    services.validate_invoice(late, accountant)
    Invoice.objects.filter(pk=late.pk).update(
        invoice_date=TWO_MONTHS_AGO, expected_payment_on=TODAY - datetime.timedelta(days=1)
    )
    services.reject_invoice(deposit(cfa_user, apprenticeship(cfa_user), "F-3"), accountant, "Mauvais SIRET")
    apprenticeship(cfa_user)
    other = MembershipFactory(role=Role.PROVIDER_REFERENT, establishment=ProviderEstablishmentFactory(cfa=True)).user
    foreign = deposit(other, apprenticeship(other), "X-1")
    services.validate_invoice(foreign, accountant)
    services.pay_invoices(actor=accountant, reference="VIR902", paid_on=TODAY, invoices=[foreign])
    return cfa_user


def view_of(user):
    establishments = [m.establishment for m in user.memberships.select_related("establishment")]
    return money.money_view(user, establishments, TODAY)


def test_the_figures_add_up_the_cfa_invoices_and_payments(books):
    view = view_of(books)
    total = view.total
    assert total.invoiced == D("6400.00")  # the rejected invoice does not count
    assert total.paid == D("3200.00")
    assert total.validated_unpaid == D("3200.00")
    assert (total.late, total.late_count) == (D("3200.00"), 1)
    assert total.to_invoice_this_month == D("6400.00")  # the rejected contract's advance and the untouched one's
    months = {month.start: month for month in view.months}
    assert len(view.months) == 12 and view.months[-1].start == THIS_MONTH
    assert (months[THIS_MONTH].invoiced, months[THIS_MONTH].paid) == (D("3200.00"), D("3200.00"))
    assert (months[TWO_MONTHS_AGO].invoiced, months[TWO_MONTHS_AGO].paid) == (D("3200.00"), D("0.00"))


def test_figures_are_given_per_establishment(books, accountant):
    second_site = ProviderEstablishmentFactory(organisation=books.memberships.get().establishment.organisation)
    MembershipFactory(user=books, establishment=second_site, role=Role.PROVIDER_REFERENT)
    dossier = apprenticeship(books, establishment=second_site)
    services.validate_invoice(deposit(books, dossier, "F-9"), accountant)
    lines = {line.establishment.pk: line.figures for line in view_of(books).establishments}
    assert lines[second_site.pk].invoiced == D("3200.00")
    assert lines[second_site.pk].validated_unpaid == D("3200.00")
    assert lines[second_site.pk].paid == D("0.00")
    assert sum(figures.invoiced for figures in lines.values()) == D("9600.00")


def test_the_page_shows_the_figures_the_chart_and_the_table(client, books):
    client.force_login(books)
    page = client.get(MONEY).content.decode()
    assert "Mon tableau de bord financier" in page
    assert "6\u00a0400,00&nbsp;€" in page and "3\u00a0200,00&nbsp;€ (1 facture)" in page
    assert '<svg viewBox="0 0 720 260" width="100%" role="img"' in page
    assert '<title id="money-chart-title">' in page and '<desc id="money-chart-desc">' in page
    assert "<caption>Facturé et payé par mois (tous vos établissements)</caption>" in page
    assert f"{THIS_MONTH:%Y}" in page and "Par établissement" in page


def test_the_home_of_a_referent_shows_the_money_panel_not_a_colleague(client, books):
    colleague = MembershipFactory(role=Role.PROVIDER_USER, establishment=books.memberships.get().establishment).user
    client.force_login(books)
    home = client.get("/ogestion/").content.decode()
    assert "Mon tableau de bord financier" in home and "6\u00a0400,00&nbsp;€" in home
    assert reverse("ogestion:money") in home
    client.force_login(colleague)
    assert "Mon tableau de bord financier" not in client.get("/ogestion/").content.decode()
    refused = client.get(MONEY)
    assert refused.status_code == 403
    assert "réservée aux référents" in refused.content.decode()
    assert client.get(reverse("ogestion:money_export", args=["csv"])).status_code == 403


def test_nothing_to_show_says_so(client, cfa_user):
    client.force_login(cfa_user)
    page = client.get(MONEY).content.decode()
    assert "Rien à afficher pour l'instant" in page
    assert "<svg viewBox" not in page
    assert "Aucune facture sur les 12 derniers mois" in client.get("/ogestion/").content.decode()


def test_the_csv_export_has_a_row_per_establishment_and_month(client, books):
    client.force_login(books)
    response = client.get(reverse("ogestion:money_export", args=["csv"]))
    assert response["Content-Disposition"].startswith('attachment; filename="tableau-de-bord-financier-')
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Établissement;SIRET;Mois;Facturé (€);Payé (€);Validé non payé (€)")
    assert len(lines) == 1 + 12
    assert lines[-1].endswith(f";{THIS_MONTH:%d/%m/%Y};3200,00;3200,00;3200,00;6400,00;3200,00;1")


def test_the_xlsx_export_has_months_as_dates_shown_the_french_way(client, books):
    from openpyxl import load_workbook

    client.force_login(books)
    response = client.get(reverse("ogestion:money_export", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=2))
    month = rows[-1][2]
    assert month.value == datetime.datetime.combine(THIS_MONTH, datetime.time())
    assert month.number_format == "dd/mm/yyyy"
    assert [cell.value for cell in rows[-1][3:]] == [3200, 3200, 3200, 6400, 3200, 1]
    assert client.get(reverse("ogestion:money_export", args=["pdf"])).status_code == 404


def test_the_money_view_reads_a_constant_number_of_queries(client, books, accountant):
    client.force_login(books)

    def more_invoices():
        for index in range(4):
            invoice = deposit(books, apprenticeship(books), f"G-{index}")
            services.validate_invoice(invoice, accountant)
            if index % 2:
                services.pay_invoices(actor=accountant, reference=f"VIR91{index}", paid_on=TODAY, invoices=[invoice])
        apprenticeship(books)

    assert_constant_queries(page_of(client, MONEY), grow=more_invoices, at_most=14, warm_up=True)


def test_the_home_and_the_billing_tab_read_a_constant_number_of_queries(client, books, accountant):
    dossier = apprenticeship(books)
    client.force_login(books)

    def more_invoices():
        for index in range(3):
            deposit(books, apprenticeship(books), f"H-{index}")
        invoice = deposit(books, dossier, "H-9", amount="1000.00")
        services.validate_invoice(invoice, accountant)
        services.pay_invoices(actor=accountant, reference="VIR950", paid_on=TODAY, invoices=[invoice])
        deposit(books, dossier, "H-10", amount="1000.00")

    billing = page_of(client, reverse("ogestion:invoicing_billing", args=[dossier.number]))
    home = page_of(client, "/ogestion/")
    assert_constant_queries(lambda: (billing(), home()), grow=more_invoices, warm_up=True)


def test_the_switcher_narrows_the_money_view_to_one_establishment(client, books):
    second_site = ProviderEstablishmentFactory(organisation=books.memberships.get().establishment.organisation)
    MembershipFactory(user=books, establishment=second_site, role=Role.PROVIDER_REFERENT)
    client.force_login(books)
    session = client.session
    session["ogestion_entity"] = second_site.pk
    session.save()
    page = client.get(MONEY).content.decode()
    assert "Rien à afficher pour l'instant" in page


def test_a_referent_of_one_site_sees_no_money_of_a_site_where_they_are_a_simple_user(client, books):
    """The money view is the référents': référent of one establishment and simple user of another of the
    organisation, the user sees (page, home panel, export) the money of the first only."""
    other_site = ProviderEstablishmentFactory(organisation=books.memberships.get().establishment.organisation)
    colleague = MembershipFactory(role=Role.PROVIDER_REFERENT, establishment=other_site).user
    MembershipFactory(user=colleague, establishment=books.memberships.get().establishment, role=Role.PROVIDER_USER)
    client.force_login(colleague)
    page = client.get(MONEY).content.decode()
    assert "Rien à afficher pour l'instant" in page
    assert "Aucune facture sur les 12 derniers mois" in client.get("/ogestion/").content.decode()
    export = b"".join(client.get(reverse("ogestion:money_export", args=["csv"])).streaming_content).decode()
    assert "6400" not in export.replace(",", "").replace(".", "") and "F-1" not in export
