"""Suivre les dossiers de formation (eGestion): list, filters, tabs, sort, pagination, dossier page, documents,
extractions; constant numbers of queries."""

import csv
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from dossiers.models import Document, DocumentDirection, DossierStatus, Scheme
from tests.factories import TINY_PDF, DocumentFactory, DossierFactory, EnrolmentFactory, MessageFactory

LIST = reverse("egestion:dossiers")


def numbers(response):
    return [d.number for d in response.context["page"].object_list]


def test_the_list_shows_open_dossiers_with_tab_counts(client, company_user, establishment, dossier):
    DossierFactory(employer_establishment=establishment, closed=True, end_date=timezone.localdate())
    DossierFactory()  # another company's
    client.force_login(company_user)
    response = client.get(LIST)
    assert response.status_code == 200
    assert numbers(response) == [dossier.number]
    assert response.context["listing"].counts == {"en-cours": 1, "historique": 1}
    html = response.content.decode()
    for column in ("N° de dossier", "N° de demande", "Dispo formation", "SIRET", "CP", "Ville", "Du", "Au", "État"):
        assert column in html
    assert "Organisme de formation" in html and "CFA DU BATIMENT TOULOUSE" in html
    history = client.get(LIST, {"onglet": "historique"})
    assert len(numbers(history)) == 1 and numbers(history) != [dossier.number]


def test_closed_dossiers_stay_visible_for_six_years(client, company_user, establishment):
    recent = DossierFactory(
        employer_establishment=establishment,
        status=DossierStatus.CLOSED,
        start_date=timezone.localdate() - datetime.timedelta(days=6 * 365),
        end_date=timezone.localdate() - datetime.timedelta(days=5 * 365),
    )
    DossierFactory(
        employer_establishment=establishment,
        status=DossierStatus.CLOSED,
        start_date=datetime.date(2010, 1, 1),
        end_date=datetime.date(2010, 6, 1),
    )
    client.force_login(company_user)
    assert numbers(client.get(LIST, {"onglet": "historique"})) == [recent.number]


def test_filters_are_kept_in_the_url_and_combine(client, company_user, establishment):
    wanted = DossierFactory(
        employer_establishment=establishment,
        scheme=Scheme.CPRO,
        number="99305555.01",
        request_number="2499999",
        start_date=datetime.date(2025, 3, 1),
        end_date=datetime.date(2025, 9, 1),
        created_by=company_user,
    )
    DossierFactory(employer_establishment=establishment, scheme=Scheme.PLAN, start_date=datetime.date(2025, 3, 1))
    DossierFactory(employer_establishment=establishment, scheme=Scheme.CPRO, start_date=datetime.date(2024, 1, 1))
    client.force_login(company_user)
    assert numbers(client.get(LIST, {"dispositif": "CPRO", "debut": "2025-01-01"})) == [wanted.number]
    assert numbers(client.get(LIST, {"numero": "99305555"})) == [wanted.number]
    assert numbers(client.get(LIST, {"demande": "2499999"})) == [wanted.number]
    assert numbers(client.get(LIST, {"fin": "2025-09-30", "debut": "2025-02-01", "dispositif": "CPRO"})) == [
        wanted.number
    ]
    assert numbers(client.get(LIST, {"createur": company_user.last_name})) == [wanted.number]
    assert numbers(client.get(LIST, {"etablissement": establishment.pk})) != []
    # A page link keeps the filters.
    html = client.get(LIST, {"dispositif": "CPRO"}).content.decode()
    assert "dispositif=CPRO" in html


def test_an_establishment_filter_outside_the_scope_shows_an_error_and_never_widens(client, company_user):
    other = DossierFactory()
    client.force_login(company_user)
    response = client.get(LIST, {"etablissement": other.employer_establishment_id})
    assert other.number not in numbers(response)
    assert response.context["listing"].form.errors


