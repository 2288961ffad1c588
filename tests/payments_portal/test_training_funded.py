"""Déclarer mes contributions: the overview's "Formations financées" comes from totals the database keeps per
establishment and year (contributions.TrainingFunded) in the transaction of each write that changes them, so the
page reads neither the company's dossiers nor their payment lines. The figures stay those of the payment lines of
the company's dossiers by the year of their payment, after any write; the scope (the user's establishments, the
header's choice) is unchanged."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.db.models import F, Sum
from django.db.models.functions import ExtractYear
from django.template.defaultfilters import floatformat
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from accounts.models import Role
from common.templatetags.portal import amount as amount_filter
from contributions.models import ContributionReturn, TrainingFunded
from dossiers.models import Dossier
from payments.models import Payment, PaymentLine
from tests.factories import (
    DossierFactory,
    EstablishmentFactory,
    MembershipFactory,
    PaymentFactory,
    PaymentLineFactory,
    UserFactory,
)
from tests.harness import assert_constant_queries, page_of

ENTITY_URL = "/egestion/entite/"


def recount():
    """What the totals must equal: the payment lines of each establishment's dossiers, by their payment's year."""
    rows = (
        PaymentLine.objects.exclude(dossier__employer_establishment=None)
        .values(establishment=F("dossier__employer_establishment"), year=ExtractYear("payment__paid_on"))
        .annotate(total=Sum("amount"))
        .order_by()
    )
    return {(row["establishment"], row["year"]): row["total"] for row in rows}


def assert_totals_exact():
    kept = {(t.establishment_id, t.year): t.amount for t in TrainingFunded.objects.filter(lines__gt=0)}
    assert kept == recount()
    assert not TrainingFunded.objects.filter(lines=0).exclude(amount=0).exists()


def funded(client) -> dict:
    """{year: "Formations financées"} as the page shows it."""
    overview = client.get(reverse("egestion:contributions")).context["overview"]
    return {row.year: row.training_funded for row in overview}


def paid_on(year):
    return datetime.date(year, 6, 1)


def test_training_funded_follows_every_write_of_payment_lines_payments_and_dossiers(
    client, company_user, company_establishment
):
    client.force_login(company_user)
    elsewhere = EstablishmentFactory()
    payment = PaymentFactory(paid_on=paid_on(2025))
    line = PaymentLineFactory(
        payment=payment, dossier__employer_establishment=company_establishment, amount=Decimal("1875.00")
    )
    assert funded(client) == {2025: Decimal("1875.00")}

    # Several lines in one statement (bulk_create, as imports do), one of another company's dossier.
    earlier = PaymentFactory(paid_on=paid_on(2024))
    own, foreign = (
        DossierFactory(employer_establishment=company_establishment),
        DossierFactory(employer_establishment=elsewhere),
    )
    PaymentLine.objects.bulk_create(
        [
            PaymentLineFactory.build(payment=earlier, dossier=own, amount=Decimal("100.10")),
            PaymentLineFactory.build(payment=earlier, dossier=own, amount=Decimal("0.90")),
            PaymentLineFactory.build(payment=earlier, dossier=foreign, amount=Decimal("999.00")),
        ]
    )
    assert funded(client) == {2025: Decimal("1875.00"), 2024: Decimal("101.00")}

    # A corrected amount, by save() and by update().
    line.amount = Decimal("2000.00")
    line.save()
    assert funded(client)[2025] == Decimal("2000.00")
    PaymentLine.objects.filter(pk=line.pk).update(amount=Decimal("2100.00"))
    assert funded(client)[2025] == Decimal("2100.00")

    # The payment's date moves its lines to another year.
    payment.paid_on = paid_on(2026)
    payment.save()
    assert funded(client) == {2026: Decimal("2100.00"), 2024: Decimal("101.00")}
    Payment.objects.filter(pk=payment.pk).update(paid_on=datetime.date(2026, 12, 31))  # same year: nothing moves
    assert funded(client) == {2026: Decimal("2100.00"), 2024: Decimal("101.00")}

    # The dossier changes employer: its lines leave the company's account, then come back.
    Dossier.objects.filter(pk=line.dossier_id).update(employer_establishment=elsewhere)
    assert funded(client) == {2024: Decimal("101.00")}
    assert_totals_exact()
    Dossier.objects.filter(pk=line.dossier_id).update(employer_establishment=company_establishment)
    assert funded(client) == {2026: Decimal("2100.00"), 2024: Decimal("101.00")}

    # A line moved to another company's dossier, or to a payment of another year.
    PaymentLine.objects.filter(pk=line.pk).update(dossier=foreign)
    assert funded(client) == {2024: Decimal("101.00")}
    PaymentLine.objects.filter(pk=line.pk).update(dossier=own, payment=earlier)
    assert funded(client) == {2024: Decimal("2201.00")}
    assert_totals_exact()

    # Deleted lines, and a payment deleted with its lines: the year goes away with its last line.
    PaymentLine.objects.filter(dossier=own, amount=Decimal("0.90")).delete()
    assert funded(client) == {2024: Decimal("2200.10")}
    earlier.delete()
    assert funded(client) == {}
    assert_totals_exact()
    assert (
        "Aucune contribution, aucun versement ni aucun financement"
        in client.get(reverse("egestion:contributions")).content.decode()
    )


def test_a_write_rolled_back_leaves_the_totals_as_they_were(client, company_user, company_establishment):
    PaymentLineFactory(
        payment__paid_on=paid_on(2025), dossier__employer_establishment=company_establishment, amount=Decimal("10.00")
    )
    with pytest.raises(RuntimeError), transaction.atomic():
        PaymentLineFactory(
            payment__paid_on=paid_on(2025), dossier__employer_establishment=company_establishment, amount=Decimal("5")
        )
        raise RuntimeError("the transaction fails after the line was written")
    client.force_login(company_user)
    assert funded(client) == {2025: Decimal("10.00")}
    assert_totals_exact()


@pytest.fixture
def two_establishments_user():
    """A company user of two establishments, each with training funded in 2025; a third company's line too."""
    user = UserFactory()
    first, second = EstablishmentFactory(name="ALPHA"), EstablishmentFactory(name="BETA")
    for establishment, amount in ((first, "100.00"), (second, "20.00"), (EstablishmentFactory(), "3.00")):
        PaymentLineFactory(
            payment__paid_on=paid_on(2025), dossier__employer_establishment=establishment, amount=Decimal(amount)
        )
    for establishment in (first, second):
        MembershipFactory(user=user, establishment=establishment, role=Role.COMPANY_USER)
    return user, first, second


