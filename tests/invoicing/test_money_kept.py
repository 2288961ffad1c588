"""The money view's figures are kept in the cache per establishment and day (invoicing.money): a page after any write
they read shows it at once, whatever wrote it (the ORM, a bulk update, a payment's trigger), and a page after none
reads one row, not the invoices."""

import datetime

import pytest

from accounts.models import Role
from dossiers.models import Dossier, DossierStatus
from invoicing import money, plans, services
from invoicing.models import Invoice, MoneyVersion
from tests.factories import MembershipFactory, ProviderEstablishmentFactory
from tests.invoicing.helpers import TODAY, D, advance, apprenticeship, pdf

YESTERDAY = TODAY - datetime.timedelta(days=1)


def establishments_of(user):
    return [membership.establishment for membership in user.memberships.select_related("establishment")]


def shown(user, today=TODAY):
    """The money view as the pages read it, checked against the figures computed from the database alone."""
    establishments = establishments_of(user)
    view = money.money_view(user, establishments, today)
    lines = {line.establishment.pk: (line.figures, line.months) for line in view.establishments}
    assert lines == money.computed_figures(user, establishments, today)
    return view.total


def assert_kept(user, django_assert_num_queries, today=TODAY):
    """The figures come from the cache: the versions are the only query."""
    establishments = establishments_of(user)
    with django_assert_num_queries(1):
        money.money_view(user, establishments, today)


def deposit(user, dossier, number, **fields):
    return services.deposit_invoice(user, dossier, advance(number, dossier=dossier, **fields), pdf())


@pytest.fixture
def second_site(cfa_user):
    site = ProviderEstablishmentFactory(organisation=cfa_user.memberships.get().establishment.organisation, cfa=True)
    MembershipFactory(user=cfa_user, establishment=site, role=Role.PROVIDER_REFERENT)
    return site


def test_every_write_the_figures_read_shows_on_the_next_page(cfa_user, accountant, django_assert_num_queries):
    dossier = apprenticeship(cfa_user)
    assert shown(cfa_user).to_invoice_this_month == D("3200.00")  # the schedule's first instalment
    assert_kept(cfa_user, django_assert_num_queries)

    invoice = deposit(cfa_user, dossier, "F-1")
    assert (shown(cfa_user).invoiced, shown(cfa_user).to_invoice_this_month) == (D("3200.00"), D("0.00"))
    assert_kept(cfa_user, django_assert_num_queries)

    services.validate_invoice(invoice, accountant)
    assert shown(cfa_user).validated_unpaid == D("3200.00")
    Invoice.objects.filter(pk=invoice.pk).update(expected_payment_on=YESTERDAY)  # a bulk write: no signal
    assert (shown(cfa_user).late, shown(cfa_user).late_count) == (D("3200.00"), 1)
    assert_kept(cfa_user, django_assert_num_queries)

    # The payment is copied on the invoice by the payments' triggers, never by the code.
    services.pay_invoices(actor=accountant, reference="VIR801", paid_on=TODAY, invoices=[invoice])
    total = shown(cfa_user)
    assert (total.paid, total.validated_unpaid, total.late_count) == (D("3200.00"), D("0.00"), 0)
    assert_kept(cfa_user, django_assert_num_queries)

    rejected = deposit(cfa_user, apprenticeship(cfa_user), "F-2")
    assert shown(cfa_user).invoiced == D("6400.00")
    Invoice.objects.filter(pk=rejected.pk).delete()
    assert shown(cfa_user).invoiced == D("3200.00")
    assert_kept(cfa_user, django_assert_num_queries)


def test_a_dossier_moved_or_no_longer_scheduled_changes_both_establishments(
    cfa_user, second_site, django_assert_num_queries
):
    origin, target = cfa_user.memberships.exclude(establishment=second_site).get().establishment, second_site
    dossier = apprenticeship(cfa_user, establishment=origin)
    deposit(cfa_user, dossier, "F-1")

    def invoiced_by_site():
        establishments = establishments_of(cfa_user)
        view = money.money_view(cfa_user, establishments, TODAY)
        shown(cfa_user)
        return {line.establishment.pk: line.figures.invoiced for line in view.establishments}

    assert invoiced_by_site() == {origin.pk: D("3200.00"), target.pk: D("0.00")}
    Dossier.objects.filter(pk=dossier.pk).update(provider_establishment=target)
    assert invoiced_by_site() == {origin.pk: D("0.00"), target.pk: D("3200.00")}

    other = apprenticeship(cfa_user, establishment=target)
    assert shown(cfa_user).to_invoice_this_month == D("3200.00")  # the second contract's first instalment
    Dossier.objects.filter(pk=other.pk).update(status=DossierStatus.CANCELLED)
    assert shown(cfa_user).to_invoice_this_month == D("0.00")
    assert_kept(cfa_user, django_assert_num_queries)


def test_a_dropped_schedule_is_computed_again_and_shown(cfa_user, django_assert_num_queries):
    dossier = apprenticeship(cfa_user)
    assert shown(cfa_user).to_invoice_this_month == D("3200.00")
    dossier.contract_terms.annual_npec = D("9000.00")
    dossier.contract_terms.save()  # the signals drop the kept schedule (invoicing.plans)
    assert shown(cfa_user).to_invoice_this_month == D("3600.00")
    plans.forget_all_plans()
    assert shown(cfa_user).to_invoice_this_month == D("3600.00")
    assert_kept(cfa_user, django_assert_num_queries)


def test_a_write_the_figures_do_not_read_keeps_them(cfa_user, django_assert_num_queries):
    dossier = apprenticeship(cfa_user)
    deposit(cfa_user, dossier, "F-1")
    shown(cfa_user)
    version = MoneyVersion.objects.get(establishment=dossier.provider_establishment_id).version
    Dossier.objects.filter(pk=dossier.pk).update(title="Intitulé corrigé")
    assert MoneyVersion.objects.get(establishment=dossier.provider_establishment_id).version == version
    assert_kept(cfa_user, django_assert_num_queries)


def test_the_next_day_is_computed_again(cfa_user, accountant, django_assert_num_queries):
    invoice = deposit(cfa_user, apprenticeship(cfa_user), "F-1")
    services.validate_invoice(invoice, accountant)
    Invoice.objects.filter(pk=invoice.pk).update(expected_payment_on=TODAY)
    assert shown(cfa_user).late_count == 0
    assert shown(cfa_user, today=TODAY + datetime.timedelta(days=1)).late_count == 1  # not today's kept figures
    assert_kept(cfa_user, django_assert_num_queries, today=TODAY + datetime.timedelta(days=1))


def test_versions_are_new_after_every_write(cfa_user):
    """Unique, not only increasing: two writes never leave the same version, even within the clock's microsecond."""
    dossier = apprenticeship(cfa_user)
    seen = set()
    for index in range(5):
        Dossier.objects.filter(pk=dossier.pk).update(
            status=DossierStatus.CANCELLED if index % 2 else DossierStatus.ACCEPTED
        )
        seen.add(MoneyVersion.objects.get(establishment=dossier.provider_establishment_id).version)
    assert len(seen) == 5
