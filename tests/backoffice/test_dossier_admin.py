"""The dossier list and page of the back office: filters, the case manager's queue, indexed search, unread company
messages standing out, and a constant number of queries as data grows."""

import re

import pytest
from django.contrib.admin.templatetags import admin_list
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Region
from backoffice import changelist_rows
from messaging.models import MessageRead
from messaging.services import refresh_unread_company_messages
from tests.backoffice.conftest import company_message
from tests.factories import (
    DocumentFactory,
    DossierFactory,
    EnrolmentFactory,
    EstablishmentFactory,
    PaymentLineFactory,
)
from tests.harness import assert_constant_queries, page_of

CHANGELIST = "admin:dossiers_dossier_changelist"


def listed(client, **params):
    response = client.get(reverse(CHANGELIST), params)
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


def test_the_case_manager_queue_puts_unread_company_messages_first(staff_client, case_manager):
    client = staff_client(case_manager)
    quiet = DossierFactory(case_manager=case_manager, number="9939990001.01")
    waiting = DossierFactory(case_manager=case_manager, number="9939990002.01")
    read = DossierFactory(case_manager=case_manager, number="9939990003.01")
    DossierFactory.create_batch(2)  # someone else's
    company_message(waiting)
    MessageRead.objects.create(message=company_message(read), user=case_manager)
    refresh_unread_company_messages()

    queue = listed(client, gestionnaire="moi")

    assert queue[0] == waiting
    assert set(queue) == {quiet, waiting, read}
    assert listed(client, messages="non-lus") == [waiting]
    response = client.get(reverse(CHANGELIST), {"gestionnaire": "moi"})
    assert response.text.count('<span class="badge-unread">Non lu</span>') == 1


def test_filters_by_status_scheme_and_region(staff_client, case_manager):
    client = staff_client(case_manager)
    in_brittany = DossierFactory(
        submitted=True, scheme="PLAN", employer_establishment=EstablishmentFactory(region=Region.BRE)
    )
    DossierFactory(submitted=True, scheme="CPRO", employer_establishment=EstablishmentFactory(region=Region.BRE))
    DossierFactory(accepted=True, scheme="PLAN", employer_establishment=EstablishmentFactory(region=Region.OCC))

    assert listed(client, status__exact="submitted", scheme__exact="PLAN", region="BRE") == [in_brittany]


@pytest.mark.parametrize("how", ["number", "request_number", "siret", "siren", "company", "trainee"])
def test_search(staff_client, case_manager, how):
    client = staff_client(case_manager)
    employer = EstablishmentFactory(name="MACONNERIE DURAND ET FILS")
    wanted = DossierFactory(number="9937654321.01", request_number="2471234", employer_establishment=employer)
    EnrolmentFactory(dossier=wanted, person__last_name="Kerbrat")
    DossierFactory.create_batch(3)
    term = {
        "number": "99376543",
        "request_number": "2471234",
        "siret": employer.siret,
        "siren": employer.organisation.siren,
        "company": "durand",
        "trainee": "kerbr",
    }[how]

    assert listed(client, q=term) == [wanted]


def make_dossiers(count, case_manager):
    for _ in range(count):
        dossier = DossierFactory(case_manager=case_manager)
        company_message(dossier)


def test_the_list_has_a_constant_number_of_queries(staff_client, case_manager):
    client = staff_client(case_manager)
    url = reverse(CHANGELIST)
    make_dossiers(2, case_manager)

    # warm_up: per-process caches (content types, permissions) are filled by a first visit.
    response = assert_constant_queries(
        page_of(client, url, {"gestionnaire": "moi"}), grow=lambda: make_dossiers(6, case_manager), warm_up=True
    )
    assert len(response.context["cl"].result_list) == 8


def make_rich_dossier(size):
    dossier = DossierFactory(submitted=True)
    for _ in range(size):
        EnrolmentFactory(dossier=dossier)
        DocumentFactory(dossier=dossier)
        company_message(dossier)
        PaymentLineFactory(dossier=dossier, payment__beneficiary=dossier.provider_establishment)
    return dossier


def test_the_dossier_page_shows_trainees_documents_messages_payments(staff_client, case_manager):
    client = staff_client(case_manager)
    small = make_rich_dossier(1)
    large = make_rich_dossier(4)

    response = assert_constant_queries(
        page_of(client, reverse("admin:dossiers_dossier_change", args=[small.pk])),
        page_of(client, reverse("admin:dossiers_dossier_change", args=[large.pk])),
        warm_up=True,
    )
    text = response.text
    person = large.enrolments.first().person
    assert str(person) in text
    assert large.documents.first().name in text
    assert large.messages.first().title in text
    assert large.payment_lines.first().payment.reference in text
    assert "Répondre à l&#x27;entreprise" in text or "Répondre à l'entreprise" in text


def test_opening_the_dossier_marks_its_company_messages_read_for_the_case_manager(staff_client, case_manager):
    dossier = DossierFactory()
    message = company_message(dossier)
    client = staff_client(case_manager)
    assert listed(client, messages="non-lus") == [dossier]

    first = client.get(reverse("admin:dossiers_dossier_change", args=[dossier.pk]))

    assert '<span class="badge-unread">Non lu</span>' in first.text  # shown as new this time
    assert MessageRead.objects.filter(message=message, user=case_manager).exists()
    assert listed(client, messages="non-lus") == []