def test_sorting_by_column_and_pagination(client, company_user, establishment):
    DossierFactory.create_batch(30, employer_establishment=establishment)
    client.force_login(company_user)
    first = client.get(LIST, {"tri": "numero"})
    assert len(numbers(first)) == 25
    assert numbers(first) == sorted(numbers(first))
    second = client.get(LIST, {"tri": "numero", "page": 2})
    assert len(numbers(second)) == 5 and numbers(second)[0] > numbers(first)[-1]
    descending = client.get(LIST, {"tri": "-numero"})
    assert numbers(descending)[0] == max(numbers(first) + numbers(second))
    assert client.get(LIST, {"tri": "nimporte"}).status_code == 200


def test_htmx_swaps_only_the_results(client, company_user, dossier):
    client.force_login(company_user)
    response = client.get(LIST, headers={"HX-Request": "true", "HX-Target": "dossier-results"})
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="dossier-results">') and "<html" not in html
    assert dossier.number in html


@pytest.mark.parametrize("rows", [3, 30])
def test_the_list_runs_a_constant_number_of_queries(
    client, company_user, establishment, rows, django_assert_max_num_queries
):
    DossierFactory.create_batch(rows, employer_establishment=establishment)
    client.force_login(company_user)
    with django_assert_max_num_queries(15):
        response = client.get(LIST, {"tri": "ville"})
    assert response.status_code == 200


# --- the dossier page -------------------------------------------------------------------------------------------

TABS = ["inscriptions", "reglements", "documents-emis", "documents-recus", "messages"]


def tab_url(dossier, tab):
    return reverse("egestion:dossier_tab", args=[dossier.number, tab])


def test_the_dossier_page_shows_its_facts_and_the_unread_badge(client, company_user, dossier):
    client.force_login(company_user)
    response = client.get(reverse("egestion:dossier", args=[dossier.number]))
    html = response.content.decode()
    assert dossier.number in html and dossier.request_number in html and "HABILITATION ELECTRIQUE" in html
    assert "LEFEBVRE" in html and "Julien" in html
    assert response.context["unread"] == 1
    assert "dossier-tabs__count--unread" in html
    for tab in TABS:
        assert tab_url(dossier, tab) in html


def test_the_dossier_page_reads_its_unread_badge_with_the_dossier(client, company_user, dossier):
    """The dossier and its unread count come from one statement (messaging.selectors.company_dossier_with_unread):
    the count unread_count gives, as messages arrive, are written by the user or opened."""
    from messaging.selectors import unread_count
    from tests.factories import MessageReadFactory

    client.force_login(company_user)

    def badge():
        return client.get(tab_url(dossier, "reglements")).context["unread"]

    assert badge() == unread_count(dossier, company_user) == 1
    arrived = MessageFactory.create_batch(2, dossier=dossier)
    MessageFactory(dossier=dossier, from_company=True, author=company_user)  # the user's own: never unread
    assert badge() == unread_count(dossier, company_user) == 3
    MessageReadFactory(message=arrived[0], user=company_user)
    MessageReadFactory(message=arrived[1], user=MessageFactory().author)  # someone else's read changes nothing
    assert badge() == unread_count(dossier, company_user) == 2


def test_every_tab_has_its_own_url_and_htmx_swaps_it(client, company_user, dossier):
    client.force_login(company_user)
    expected = {
        "inscriptions": "LEFEBVRE",
        "reglements": "FEH",
        "documents-emis": "Accord de prise en charge.pdf",
        "documents-recus": "CERFA FA13 signé.pdf",
        "messages": "Pièce manquante",
    }
    for tab, text in expected.items():
        full = client.get(tab_url(dossier, tab))
        assert full.status_code == 200 and text in full.content.decode() and "<html" in full.content.decode()
        partial = client.get(tab_url(dossier, tab), headers={"HX-Request": "true", "HX-Target": "dossier-tabs"})
        assert partial.content.decode().lstrip().startswith('<div id="dossier-tabs">')
        assert text in partial.content.decode()
    assert "Accord de prise en charge" not in client.get(tab_url(dossier, "documents-recus")).content.decode()
    assert client.get(tab_url(dossier, "nimporte")).status_code == 404


