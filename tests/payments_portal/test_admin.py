"""The back-office pages of banking and contributions render for staff, with a constant number of queries."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from banking.models import BankDetailsRequest
from common.uploads import check_upload
from contributions import services
from contributions.models import ContributionPayment, ContributionRate
from tests.factories import EstablishmentFactory, MembershipFactory, UserFactory
from tests.harness import assert_constant_queries, page_of
from tests.payments_portal.test_bank_details import NEW_BIC, NEW_IBAN, rib


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def add_data(n):
    from banking import services as banking

    ContributionRate.objects.get_or_create(year=2025, label="Contribution légale", defaults={"rate": Decimal("1")})
    for _ in range(n):
        membership = MembershipFactory()
        services.submit_return(membership.establishment, membership.user, 2025, services.Figures(3, Decimal("1000")))
        ContributionPayment.objects.create(
            establishment=membership.establishment,
            year=2025,
            reference=f"CT-{membership.pk}",
            paid_on=datetime.date(2026, 1, 5),
            amount=Decimal("10"),
        )
        referent = MembershipFactory(provider_referent=True)
        banking.submit_request(
            referent.establishment, referent.user, iban=NEW_IBAN, bic=NEW_BIC, rib=check_upload(rib())
        )


@pytest.mark.parametrize(
    "name",
    [
        "admin:banking_bankdetailsrequest_changelist",
        "admin:banking_bankdetailschange_changelist",
        "admin:contributions_contributionrate_changelist",
        "admin:contributions_contributionreturn_changelist",
        "admin:contributions_contributionpayment_changelist",
    ],
)
def test_changelists_render_with_a_constant_number_of_queries(staff_client, name):
    add_data(1)
    assert_constant_queries(page_of(staff_client, reverse(name)), grow=lambda: add_data(5), warm_up=True)


def test_request_and_return_pages_render(staff_client):
    add_data(1)
    request = BankDetailsRequest.objects.get()
    html = staff_client.get(reverse("admin:banking_bankdetailsrequest_change", args=[request.pk])).content.decode()
    assert "Télécharger le RIB" in html and NEW_IBAN in html
    declared = EstablishmentFactory().contribution_returns.model.objects.get()
    assert (
        staff_client.get(reverse("admin:contributions_contributionreturn_change", args=[declared.pk])).status_code
        == 200
    )
