"""Notification preferences in headless Chromium: "Mon compte" from the header, then the one-click unsubscribe
page an email links to."""

from django.conf import settings
from playwright.sync_api import expect

from accounts.models import Role
from digests import services
from digests.models import DigestPreference, NotificationMode
from tests.browser.helpers import log_in
from tests.factories import MembershipFactory, UserFactory


def test_choosing_notifications_on_mon_compte_then_unsubscribing_from_an_email(page):
    user = UserFactory(email="marie.petit@batir-ensemble.fr", first_name="Marie", last_name="Petit")
    MembershipFactory(user=user, role=Role.COMPANY_MANAGER)

    log_in(page, user.email, "egestion")
    page.get_by_role("link", name="Marie PETIT").click()
    expect(page.get_by_role("heading", name="Mon compte", level=1)).to_be_visible()
    expect(page.get_by_label(NotificationMode.DIGEST.label)).to_be_checked()

    page.get_by_label(NotificationMode.INSTANT.label).check()
    page.get_by_role("button", name="Enregistrer").click()

    expect(page.get_by_text("Vos préférences de notification sont enregistrées.")).to_be_visible()
    expect(page.get_by_label(NotificationMode.INSTANT.label)).to_be_checked()
    assert DigestPreference.objects.get(user=user).mode == NotificationMode.INSTANT

    # The link of an email, in a browser without the session.
    page.context.clear_cookies()
    page.goto(services.unsubscribe_url(user.pk).removeprefix(settings.SITE_URL))
    expect(page.get_by_role("heading", name="Ne plus recevoir les récapitulatifs")).to_be_visible()
    page.get_by_role("button", name="Confirmer le désabonnement").click()
    expect(page.get_by_role("heading", name="Vous êtes désabonné")).to_be_visible()
    assert DigestPreference.objects.get(user=user).mode == NotificationMode.NONE
