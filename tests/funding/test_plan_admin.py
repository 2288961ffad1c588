"""The plan requests in the back office: modules and trainees read-only, unknown providers flagged and filtered,
and the funding rules staff configure per year (the portal's estimate reads them)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import Role
from dossiers.models import Scheme
from funding import plan
from funding.models import CompanySize, FundingRule
from tests.egestion.requests.plan.utils import complete_plan
from tests.factories import EstablishmentFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def a_plan(provider_siret=""):
    establishment = EstablishmentFactory()
    user = MembershipFactory(establishment=establishment, role=Role.COMPANY_MANAGER).user
    draft = complete_plan(user, establishment, modules=1, trainees=2)
    if provider_siret:
        plan.choose_provider(draft.plan_modules.get(), None, siret=provider_siret, name="FORM'PRO OUEST")
    return draft


def test_an_unknown_provider_is_flagged_for_the_case_manager(staff_client):
    flagged = a_plan(provider_siret="73282932000074")
    registered = a_plan()
    changelist = reverse("admin:funding_fundingrequest_changelist")
    page = staff_client.get(changelist + "?organisme_inconnu=oui").content.decode()
    assert f"/{flagged.pk}/change/" in page and f"/{registered.pk}/change/" not in page
    page = staff_client.get(reverse("admin:funding_fundingrequest_change", args=[flagged.pk])).content.decode()
    assert "organisme non référencé : FORM&#x27;PRO OUEST (SIRET 73282932000074)" in page
    trainee = flagged.plan_trainees.select_related("person").first()
    assert trainee.person.nir in page


def test_staff_configure_the_funding_rules_per_year(staff_client):
    response = staff_client.post(
        reverse("admin:funding_fundingrule_add"),
        {
            "year": "2027",
            "scheme": Scheme.PLAN,
            "company_size": CompanySize.UNDER_11,
            "hourly_ceiling": "30",
            "funding_rate": "100",
            "annex_hourly_ceiling": "4",
        },
    )
    assert response.status_code == 302
    assert FundingRule.objects.get().hourly_ceiling == Decimal("30")
    # One rule per year, scheme and size.
    response = staff_client.post(
        reverse("admin:funding_fundingrule_add"),
        {
            "year": "2027",
            "scheme": Scheme.PLAN,
            "company_size": CompanySize.UNDER_11,
            "hourly_ceiling": "40",
            "funding_rate": "100",
            "annex_hourly_ceiling": "0",
        },
    )
    assert response.status_code == 200 and FundingRule.objects.count() == 1
