"""RGPD and CGU at the first login, in headless Chromium: "Refuser" goes back to the login page, logged out;
"Accepter" goes to the home page; both texts stay readable from the "RGPD et CGU" menu."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Consent, ConsentKind, ConsentVersion, Role
from tests.browser.helpers import log_in
from tests.factories import (
    MembershipFactory,
    ProviderEstablishmentFactory,
    ProviderFactory,
    UserFactory,
)

RGPD_LINE = "Je m'engage à ne pas divulguer les informations contenues dans oGestion."
CGU_LINE = (
    "J'ai pris connaissance des Conditions Générales d'utilisation du service et déclare les accepter sans réserve."
)


@pytest.fixture
def versions():
    # Browser tests run on a database flushed between tests: publish the texts here.
    ConsentVersion.objects.all().delete()
    return [
        ConsentVersion.objects.create(
            kind=ConsentKind.RGPD,
            version="1",
            title="Règlement général sur la protection des données",
            body=RGPD_LINE,
            published_at=timezone.now(),
        ),
        ConsentVersion.objects.create(
            kind=ConsentKind.CGU,
            version="1",
            title="Conditions générales d'utilisation",
            body=CGU_LINE,
            published_at=timezone.now(),
        ),
    ]


@pytest.fixture
def newcomer(versions):
    provider = ProviderFactory(name="CHAMBRE DE METIERS ET DE L'ARTISANAT OCCITANIE")
    user = UserFactory(email="jing.tian@cma-occitanie.fr", first_name="Jing", last_name="Tian", consented=False)
    MembershipFactory(
        user=user,
        establishment=ProviderEstablishmentFactory(organisation=provider, name=provider.name),
        role=Role.PROVIDER_REFERENT,
    )
    return user


def test_refuse_then_accept_at_the_first_login(page, newcomer):
    log_in(page, newcomer.email, "ogestion")

    expect(page.get_by_role("heading", name="RGPD et CGU")).to_be_visible()
    expect(page.get_by_text(RGPD_LINE)).to_be_visible()
    expect(page.get_by_text(CGU_LINE)).to_be_visible()
    expect(page.get_by_text("Jing TIAN", exact=True)).to_be_visible()
    page.get_by_role("button", name="Refuser").click()

    expect(page).to_have_url(re.compile(r"/ogestion/connexion/$"))
    expect(page.get_by_text("Vous avez refusé le RGPD et les CGU")).to_be_visible()
    page.goto("/ogestion/")
    expect(page.get_by_role("button", name="Se connecter")).to_be_visible()
    assert not Consent.objects.filter(user=newcomer).exists()

    log_in(page, newcomer.email, "ogestion")
    page.get_by_role("button", name="Accepter").click()

    expect(page).to_have_url(re.compile(r"/ogestion/$"))
    expect(page.get_by_role("heading", name="Bienvenue dans votre espace oGestion")).to_be_visible()
    assert Consent.objects.filter(user=newcomer).count() == 2

    page.get_by_role("navigation").get_by_role("link", name="RGPD et CGU").click()
    expect(page.get_by_text(RGPD_LINE)).to_be_visible()
    expect(page.get_by_text(CGU_LINE)).to_be_visible()

    # Next login: straight to the home page.
    page.get_by_role("button", name="Se déconnecter").click()
    log_in(page, newcomer.email, "ogestion")
    expect(page).to_have_url(re.compile(r"/ogestion/$"))
