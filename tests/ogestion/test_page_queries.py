"""oGestion's busiest pages read as many queries with more dossiers, invoices and establishments (issue 18): the home
with its money panel (the schedules kept per dossier, the payments kept on the invoices) and the dossier list (the
first rows of each establishment)."""

from django.urls import reverse

from accounts.models import Role
from invoicing import services
from tests.factories import DossierFactory, EnrolmentFactory, MembershipFactory, ProviderEstablishmentFactory
from tests.harness import assert_constant_queries, page_of
from tests.invoicing.helpers import TODAY, advance, apprenticeship, on_today, pdf


def test_the_home_and_the_list_cost_the_same_queries_with_more_of_everything(client, accountant):
    with on_today():
        referent = MembershipFactory(role=Role.PROVIDER_REFERENT, establishment=ProviderEstablishmentFactory(cfa=True))
        user = referent.user
        second = MembershipFactory(user=user, role=Role.PROVIDER_REFERENT, establishment=ProviderEstablishmentFactory())
        client.force_login(user)

        def grow():
            for site in (referent.establishment, second.establishment):
                for dossier in DossierFactory.create_batch(13, provider_establishment=site):
                    EnrolmentFactory(dossier=dossier)
                dossier = apprenticeship(user, establishment=site)
                invoice = services.deposit_invoice(user, dossier, advance(f"F-{dossier.pk}", dossier=dossier), pdf())
                services.validate_invoice(invoice, accountant)
                services.pay_invoices(actor=accountant, reference=f"VIR{dossier.pk}", paid_on=TODAY, invoices=[invoice])

        grow()
        home, listing = page_of(client, "/ogestion/"), page_of(client, reverse("ogestion:dossiers"))
        # Each measured run follows a warm-up: the schedules of new dossiers are computed once, then read.
        assert_constant_queries(lambda: (home(), listing()), grow=grow, warm_up=True)
        assert "Mon tableau de bord financier" in home().content.decode()


def test_the_users_list_links_each_account_where_reverse_does(client):
    referent = MembershipFactory(role=Role.PROVIDER_REFERENT)
    colleagues = [
        MembershipFactory(role=Role.PROVIDER_USER, establishment=referent.establishment).user for _ in range(3)
    ]
    client.force_login(referent.user)
    html = client.get(reverse("ogestion:users")).content.decode()
    for colleague in colleagues:
        assert f'href="{reverse("ogestion:user", args=[colleague.pk])}"' in html
