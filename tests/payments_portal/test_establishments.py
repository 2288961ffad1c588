"""Voir mes établissements (/ mes avis de virement): search, columns, masked IBANs in the list and the full IBAN on
the establishment's page, its remittance advices with "Déposé le"; constant query counts."""

import datetime

from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from tests.factories import (
    TINY_PDF,
    DocumentFactory,
    MembershipFactory,
    ProviderEstablishmentFactory,
)
from tests.harness import assert_constant_queries, page_of

LIST = reverse("ogestion:establishments")


def names(response):
    return [e.name for e in response.context["page"].object_list]


def test_list_masks_ibans_and_searches(client, provider_user, provider_establishment):
    second = ProviderEstablishmentFactory(
        organisation=provider_establishment.organisation, name="CFA DU BTP ANNECY", sign="BTP CFA", without_iban=True
    )
    MembershipFactory(user=provider_user, establishment=second, role=Role.PROVIDER_USER)
    ProviderEstablishmentFactory(name="AUTRE ORGANISME")  # not the user's
    client.force_login(provider_user)
    response = client.get(LIST)
    assert names(response) == ["CFA DU BTP ANNECY", "CHAMBRE DE METIERS ET DE L'ARTISANAT OCCITANIE"]
    html = response.content.decode()
    for column in ("N°", "Raison sociale", "SIRET", "CP", "Ville", "IBAN", "BIC", "NDA", "Enseigne"):
        assert f">{column}</th>" in html
    iban = provider_establishment.iban
    assert f"•••• {iban[-4:]}" in html
    assert iban not in html and provider_establishment.formatted_iban not in html
    assert "IBAN manquant" in html
    assert names(client.get(LIST, {"raison_sociale": "annecy"})) == ["CFA DU BTP ANNECY"]
    assert names(client.get(LIST, {"enseigne": "btp"})) == ["CFA DU BTP ANNECY"]
    assert names(client.get(LIST, {"siret": provider_establishment.siret})) == [provider_establishment.name]
    assert names(client.get(LIST, {"nda": provider_establishment.nda})) == [provider_establishment.name]
    assert names(client.get(LIST, {"numero": second.pk})) == ["CFA DU BTP ANNECY"]
    assert "Aucun établissement" in client.get(LIST, {"raison_sociale": "zzz"}).content.decode()


def test_list_runs_a_constant_number_of_queries(client, provider_user, provider_establishment):
    client.force_login(provider_user)

    def add(n):
        for _ in range(n):
            establishment = ProviderEstablishmentFactory(organisation=provider_establishment.organisation)
            MembershipFactory(user=provider_user, establishment=establishment, role=Role.PROVIDER_USER)

    add(1)
    assert_constant_queries(page_of(client, LIST), grow=lambda: add(15), warm_up=True)


def test_establishment_page_shows_full_iban_and_remittance_advices(client, provider_user, provider_establishment):
    advice = DocumentFactory(
        remittance_advice=True,
        establishment=provider_establishment,
        name="Avis de virement - Lot 550 - Page 1.pdf",
        uploaded_at=timezone.make_aware(datetime.datetime(2023, 5, 26, 10, 0)),
    )
    DocumentFactory(remittance_advice=True)  # another establishment's
    client.force_login(provider_user)
    url = reverse("ogestion:establishment", args=[provider_establishment.pk])
    html = client.get(url).content.decode()
    assert f"Établissement N° {provider_establishment.pk}" in html
    assert provider_establishment.formatted_iban in html
    assert "Avis de virement - Lot 550 - Page 1.pdf" in html and "Déposé le 26/05/2023" in html
    download = reverse("ogestion:establishment_document", args=[provider_establishment.pk, advice.pk])
    assert download in html
    response = client.get(download)
    assert b"".join(response.streaming_content) == TINY_PDF
    # A provider user (not a référent) is not offered the bank-details request.
    assert "Envoyer de nouvelles coordonnées bancaires" not in html


def test_establishment_page_runs_a_constant_number_of_queries(client, provider_user, provider_establishment):
    client.force_login(provider_user)
    url = reverse("ogestion:establishment", args=[provider_establishment.pk])
    DocumentFactory(remittance_advice=True, establishment=provider_establishment)
    assert_constant_queries(
        page_of(client, url),
        grow=lambda: DocumentFactory.create_batch(10, remittance_advice=True, establishment=provider_establishment),
        warm_up=True,
    )


def test_egestion_lists_the_company_establishments_without_nda(client, company_user, company_establishment):
    client.force_login(company_user)
    response = client.get(reverse("egestion:establishments"))
    assert names(response) == [company_establishment.name]
    html = response.content.decode()
    assert ">NDA</th>" not in html
    assert f"•••• {company_establishment.iban[-4:]}" in html and company_establishment.iban not in html
    page = client.get(reverse("egestion:establishment", args=[company_establishment.pk])).content.decode()
    assert company_establishment.formatted_iban in page


def test_home_flags_establishments_without_iban(client, provider_user, provider_establishment):
    missing = ProviderEstablishmentFactory(organisation=provider_establishment.organisation, without_iban=True)
    MembershipFactory(user=provider_user, establishment=missing, role=Role.PROVIDER_USER)
    client.force_login(provider_user)
    html = client.get(reverse("ogestion:home")).content.decode()
    assert "1 établissement sans IBAN enregistré" in html
    assert reverse("ogestion:establishment", args=[missing.pk]) in html
