"""The lists' tab counters kept per establishment and month (dossiers.DossierTotal, kept by triggers): whatever
writes the dossiers, and whatever day the cutoff falls on, they are what counting the dossiers gives."""

import collections
import datetime

from django.db import connection
from django.urls import reverse

from accounts.models import Role
from dossiers import selectors
from dossiers.models import (
    FINISHED_STATUSES,
    OPEN_MONTH,
    Dossier,
    DossierSchemeTotal,
    DossierSide,
    DossierStatus,
    DossierTotal,
    history_cutoff,
    month_of,
)
from tests.factories import DossierFactory, MembershipFactory, ProviderEstablishmentFactory
from tests.harness import end_dates_around_the_cutoff


def totals_match_the_dossiers():
    """DossierTotal is the dossiers counted per side, establishment and end month (OPEN_MONTH if not finished);
    DossierSchemeTotal per scheme too."""
    counted, by_scheme = collections.Counter(), collections.Counter()
    for employer, provider, scheme, status, end in Dossier.objects.values_list(
        "employer_establishment", "provider_establishment", "scheme", "status", "end_date"
    ):
        month = month_of(end) if status in FINISHED_STATUSES else OPEN_MONTH
        for side, establishment in ((DossierSide.EMPLOYER, employer), (DossierSide.PROVIDER, provider)):
            if establishment is not None:
                counted[(side, establishment, month)] += 1
                by_scheme[(side, establishment, scheme, month)] += 1
    kept = DossierTotal.objects.exclude(dossiers=0).values_list("side", "establishment", "month", "dossiers")
    assert {(side, establishment, month): n for side, establishment, month, n in kept} == dict(counted)
    kept = DossierSchemeTotal.objects.exclude(dossiers=0).values_list(
        "side", "establishment", "scheme", "month", "dossiers"
    )
    assert {tuple(row[:4]): row[4] for row in kept} == dict(by_scheme)


def counted(audience, user, establishment_ids, scheme=None):
    """The counters as the ORM counts them from the dossiers (what a filtered list runs), of `scheme` or all."""
    if audience is selectors.COMPANY:
        filters = (user.pk, establishment_ids, history_cutoff(), scheme, *[None] * 6)
    else:
        filters = (user.pk, establishment_ids, scheme, *[None] * 5)
    return audience.filtered(*filters).aggregate(**audience.counts)


def test_the_month_the_triggers_count_a_dossier_under_follows_the_finished_statuses():
    with connection.cursor() as cursor:
        for status in DossierStatus.values:
            cursor.execute("SELECT dossiers_month(%s, DATE '2020-03-17')", [status])
            month = cursor.fetchone()[0]
            assert month == (datetime.date(2020, 3, 1) if status in FINISHED_STATUSES else OPEN_MONTH), status


def test_the_kept_counters_are_the_counted_ones_around_the_cutoff_and_after_every_change():
    manager = MembershipFactory(role=Role.COMPANY_MANAGER)
    site, other_site = manager.establishment, MembershipFactory(role=Role.COMPANY_USER, user=manager.user).establishment
    referent = MembershipFactory(role=Role.PROVIDER_REFERENT, establishment=ProviderEstablishmentFactory())
    cfa, other_cfa = referent.establishment, ProviderEstablishmentFactory()
    cutoff = history_cutoff()
    ends = end_dates_around_the_cutoff()
    dossiers = DossierFactory.create_batch(3, employer_establishment=site, provider_establishment=cfa)
    for index, end in enumerate(ends):
        dossiers.append(
            DossierFactory(
                employer_establishment=other_site if index % 2 else site,
                provider_establishment=cfa if index % 3 else None,
                status=FINISHED_STATUSES[index % 3],
                scheme=("PLAN", "ALTE")[index % 2],
                start_date=end - datetime.timedelta(days=300),
                end_date=end,
            )
        )

    def assert_kept_is_counted():
        for scheme in (None, "PLAN", "ALTE"):
            for ids in ([site.pk, other_site.pk], [other_site.pk]):
                assert selectors._company_kept_counts(manager.user.pk, ids, cutoff, scheme) == counted(
                    selectors.COMPANY, manager.user, ids, scheme
                )
            assert selectors._provider_kept_counts(referent.user.pk, [cfa.pk], scheme) == counted(
                selectors.PROVIDER, referent.user, [cfa.pk], scheme
            )
        totals_match_the_dossiers()

    assert_kept_is_counted()
    assert selectors._company_kept_counts(manager.user.pk, [site.pk, other_site.pk], cutoff) == {
        "en-cours": 3,
        "historique": 5,  # not the two finished before the cutoff
    }

    # Closed, reopened, moved to another site or another CFA, bulk-updated, deleted: the totals follow.
    first = dossiers[0]
    first.status, first.start_date, first.end_date = DossierStatus.CLOSED, cutoff - datetime.timedelta(300), cutoff
    first.save()
    dossiers[4].status = DossierStatus.ACCEPTED
    dossiers[4].save()
    dossiers[5].employer_establishment, dossiers[5].provider_establishment = other_site, other_cfa
    dossiers[5].save()
    Dossier.objects.filter(pk__in=[d.pk for d in dossiers[3:7]]).update(scheme="PLAN")  # another scheme
    assert_kept_is_counted()
    Dossier.objects.filter(pk__in=[d.pk for d in dossiers[6:8]]).update(status=DossierStatus.CANCELLED)
    Dossier.objects.filter(pk=dossiers[1].pk).update(provider_establishment=None)
    dossiers[2].delete()
    assert_kept_is_counted()


def test_the_lists_read_their_counters_from_the_kept_totals_unless_filtered(client):
    manager = MembershipFactory(role=Role.COMPANY_MANAGER)
    DossierFactory.create_batch(4, employer_establishment=manager.establishment, scheme="PLAN")
    alte = DossierFactory(employer_establishment=manager.establishment, scheme="ALTE")
    client.force_login(manager.user)

    listing = client.get(reverse("egestion:dossiers"))
    of_a_scheme = client.get(reverse("egestion:dossiers"), {"dispositif": "ALTE"})  # kept per scheme too
    filtered = client.get(reverse("egestion:dossiers"), {"numero": alte.number[:-1]})

    assert listing.context["page"].paginator.count == 5
    assert of_a_scheme.context["page"].paginator.count == 1
    assert filtered.context["page"].paginator.count == 1  # another filter counts the dossiers it keeps
