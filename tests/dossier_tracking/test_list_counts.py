"""The dossier lists count their scope once: the page's count is the current tab's counter."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import DossierFactory

# Finished dossiers a company still sees (within the 6 years of dossiers.models.history_cutoff).
RECENT = {"start_date": datetime.date.today() - datetime.timedelta(days=200), "end_date": datetime.date.today()}


def dossier_counts(client, url, params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    counting = [q["sql"] for q in queries if re.search(r"COUNT\(", q["sql"]) and '"dossiers_dossier"' in q["sql"]]
    rows = [q["sql"] for q in queries if q["sql"].startswith('SELECT "dossiers_dossier"."id"')]
    assert rows and all(" LIMIT " in sql for sql in rows), "a list reads only its page's rows"
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