@pytest.mark.parametrize("rows", [3, 30])
@pytest.mark.parametrize("tab", TABS)
def test_the_dossier_page_runs_a_constant_number_of_queries(
    client, company_user, dossier, rows, tab, django_assert_max_num_queries
):
    for _ in range(rows):
        MessageFactory(dossier=dossier)
        DocumentFactory(dossier=dossier)
        EnrolmentFactory(dossier=dossier)
    client.force_login(company_user)
    with django_assert_max_num_queries(15):
        response = client.get(tab_url(dossier, tab))
    assert response.status_code == 200


def test_documents_download_through_the_permission_checked_view(client, company_user, dossier):
    client.force_login(company_user)
    for document in dossier.documents.all():
        response = client.get(reverse("egestion:dossier_document", args=[dossier.number, document.pk]))
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == TINY_PDF
        assert "attachment" in response["Content-Disposition"]
    foreign = DocumentFactory()
    assert client.get(reverse("egestion:dossier_document", args=[dossier.number, foreign.pk])).status_code == 404
    assert (
        client.get(reverse("egestion:dossier_document", args=[foreign.dossier.number, foreign.pk])).status_code == 404
    )


def test_the_company_adds_a_received_document(client, company_user, dossier):
    client.force_login(company_user)
    url = reverse("egestion:dossier_document_upload", args=[dossier.number])
    response = client.post(url, {"fichier": SimpleUploadedFile("convention.pdf", TINY_PDF)})
    assert response.status_code == 302
    document = Document.objects.get(name="convention.pdf")
    assert document.dossier == dossier and document.direction == DocumentDirection.RECEIVED
    assert document.uploaded_by == company_user
    bad = client.post(url, {"fichier": SimpleUploadedFile("virus.pdf", b"MZ not a pdf")})
    assert bad.status_code == 400 and "PDF" in bad.content.decode()
    assert client.get(url).status_code == 405


# --- extractions ------------------------------------------------------------------------------------------------


def test_the_csv_export_holds_the_filtered_list(client, company_user, establishment, dossier):
    DossierFactory(employer_establishment=establishment, scheme=Scheme.TUTO)
    DossierFactory()  # another company's
    client.force_login(company_user)
    response = client.get(reverse("egestion:dossier_export", args=["csv"]), {"dispositif": dossier.scheme})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content), delimiter=";"))
    assert rows[0][0] == "N° de dossier"
    assert [row[0] for row in rows[1:]] == [dossier.number]
    assert rows[1][4] == dossier.employer_establishment.siret


def test_the_xlsx_export_holds_the_filtered_list(client, company_user, establishment, dossier):
    DossierFactory(employer_establishment=establishment, closed=True, end_date=timezone.localdate())
    client.force_login(company_user)
    response = client.get(reverse("egestion:dossier_export", args=["xlsx"]), {"onglet": "en-cours"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "N° de dossier" and [row[0] for row in rows[1:]] == [dossier.number]


def test_a_dossier_past_its_six_years_is_gone_from_every_company_page(client, company_user, establishment):
    """Its page answers 404, and so do its documents; its messages count nowhere (home page, Messagerie)."""
    old = DossierFactory(
        employer_establishment=establishment,
        status=DossierStatus.CLOSED,
        start_date=datetime.date(2010, 1, 1),
        end_date=datetime.date(2010, 6, 1),
    )
    document = DocumentFactory(dossier=old, name="Accord de prise en charge.pdf")
    MessageFactory(dossier=old, title="Dossier soldé", body="Le dossier est soldé.")
    client.force_login(company_user)

    assert client.get(reverse("egestion:dossier", args=[old.number])).status_code == 404
    assert client.get(reverse("egestion:dossier_document", args=[old.number, document.pk])).status_code == 404
    assert client.get(reverse("egestion:home")).context["unread_messages"] == 0
    assert "Dossier soldé" not in client.get(reverse("egestion:messages")).content.decode()
