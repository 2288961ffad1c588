"""The back office: case managers review requests (filters by campaign, region, status), decide through the
service that emails the CFA, and export a campaign's requests to XLSX."""

import io
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Region
from invest import services
from invest.models import RequestStatus
from invest.templatetags.invest import euros
from tests.factories import UserFactory
from tests.harness import assert_constant_queries
from tests.invest.test_requests import ready


@pytest.fixture
def case_manager(client):
    user = UserFactory(email="gestionnaire@constructys.fr", superuser=True)
    client.force_login(user)
    return user


@pytest.fixture
def submitted(world, campaign):
    investment = ready(campaign, world, lines=[(2, "35000.00", "20.00"), (1, "2932.08", "20.00")])
    services.submit_request(investment, world.referent)
    mail.outbox.clear()
    investment.refresh_from_db()
    return investment


def test_the_list_filters_by_campaign_region_and_status(client, case_manager, submitted):
    url = reverse("admin:invest_investmentrequest_changelist")
    page = client.get(url, {"campaign__id__exact": submitted.campaign_id, "status__exact": "submitted"})
    assert submitted.reference in page.text
    region = submitted.establishment.region
    other = next(code for code in Region.values if code != region)
    assert submitted.reference in client.get(url, {"establishment__region__exact": region}).text
    assert submitted.reference not in client.get(url, {"establishment__region__exact": other}).text
    assert submitted.reference not in client.get(url, {"status__exact": "draft"}).text


def test_the_list_costs_the_same_queries_with_more_requests(client, case_manager, world, campaign, submitted):
    url = reverse("admin:invest_investmentrequest_changelist")
    client.get(url)

    def more_requests():
        for _ in range(10):
            ready(campaign, world)

    assert_constant_queries(lambda: client.get(url), grow=more_requests, at_most=40)


def test_accepting_records_the_amount_and_emails_the_cfa(client, case_manager, world, submitted):
    url = reverse("admin:invest_investmentrequest_decision", args=[submitted.pk])
    response = client.post(url, {"decision": "accept", "granted_amount": "60 000,00", "reason": ""})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == RequestStatus.ACCEPTED
    assert submitted.granted_amount == Decimal("60000.00") and submitted.decided_by == case_manager
    (email,) = mail.outbox
    assert email.to == [world.referent.email]
    assert "Montant accordé : 60\u00a0000,00\u00a0€" in email.body


def test_refusing_needs_a_reason_that_the_cfa_receives(client, case_manager, submitted):
    url = reverse("admin:invest_investmentrequest_decision", args=[submitted.pk])
    response = client.post(url, {"decision": "refuse", "granted_amount": "", "reason": ""})
    assert "Indiquez le motif du refus." in response.text
    client.post(url, {"decision": "refuse", "reason": "Enveloppe régionale épuisée."})
    submitted.refresh_from_db()
    assert submitted.status == RequestStatus.REFUSED
    assert "Enveloppe régionale épuisée." in mail.outbox[0].body


def test_the_granted_amount_cannot_exceed_the_requested_amount(case_manager, submitted):
    with pytest.raises(ValidationError):
        services.decide(
            submitted, accepted=True, staff_user=case_manager, granted_amount=submitted.requested_amount + 1
        )


def test_a_draft_gets_no_decision(case_manager, world, campaign):
    draft = ready(campaign, world)
    with pytest.raises(ValidationError):
        services.decide(draft, accepted=True, staff_user=case_manager, granted_amount=Decimal("1"))


def test_review_and_payment_actions_go_through_the_services(client, case_manager, submitted):
    url = reverse("admin:invest_investmentrequest_changelist")
    client.post(url, {"action": "start_review_action", "_selected_action": [submitted.pk]})
    submitted.refresh_from_db()
    assert submitted.status == RequestStatus.UNDER_REVIEW
    services.decide(submitted, accepted=True, staff_user=case_manager, granted_amount=Decimal("1000"))
    client.post(url, {"action": "mark_paid_action", "_selected_action": [submitted.pk]})
    submitted.refresh_from_db()
    assert submitted.status == RequestStatus.PAID and submitted.paid_at


def test_a_campaigns_requests_export_to_xlsx(client, case_manager, submitted):
    response = client.get(reverse("admin:invest_campaign_export", args=[submitted.campaign_id]))
    assert response["Content-Disposition"].startswith('attachment; filename="digit-invest-2026-')
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0][:3] == ("N° de demande", "Campagne", "CFA")
    assert rows[1][0] == submitted.reference and rows[1][2] == "BTP CFA HAUTE-GARONNE"
    assert Decimal(str(rows[1][10])) == submitted.total_ttc


def test_quotes_download_from_the_admin(client, case_manager, submitted):
    quote = submitted.quotes.get(document="Devis détaillé")
    response = client.get(reverse("admin:invest_investmentrequest_quote", args=[submitted.pk, quote.pk]))
    assert response.status_code == 200
    page = client.get(reverse("admin:invest_investmentrequest_change", args=[submitted.pk]))
    assert "Décider" in page.text
    # The case manager sees which required piece each file is.
    assert "Délibération du conseil d&#x27;administration" in page.text


def test_the_cfa_sees_the_granted_amount(client, case_manager, world, submitted):
    services.decide(submitted, accepted=True, staff_user=case_manager, granted_amount=Decimal("87518.50"))
    client.force_login(world.referent)
    page = client.get(reverse("invest:request", args=[submitted.pk]))
    assert "87\u00a0518,50\u00a0€" in page.text


def test_the_campaign_list_shows_what_was_granted_against_the_envelope(client, case_manager, submitted):
    services.decide(submitted, accepted=True, staff_user=case_manager, granted_amount=Decimal("50000"))
    page = client.get(reverse("admin:invest_campaign_changelist"))
    assert "2\u00a0000\u00a0000,00\u00a0€" in page.text
    assert f"50\u00a0000,00\u00a0€ / {euros(submitted.requested_amount)}" in page.text


def test_a_case_manager_needs_the_change_permission_to_decide(client, submitted):
    from django.contrib.auth.models import Permission

    viewer = UserFactory(staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_investmentrequest"))
    client.force_login(viewer)
    url = reverse("admin:invest_investmentrequest_decision", args=[submitted.pk])
    assert client.get(url).status_code == 403
    viewer.user_permissions.add(Permission.objects.get(codename="change_investmentrequest"))
    client.post(url, {"decision": "accept", "granted_amount": "1000"})
    submitted.refresh_from_db()
    assert submitted.status == RequestStatus.ACCEPTED and submitted.decided_by == viewer