def test_a_filtered_list_counts_at_most_the_cap(staff_client, case_manager, monkeypatch):
    from common import paginators

    monkeypatch.setattr(paginators, "COUNT_CAP", 3)
    DossierFactory.create_batch(5, submitted=True)

    response = staff_client(case_manager).get(reverse(CHANGELIST), {"status__exact": "submitted"})

    assert response.context["cl"].result_count == 3


@pytest.mark.parametrize("params", [{}, {"gestionnaire": "moi"}, {"status__exact": "submitted", "o": "-3"}])
def test_the_list_shows_djangos_cells_built_once_per_column(staff_client, case_manager, params):
    """The list's rows (backoffice.changelist_rows) are, cell for cell, those of Django's admin: links, checkboxes,
    choices, dates, empty values, the unread badge."""
    client = staff_client(case_manager)
    DossierFactory(case_manager=case_manager, submitted=True, title="Coffrage & <b>étaiement</b> d'Orléans")
    DossierFactory(case_manager=None, accepted=True)
    company_message(DossierFactory(case_manager=case_manager))

    response = client.get(reverse(CHANGELIST), params)

    cl = response.context["cl"]
    djangos = [list(row) for row in admin_list.result_list(cl)["results"]]
    ours = [list(row) for row in changelist_rows.result_list(cl)["results"]]
    assert djangos and ours == djangos
    for cell in djangos[0]:
        assert cell in response.text
    assert "Coffrage &amp; &lt;b&gt;étaiement&lt;/b&gt; d&#x27;Orléans" in response.text


def normalised_page(html):
    """The page's HTML, whitespace between tags aside and the form's one-time CSRF token blanked."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken" value=""', html)
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html)).strip()


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"gestionnaire": "moi", "status__exact": "submitted"},
        {"o": "-3.2"},  # two sorted columns: their priorities shown
        {"q": "aucun dossier ne porte ce nom"},
        {"p": "2", "per_page": 2},  # several pages: their links, "Tout afficher", "Sélectionner les 3 dossiers"
        {"p": "1", "per_page": 1, "gestionnaire": "moi"},
    ],
)
def test_the_list_page_is_djangos_page(staff_client, case_manager, params, monkeypatch):
    """The table and the filters written in Python (backoffice.changelist_rows), the actions' bar, the search form
    and the pagination (backoffice.changelist_parts) make the page Django's templates would: headers and their sort
    links and priorities, rows, every filter's choices, the one selected, no table for an empty result."""
    from backoffice.dossier_admin import DossierAdmin

    params = dict(params)
    monkeypatch.setattr(DossierAdmin, "list_per_page", params.pop("per_page", DossierAdmin.list_per_page))
    client = staff_client(case_manager)
    DossierFactory(case_manager=case_manager, submitted=True, title="Coffrage & <b>étaiement</b> d'Orléans")
    DossierFactory(case_manager=None, accepted=True)
    company_message(DossierFactory(case_manager=case_manager))
    ours = client.get(reverse(CHANGELIST), params)

    monkeypatch.setattr(DossierAdmin, "change_list_template", "admin/change_list.html")
    djangos = client.get(reverse(CHANGELIST), params)

    assert ours.status_code == djangos.status_code == 200
    assert ("result_list" in ours.text) is ("q" not in params)
    if "p" in params:
        assert 'class="showall"' in ours.text and "Sélectionner" in ours.text
    assert 'data-filter-title="état"' in ours.text
    assert ("Priorité de tri" in ours.text) is ("o" in params)
    assert normalised_page(ours.text) == normalised_page(djangos.text)


def test_reopening_a_dossier_with_nothing_new_writes_nothing(staff_client, case_manager):
    dossier = DossierFactory()
    company_message(dossier)
    client = staff_client(case_manager)
    url = reverse("admin:dossiers_dossier_change", args=[dossier.pk])
    client.get(url)  # reads the company's message

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    sql = [query["sql"] for query in queries.captured_queries]

    assert [q for q in sql if q.startswith(("INSERT", "UPDATE", "DELETE")) and "django_session" not in q] == []
    # The dossier is read once, for the instruction buttons and Django's form alike.
    assert len([q for q in sql if q.startswith("SELECT") and 'FROM "dossiers_dossier"' in q]) == 1
    assert listed(client, messages="non-lus") == []


def test_the_dossier_page_saves_with_the_hidden_inputs_it_renders(staff_client, case_manager):
    """Posted back as rendered (its lists have no input: backoffice.dossier_panels), the page saves."""
    dossier = make_rich_dossier(2)
    client = staff_client(case_manager)
    url = reverse("admin:dossiers_dossier_change", args=[dossier.pk])
    page = client.get(url)
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page.text))
    assert not [name for name in hidden if name.endswith("TOTAL_FORMS")]
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(hidden)
    data.update(
        {
            "title": "Titre corrigé",
            "employer_establishment": dossier.employer_establishment_id,
            "provider_establishment": dossier.provider_establishment_id,
            "case_manager": case_manager.pk,
            "created_by": "",
        }
    )

    response = client.post(url, data)

    assert response.status_code == 302, response.context["errors"] if response.context else response
    dossier.refresh_from_db()
    assert (dossier.title, dossier.case_manager) == ("Titre corrigé", case_manager)
