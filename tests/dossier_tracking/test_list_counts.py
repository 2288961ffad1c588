"""The dossier lists count their scope once (one statement): the page's count is the current tab's counter."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import DossierFactory

# Finished dossiers a company still sees (within the 6 years of dossiers.models.history_cutoff).
RECENT = {"start_date": timezone.localdate() - datetime.timedelta(days=200), "end_date": timezone.localdate()}


def dossier_counts(client, url, params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    # Counted from the dossiers, or summed from the counts kept per establishment and month (dossiers.DossierTotal).
    counting = [q["sql"] for q in queries if re.search(r'COUNT\(|SUM\("dossiers_dossiertotal"', q["sql"])]
    page_ids = [q["sql"] for q in queries if re.match(r'\(?SELECT "dossiers_dossier"\."id" AS "pk"', q["sql"])]
    rows = [
        q["sql"] for q in queries if q["sql"].startswith('SELECT "dossiers_dossier"."id"') and q["sql"] not in page_ids
    ]
    # The page's ids are read with a LIMIT, its rows by those ids alone.
    assert page_ids and all(" LIMIT " in sql for sql in page_ids), "a list reads only its page's rows"
    assert rows and all(re.search(r'WHERE "dossiers_dossier"\."id" IN \(', sql) for sql in rows)
    return response, counting


@pytest.mark.parametrize("tab", ["en-cours", "historique"])
def test_the_company_list_counts_its_dossiers_once(client, company_user, establishment, tab):
    DossierFactory.create_batch(30, employer_establishment=establishment)
    DossierFactory.create_batch(3, employer_establishment=establishment, closed=True, **RECENT)
    client.force_login(company_user)
    response, counting = dossier_counts(client, reverse("egestion:dossiers"), {"onglet": tab})
    assert len(counting) == 1
    page = response.context["page"]
    assert page.paginator.count == {"en-cours": 30, "historique": 3}[tab]
    assert len(page.object_list) == min(page.paginator.count, page.paginator.per_page)


@pytest.mark.parametrize("tab", ["en-cours", "soldes", "total"])
def test_the_provider_list_counts_its_dossiers_once(client, provider_user, provider_establishment, tab):
    DossierFactory.create_batch(27, provider_establishment=provider_establishment)
    DossierFactory.create_batch(2, provider_establishment=provider_establishment, closed=True, **RECENT)
    client.force_login(provider_user)
    response, counting = dossier_counts(client, reverse("ogestion:dossiers"), {"onglet": tab})
    assert len(counting) == 1
    assert response.context["page"].paginator.count == {"en-cours": 27, "soldes": 2, "total": 29}[tab]


@pytest.mark.parametrize("sort", ["-du", "du", "numero", "-ville", "siret", "etat", "organisme"])
@pytest.mark.parametrize("tab", ["en-cours", "historique"])
def test_the_company_list_pages_of_several_establishments_are_in_order(client, company_user, establishment, tab, sort):
    """The pages read only each establishment's first rows: the same rows, in the same order, as sorting them all."""
    from accounts.models import Role
    from dossiers.models import Dossier
    from tests.factories import MembershipFactory

    second = MembershipFactory(role=Role.COMPANY_MANAGER, user=company_user).establishment
    for site, open_count in ((establishment, 31), (second, 22)):
        DossierFactory.create_batch(open_count, employer_establishment=site)
        DossierFactory.create_batch(28 - open_count // 2, employer_establishment=site, closed=True, **RECENT)
    client.force_login(company_user)
    shown = []
    for number in (1, 2, 3):
        response, _ = dossier_counts(client, reverse("egestion:dossiers"), {"onglet": tab, "tri": sort, "page": number})
        page = response.context["page"]
        if number <= page.paginator.num_pages:
            shown += [dossier.number for dossier in page.object_list]
    everything = response.context["listing"].queryset.all()  # a clone: sorted by the database, unnarrowed
    assert shown == [dossier.number for dossier in everything] and len(shown) == {"en-cours": 53, "historique": 30}[tab]
    assert set(shown) <= set(Dossier.objects.for_company_user(company_user).values_list("number", flat=True))


@pytest.mark.parametrize("sort", ["-du", "du", "numero", "-entreprise"])
@pytest.mark.parametrize("tab", ["en-cours", "soldes", "total"])
def test_the_provider_list_pages_of_several_establishments_are_in_order(
    client, provider_user, provider_establishment, tab, sort
):
    """oGestion's pages also read only each establishment's first rows (dossiers.selectors._ProviderListPage): the
    same rows, in the same order, as sorting them all, with their trainees and agreements."""
    from accounts.models import Role
    from dossiers.models import Dossier
    from tests.factories import MembershipFactory, ProviderEstablishmentFactory

    second = MembershipFactory(
        role=Role.PROVIDER_REFERENT, user=provider_user, establishment=ProviderEstablishmentFactory()
    ).establishment
    DossierFactory.create_batch(5, provider_establishment=ProviderEstablishmentFactory())  # another provider's
    for site, open_count in ((provider_establishment, 31), (second, 22)):
        DossierFactory.create_batch(open_count, provider_establishment=site)
        DossierFactory.create_batch(28 - open_count // 2, provider_establishment=site, closed=True, **RECENT)
    client.force_login(provider_user)
    shown = []
    for number in (1, 2, 3, 4):
        response, _ = dossier_counts(client, reverse("ogestion:dossiers"), {"onglet": tab, "tri": sort, "page": number})
        page = response.context["page"]
        if number <= page.paginator.num_pages:
            shown += [row.number for row in page.object_list]
            assert all(hasattr(row, "agreement_id") and hasattr(row, "trainees") for row in page.object_list)
    everything = response.context["listing"].queryset.all()  # a clone: sorted by the database, unnarrowed
    assert shown == [dossier.number for dossier in everything]
    assert len(shown) == {"en-cours": 53, "soldes": 30, "total": 83}[tab]
    assert set(shown) <= set(Dossier.objects.for_provider_user(provider_user).values_list("number", flat=True))


@pytest.mark.parametrize("params", [{"page": 2}, {"dispositif": "PLAN", "tri": "ville"}])
def test_the_company_list_reads_only_its_pages_rows_by_their_ids(client, company_user, establishment, params):
    """With several establishments, the page's ids are chosen among each one's first rows in the database, then the
    page's rows are read by id alone, with the columns they show: neither the rows of the other pages nor the scope's
    filters again."""
    from accounts.models import Role
    from tests.factories import MembershipFactory

    second = MembershipFactory(role=Role.COMPANY_MANAGER, user=company_user).establishment
    for site in (establishment, second):
        DossierFactory.create_batch(30, employer_establishment=site, scheme="PLAN")
    client.force_login(company_user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("egestion:dossiers"), params)
    rows = [
        q["sql"]
        for q in queries
        if re.match(r'SELECT "dossiers_dossier"\."id"( AS "id")?, "dossiers_dossier"\."number"', q["sql"])
    ]
    assert len(rows) == 1
    ids = re.search(r'"dossiers_dossier"\."id" IN \(([^)]*)\)', rows[0]).group(1).split(",")
    assert len(ids) == len(response.context["page"].object_list) == 25
    assert "accounts_membership" not in rows[0] and "PLAN" not in rows[0]
    # Only what the rows show: neither the establishments' bank details nor the dossiers' other columns.
    assert '"iban"' not in rows[0] and '"agreed_amount"' not in rows[0]


@pytest.mark.parametrize(
    ("url", "role", "field", "params"),
    [
        ("egestion:dossiers", "COMPANY_MANAGER", "employer_establishment", {"numero": "88"}),
        ("egestion:dossiers", "COMPANY_MANAGER", "employer_establishment", {"dispositif": "PLAN"}),
        ("ogestion:dossiers", "PROVIDER_REFERENT", "provider_establishment", {"numero": "88"}),
        ("ogestion:dossiers", "PROVIDER_REFERENT", "provider_establishment", {"dispositif": "PLAN"}),
    ],
)
def test_a_text_search_and_a_choice_give_the_same_pages_as_sorting_every_match(
    client, company_user, provider_user, establishment, provider_establishment, url, role, field, params
):
    """A text search (its LIKE pattern built on each request) and a choice (the list's SQL kept, common.prepared)
    page through the same dossiers as the whole filtered list sorted by the database."""
    from accounts.models import Role
    from tests.factories import MembershipFactory, ProviderEstablishmentFactory

    user, first = (
        (company_user, establishment) if role == "COMPANY_MANAGER" else (provider_user, provider_establishment)
    )
    extra = {"establishment": ProviderEstablishmentFactory()} if role == "PROVIDER_REFERENT" else {}
    second = MembershipFactory(role=getattr(Role, role), user=user, **extra).establishment
    for site in (first, second):
        for index in range(20):
            DossierFactory(**{field: site}, number=f"{88 if index % 2 else 77}{site.pk:05d}{index:03d}", scheme="PLAN")
        DossierFactory(**{field: site}, number=f"88{site.pk:05d}999", scheme="CPRO")
    client.force_login(user)
    shown = []
    for number in (1, 2):
        response = client.get(reverse(url), {**params, "page": number})
        if number <= response.context["page"].paginator.num_pages:
            shown += [row.number for row in response.context["page"].object_list]
    expected = [dossier.number for dossier in response.context["listing"].queryset.all()]
    assert shown == expected and len(expected) == {"numero": 22, "dispositif": 40}[next(iter(params))]
    assert all(n.startswith("88") for n in shown) if "numero" in params else all("999" not in n for n in shown)
