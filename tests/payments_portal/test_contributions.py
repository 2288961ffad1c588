"""The member account (eGestion): returns computed with the rates configured per year, submission and its PDF
receipt, the company's payments to Constructys and the overview per year."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from common.forms import AmountField
from contributions import services
from contributions.models import ContributionPayment, ContributionRate, ContributionReturn, RateBase
from tests.factories import PaymentFactory, PaymentLineFactory
from tests.funding.test_pdf import text_of
from tests.harness import assert_constant_queries, page_of


@pytest.fixture
def rates():
    return [
        ContributionRate.objects.create(
            year=2025, label="Contribution légale", rate=Decimal("0.550"), max_headcount=10
        ),
        ContributionRate.objects.create(
            year=2025, label="Contribution légale", rate=Decimal("1.000"), min_headcount=11
        ),
        ContributionRate.objects.create(
            year=2025, label="Contribution conventionnelle", rate=Decimal("0.200"), position=1
        ),
        ContributionRate.objects.create(
            year=2025, label="Contribution CPF-CDD", rate=Decimal("1.000"), base=RateBase.FIXED_TERM_PAYROLL, position=2
        ),
        ContributionRate.objects.create(year=2024, label="Contribution légale", rate=Decimal("0.900")),
    ]


def test_contributions_are_computed_from_the_configured_rates(rates):
    lines = services.compute(2025, services.Figures(25, Decimal("1234567.89"), Decimal("100000.00")))
    assert [(line.label, line.rate, line.amount) for line in lines] == [
        ("Contribution légale", Decimal("1.000"), Decimal("12345.68")),
        ("Contribution conventionnelle", Decimal("0.200"), Decimal("2469.14")),
        ("Contribution CPF-CDD", Decimal("1.000"), Decimal("1000.00")),
    ]
    small = services.compute(2025, services.Figures(8, Decimal("200000"), Decimal("0")))
    assert small[0].amount == Decimal("1100.00")
    # Change the configured rate: the computation follows.
    ContributionRate.objects.filter(year=2025, min_headcount=11).update(rate=Decimal("1.100"))
    assert services.compute(2025, services.Figures(25, Decimal("100000"), Decimal("0")))[0].amount == Decimal("1100.00")
    with pytest.raises(Exception, match="Aucun taux de contribution n'est configuré pour 2023"):
        services.compute(2023, services.Figures(25, Decimal("100000")))


def test_a_user_declares_a_return_and_downloads_the_receipt(client, rates, company_user, company_establishment):
    client.force_login(company_user)
    form = client.get(reverse("egestion:contribution_return"))
    assert [choice[0] for choice in form.context["form"].fields["annee"].choices] == [2025, 2024]
    response = client.post(
        reverse("egestion:contribution_return"),
        {
            "annee": 2025,
            "etablissement": company_establishment.pk,
            "effectif": 25,
            "masse_salariale": "1 234 567,89",
            "masse_salariale_cdd": "100000",
        },
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    declared = ContributionReturn.objects.get()
    assert declared.total_amount == Decimal("15814.82") == sum(line.amount for line in declared.lines.all())
    html = client.get(response["Location"]).content.decode().replace("\xa0", " ").replace("&nbsp;", " ")
    assert "15 814,82 €" in html and "12 345,68 €" in html
    receipt = client.get(reverse("egestion:contribution_receipt", args=[declared.pk]))
    assert receipt["Content-Type"] == "application/pdf"
    assert "attachment" in receipt["Content-Disposition"]
    text = text_of(receipt.content)
    assert "Accusé de réception" in text and company_establishment.siret in text
    assert "15 814,82 €" in text
    # A second return for the same year and establishment is refused.
    again = client.post(
        reverse("egestion:contribution_return"),
        {
            "annee": 2025,
            "etablissement": company_establishment.pk,
            "effectif": 2,
            "masse_salariale": "1",
            "masse_salariale_cdd": "0",
        },
    )
    assert "a déjà été déclaré" in again.content.decode()


def test_return_form_errors_are_in_french(client, rates, company_user, company_establishment):
    client.force_login(company_user)
    response = client.post(
        reverse("egestion:contribution_return"),
        {
            "annee": 2025,
            "etablissement": company_establishment.pk,
            "effectif": 5,
            "masse_salariale": "100",
            "masse_salariale_cdd": "200",
        },
    )
    assert "ne peut pas dépasser la masse salariale totale" in response.content.decode()
    assert not ContributionReturn.objects.exists()


def test_without_rates_the_form_says_no_campaign_is_open(client, company_user):
    client.force_login(company_user)
    assert "Aucune campagne de collecte" in client.get(reverse("egestion:contribution_return")).content.decode()


def test_payments_to_constructys_and_overview(client, rates, company_user, company_establishment):
    services.submit_return(company_establishment, company_user, 2025, services.Figures(8, Decimal("200000")))
    ContributionPayment.objects.create(
        establishment=company_establishment,
        year=2025,
        reference="CT2025-001",
        paid_on=datetime.date(2026, 2, 27),
        amount=Decimal("1000.00"),
    )
    ContributionPayment.objects.create(
        establishment=PaymentFactory().beneficiary,
        year=2025,
        reference="CT2025-002",
        paid_on=datetime.date(2026, 2, 27),
        amount=Decimal("5.00"),
    )
    PaymentLineFactory(
        dossier__employer_establishment=company_establishment,
        payment__paid_on=datetime.date(2025, 6, 1),
        amount=Decimal("1875.00"),
    )
    PaymentFactory(beneficiary=company_establishment, paid_on=datetime.date(2025, 7, 1), total_amount=Decimal("300.00"))
    client.force_login(company_user)
    html = client.get(reverse("egestion:contribution_payments")).content.decode()
    assert "CT2025-001" in html and "CT2025-002" not in html and "27/02/2026" in html
    overview = client.get(reverse("egestion:contributions")).context["overview"]
    row = overview[0]
    assert (row.year, row.declared, row.paid, row.balance, row.training_funded, row.reimbursed) == (
        2025,
        Decimal("1500.00"),
        Decimal("1000.00"),
        Decimal("500.00"),
        Decimal("1875.00"),
        Decimal("300.00"),
    )


@pytest.mark.parametrize("name", ["egestion:contributions", "egestion:contribution_payments"])
def test_account_and_payments_pages_run_a_constant_number_of_queries(
    client, rates, company_user, company_establishment, name
):
    client.force_login(company_user)

    def add(year):
        services.submit_return(company_establishment, company_user, year, services.Figures(8, Decimal("1000")))
        ContributionPayment.objects.create(
            establishment=company_establishment,
            year=year,
            reference=f"CT{year}",
            paid_on=datetime.date(year + 1, 2, 1),
            amount=Decimal("1"),
        )

    add(2025)
    assert_constant_queries(page_of(client, reverse(name)), grow=lambda: add(2024), warm_up=True)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("1 234 567,89 €", Decimal("1234567.89")), ("1\u00a0234,5", Decimal("1234.5")), ("720.72", Decimal("720.72"))],
)
def test_amounts_are_read_as_people_type_them(typed, expected):
    assert AmountField().clean(typed) == expected


def test_an_amount_that_is_not_a_number_is_refused():
    with pytest.raises(ValidationError):
        AmountField().clean("12 abc")
