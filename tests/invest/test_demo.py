"""The demo: referent@demo.constructys.fr (BTP CFA, establishments with a UAI) gets into Digit Invest, where the
2026 campaign is open and two requests show; a second seed_demo writes nothing."""

import io

from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from demo import data
from invest.models import Campaign, InvestmentRequest, Quote, RequestStatus, TermsVersion
from tests.factories import accept_current_terms


def test_the_demo_cfa_referent_uses_digit_invest(client):
    call_command("seed_demo", stdout=io.StringIO())
    stamps = dict(InvestmentRequest.objects.values_list("pk", "updated_at"))
    campaign = Campaign.objects.get(year=2026)
    assert campaign.is_open()
    output = io.StringIO()
    call_command("seed_demo", stdout=output)
    assert dict(InvestmentRequest.objects.values_list("pk", "updated_at")) == stamps
    assert Quote.objects.count() == 2
    assert "/digit-invest/" in output.getvalue()

    # The RGPD and CGU of the portal first (the demo accounts accept them at their first login), then Digit Invest's.
    accept_current_terms(User.objects.get(email="referent@demo.constructys.fr"))
    response = client.post(
        reverse("invest:login"), {"login": "referent@demo.constructys.fr", "password": data.PASSWORD}
    )
    assert response["Location"] == reverse("invest:home")
    client.post(reverse("invest:terms"), {"version": TermsVersion.objects.current().pk})
    page = client.get(reverse("invest:home"))
    assert page.status_code == 200
    accepted = InvestmentRequest.objects.get(status=RequestStatus.ACCEPTED)
    assert accepted.reference in page.text and "38\u00a0500,00\u00a0€" in page.text

    # Who the README says gets in: of@ for the CMA's Saint-Jean campus (a CFA) only; aplomb@ (no UAI) and
    # entreprise@ are refused and told why.
    client.logout()
    of_user = User.objects.get(email="of@demo.constructys.fr")
    accept_current_terms(of_user)
    client.force_login(of_user)
    client.post(reverse("invest:terms"), {"version": TermsVersion.objects.current().pk})
    form = client.get(reverse("invest:request_new")).text
    assert "CAMPUS DES METIERS" in form or "SAINT JEAN" in form
    assert "UAI 0311987" in form and "TOULOUSE)" not in form
    for email, reason in (
        ("aplomb@demo.constructys.fr", "aucun des établissements auxquels votre compte oGestion"),
        ("entreprise@demo.constructys.fr", "compte <strong>eGestion</strong>"),
    ):
        refused = User.objects.get(email=email)
        accept_current_terms(refused)
        client.force_login(refused)
        response = client.get(reverse("invest:home"))
        assert response.status_code == 403 and reason in response.text
