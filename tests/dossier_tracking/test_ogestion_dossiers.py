"""Suivre mes dossiers de formation (oGestion): counters, filters, columns, the dossier page and its tabs, the
funding agreement download; constant numbers of queries."""

import datetime

import pytest
from django.urls import reverse

from dossiers.models import DocumentDirection, DocumentKind, Scheme
from tests.factories import TINY_PDF, DocumentFactory, DossierFactory, EnrolmentFactory, PaymentLineFactory

LIST = reverse("ogestion:dossiers")


def numbers(response):
    return [d.number for d in response.context["page"].object_list]


def test_counters_and_columns(client, provider_user, provider_establishment, dossier):
    DossierFactory(provider_establishment=provider_establishment, closed=True)
    DossierFactory()  # another provider's
    client.force_login(provider_user)
    response = client.get(LIST)
    assert response.context["listing"].counts == {"en-cours": 1, "soldes": 1, "total": 2}
    assert numbers(response) == [dossier.number]
    html = response.content.decode()
    for text in ("Raison sociale de l&#x27;entreprise", "Accord", "Nom du stagiaire", "Dispositif", "LEFEBVRE Julien"):
        assert text in html
    agreement = dossier.documents.get(kind=DocumentKind.FUNDING_AGREEMENT)
    assert reverse("ogestion:dossier_document", args=[dossier.number, agreement.pk]) in html
    assert len(numbers(client.get(LIST, {"onglet": "total"}))) == 2


def test_filters(client, provider_user, provider_establishment, dossier):
    # The fixture's scheme comes from a cycling factory iterator: make sure it is not the one filtered on.
    dossier.scheme = Scheme.PLAN
    dossier.save(update_fields=["scheme"])
    other = DossierFactory(
        provider_establishment=provider_establishment, scheme=Scheme.TUTO, start_date=datetime.date(2024, 2, 1)
    )
    EnrolmentFactory(dossier=other, person__last_name="Moreau", person__first_name="Inès")
    client.force_login(provider_user)
    assert numbers(client.get(LIST, {"stagiaire": "lefeb"})) == [dossier.number]
    assert numbers(client.get(LIST, {"stagiaire": "Inès MOREAU"})) == [other.number]
    assert numbers(client.get(LIST, {"dispositif": "TUTO"})) == [other.number]
    assert numbers(client.get(LIST, {"numero": dossier.number})) == [dossier.number]
    assert set(numbers(client.get(LIST, {"etablissement": provider_establishment.pk}))) == {
        dossier.number,
        other.number,
    }


@pytest.mark.parametrize("rows", [3, 30])
def test_the_list_runs_a_constant_number_of_queries(
    client, provider_user, provider_establishment, rows, django_assert_max_num_queries
):
    for dossier in DossierFactory.create_batch(rows, provider_establishment=provider_establishment):
        EnrolmentFactory(dossier=dossier)
        DocumentFactory(dossier=dossier)
    client.force_login(provider_user)
    with django_assert_max_num_queries(15):
        response = client.get(LIST, {"tri": "entreprise"})
    assert response.status_code == 200


TABS = {"stagiaires": "LEFEBVRE", "reglements": "FEH", "documents": "Accord de prise en charge.pdf"}


def test_the_dossier_page_and_its_tabs(client, provider_user, dossier):
    client.force_login(provider_user)
    assert "LEFEBVRE" in client.get(reverse("ogestion:dossier", args=[dossier.number])).content.decode()
    for tab, text in TABS.items():
        url = reverse("ogestion:dossier_tab", args=[dossier.number, tab])
        html = client.get(url).content.decode()
        assert text in html and "<html" in html
        partial = client.get(url, headers={"HX-Request": "true", "HX-Target": "dossier-tabs"}).content.decode()
        assert partial.lstrip().startswith('<div id="dossier-tabs">') and text in partial
    documents = client.get(reverse("ogestion:dossier_tab", args=[dossier.number, "documents"])).content.decode()
    assert "Déposé le" in documents
    assert "CERFA FA13 signé.pdf" not in documents  # the company's own pieces are not the provider's


@pytest.mark.parametrize("rows", [3, 30])
@pytest.mark.parametrize("tab", list(TABS))
def test_the_dossier_page_runs_a_constant_number_of_queries(
    client, provider_user, dossier, rows, tab, django_assert_max_num_queries
):
    payment = dossier.payment_lines.get().payment
    for _ in range(rows):
        EnrolmentFactory(dossier=dossier)
        DocumentFactory(dossier=dossier)
        PaymentLineFactory(dossier=dossier, payment=payment)
    client.force_login(provider_user)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("ogestion:dossier_tab", args=[dossier.number, tab]))
    assert response.status_code == 200


def test_the_funding_agreement_downloads_and_received_documents_do_not(client, provider_user, dossier):
    client.force_login(provider_user)
    agreement = dossier.documents.get(direction=DocumentDirection.ISSUED)
    response = client.get(reverse("ogestion:dossier_document", args=[dossier.number, agreement.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == TINY_PDF
    received = dossier.documents.get(direction=DocumentDirection.RECEIVED)
    assert client.get(reverse("ogestion:dossier_document", args=[dossier.number, received.pk])).status_code == 404
