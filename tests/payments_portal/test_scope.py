"""Scope: a user of another organisation gets 404 on every page of a payment, an establishment, a remittance
advice, a bank-details request or a contribution return that is not theirs; lists show none of them."""

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import Role
from contributions import services
from contributions.models import ContributionRate
from tests.factories import DocumentFactory, MembershipFactory, PaymentFactory


@pytest.fixture
def provider_objects(provider_establishment):
    advice = DocumentFactory(remittance_advice=True, establishment=provider_establishment)
    payment = PaymentFactory(beneficiary=provider_establishment, remittance_advice=advice, lines=1)
    return payment, advice


def provider_urls(payment, advice):
    establishment = payment.beneficiary
    return [
        reverse("ogestion:payment", args=[payment.pk]),
        reverse("ogestion:payment_advice", args=[payment.pk]),
        reverse("ogestion:establishment", args=[establishment.pk]),
        reverse("ogestion:establishment_document", args=[establishment.pk, advice.pk]),
        reverse("ogestion:bank_details_request", args=[establishment.pk]),
    ]


def test_another_provider_gets_404_everywhere(client, provider_objects, referent):
    payment, advice = provider_objects
    client.force_login(referent)
    for url in provider_urls(payment, advice):
        assert client.get(url).status_code in (200, 302), url  # the owner sees them
    stranger = MembershipFactory(role=Role.PROVIDER_REFERENT).user
    client.force_login(stranger)
    for url in provider_urls(payment, advice):
        assert client.get(url).status_code == 404, url
    assert client.post(provider_urls(payment, advice)[-1]).status_code == 404
    assert payment.reference not in client.get(reverse("ogestion:payments")).content.decode()
    assert payment.beneficiary.siret not in client.get(reverse("ogestion:establishments")).content.decode()


def test_a_deactivated_membership_sees_nothing(client, provider_objects, provider_establishment):
    payment, advice = provider_objects
    membership = MembershipFactory(establishment=provider_establishment, role=Role.PROVIDER_REFERENT)
    other = MembershipFactory(user=membership.user, role=Role.PROVIDER_USER)
    membership.is_active = False
    membership.save()
    client.force_login(other.user)
    for url in provider_urls(payment, advice):
        assert client.get(url).status_code == 404, url


def test_a_company_user_cannot_reach_a_providers_payment_through_egestion(client, provider_objects, company_user):
    payment, advice = provider_objects
    client.force_login(company_user)
    for name, args in [
        ("egestion:payment", [payment.pk]),
        ("egestion:payment_advice", [payment.pk]),
        ("egestion:establishment", [payment.beneficiary_id]),
        ("egestion:establishment_document", [payment.beneficiary_id, advice.pk]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 404, name


def test_another_company_gets_404_on_returns_and_receipts(client, company_user, company_establishment):
    ContributionRate.objects.create(year=2025, label="Contribution légale", rate=Decimal("1"))
    declared = services.submit_return(company_establishment, company_user, 2025, services.Figures(12, Decimal("1000")))
    company_payment = PaymentFactory(beneficiary=company_establishment)
    client.force_login(company_user)
    assert client.get(reverse("egestion:contribution_return_detail", args=[declared.pk])).status_code == 200
    stranger = MembershipFactory(role=Role.COMPANY_MANAGER).user
    client.force_login(stranger)
    for url in [
        reverse("egestion:contribution_return_detail", args=[declared.pk]),
        reverse("egestion:contribution_receipt", args=[declared.pk]),
        reverse("egestion:payment", args=[company_payment.pk]),
        reverse("egestion:establishment", args=[company_establishment.pk]),
    ]:
        assert client.get(url).status_code == 404, url
    # Nor can they declare for an establishment that is not theirs.
    response = client.post(
        reverse("egestion:contribution_return"),
        {
            "annee": 2025,
            "etablissement": company_establishment.pk,
            "effectif": 1,
            "masse_salariale": "1",
            "masse_salariale_cdd": "0",
        },
    )
    assert response.status_code == 200 and "Sélectionnez un choix valide" in response.content.decode()
    assert company_establishment.siret not in client.get(reverse("egestion:contributions")).content.decode()