def test_the_overview_counts_the_users_establishments_and_narrows_to_the_chosen_one(client, two_establishments_user):
    user, first, second = two_establishments_user
    client.force_login(user)
    assert funded(client) == {2025: Decimal("120.00")}

    client.post(ENTITY_URL, {"etablissement": second.pk})
    assert funded(client) == {2025: Decimal("20.00")}

    client.post(ENTITY_URL, {"etablissement": ""})
    user.memberships.filter(establishment=first).update(is_active=False)
    assert funded(client) == {2025: Decimal("20.00")}


def test_the_returns_list_pages_through_the_users_returns_only(client, two_establishments_user):
    user, first, second = two_establishments_user
    foreign = EstablishmentFactory()
    for year in range(2000, 2026):
        for establishment in (first, foreign):
            ContributionReturn.objects.create(
                establishment=establishment,
                year=year,
                headcount=3,
                payroll=Decimal("1000"),
                total_amount=Decimal("10.00"),
                submitted_by=user,
            )
    ContributionReturn.objects.create(
        establishment=second,
        year=2025,
        headcount=3,
        payroll=Decimal("1"),
        total_amount=Decimal("1.00"),
        submitted_by=user,
    )
    client.force_login(user)
    url = reverse("egestion:contributions")

    first_page = client.get(url).context
    assert first_page["page"].paginator.count == 27
    assert len(first_page["page"].object_list) == 25
    assert {r.establishment for r in client.get(url, {"page": 2}).context["page"].object_list} <= {first, second}
    assert len(client.get(url, {"page": 2}).context["page"].object_list) == 2
    assert first_page["overview"][0].declared == Decimal("11.00")

    # Each row links to its return and receipt, with its amount as the page always wrote it.
    html = client.get(url).content.decode()
    for declared in first_page["page"].object_list:
        assert f'href="{reverse("egestion:contribution_return_detail", args=[declared.pk])}"' in html
        assert f'href="{reverse("egestion:contribution_receipt", args=[declared.pk])}" download' in html
    assert '<td class="amount">10,00\xa0€</td>' in html
    assert '<td class="amount">11,00\xa0€</td>' in html  # 2025 declared: 10,00 + 1,00

    client.post(ENTITY_URL, {"etablissement": second.pk})
    narrowed = client.get(url).context["page"]
    assert narrowed.paginator.count == 1 and [r.establishment for r in narrowed.object_list] == [second]


def test_the_page_reads_a_constant_number_of_queries_and_no_dossier(client, company_user, company_establishment):
    client.force_login(company_user)

    def add(years):
        for year in years:
            for _ in range(3):
                PaymentLineFactory(
                    payment__paid_on=paid_on(year), dossier__employer_establishment=company_establishment
                )
            PaymentFactory(beneficiary=company_establishment, paid_on=paid_on(year))
            ContributionReturn.objects.create(
                establishment=company_establishment,
                year=year,
                headcount=3,
                payroll=Decimal("1000"),
                total_amount=Decimal("10.00"),
                submitted_by=company_user,
            )

    add([2025])
    response = assert_constant_queries(
        page_of(client, reverse("egestion:contributions")), grow=lambda: add([2022, 2023, 2024]), warm_up=True
    )
    assert [row.year for row in response.context["overview"]] == [2025, 2024, 2023, 2022]
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("egestion:contributions"))
    read = " ".join(query["sql"] for query in queries.captured_queries)
    assert "dossiers_dossier" not in read and "payments_paymentline" not in read
    # The session, the user, their memberships, the overview (with the returns' count) and the page of returns.
    assert len(queries.captured_queries) <= 5, [query["sql"] for query in queries.captured_queries]


@pytest.mark.no_database
@pytest.mark.parametrize("value", ["0", "0.05", "-1234.5", "1875.00", "1234567.89", "-0.10", "999999999999.99"])
def test_the_amount_filter_prints_what_floatformat_printed(value):
    with translation.override("fr"):
        assert amount_filter(Decimal(value)) == floatformat(Decimal(value), "2g") + "\xa0€"
