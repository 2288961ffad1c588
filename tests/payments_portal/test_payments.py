"""Consulter mes règlements (oGestion) / Consulter les règlements (eGestion): the list, a payment's page, the
remittance advice download, the dossier's RÈGLEMENTS tab; totals, formats and constant query counts."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.factories import TINY_PDF, DocumentFactory, PaymentFactory, PaymentLineFactory, ProviderEstablishmentFactory
from tests.harness import assert_constant_queries, page_of

LIST = reverse("ogestion:payments")


def references(response):
    return [payment.reference for payment in response.context["page"].object_list]


def test_list_shows_the_payments_of_the_users_establishments_latest_first(
    client, provider_user, provider_establishment
):
    advice = DocumentFactory(remittance_advice=True, establishment=provider_establishment)
    PaymentFactory(reference="VIR549", paid_on=datetime.date(2022, 8, 25), beneficiary=provider_establishment)
    PaymentFactory(
        reference="VIR550",
        paid_on=datetime.date(2022, 9, 1),
        beneficiary=provider_establishment,
        remittance_advice=advice,
    )
    PaymentFactory(reference="VIR551")  # another provider's
    client.force_login(provider_user)
    response = client.get(LIST)
    assert references(response) == ["VIR550", "VIR549"]
    html = response.content.decode()
    for text in (
        "Date",
        "Référence",
        "Avis de virement",
        "Établissement",
        "SIRET",
        "01/09/2022",
        provider_establishment.siret,
    ):
        assert text in html
    assert reverse("ogestion:payment_advice", args=[response.context["page"].object_list[0].pk]) in html
    assert references(client.get(LIST, {"tri": "date"})) == ["VIR549", "VIR550"]
    assert references(client.get(LIST, {"tri": "-reference"})) == ["VIR550", "VIR549"]


def test_list_filters_by_establishment(client, provider_user, provider_establishment):
    from tests.factories import MembershipFactory

    second = ProviderEstablishmentFactory(organisation=provider_establishment.organisation)
    MembershipFactory(user=provider_user, establishment=second, role=provider_user.memberships.first().role)
    PaymentFactory(reference="VIR1", beneficiary=provider_establishment)
    PaymentFactory(reference="VIR2", beneficiary=second)
    client.force_login(provider_user)
    assert set(references(client.get(LIST))) == {"VIR1", "VIR2"}
    assert references(client.get(LIST, {"etablissement": second.pk})) == ["VIR2"]


def test_the_list_is_paginated(client, provider_user, provider_establishment):
    PaymentFactory.create_batch(27, beneficiary=provider_establishment)
    client.force_login(provider_user)
    response = client.get(LIST)
    assert len(references(response)) == 25
    assert "1 à 25 sur 27 règlements" in response.content.decode()
    assert len(references(client.get(LIST, {"page": 2}))) == 2


def test_empty_list_says_so(client, provider_user):
    client.force_login(provider_user)
    assert "Aucun règlement" in client.get(LIST).content.decode()


@pytest.mark.parametrize("portal", ["ogestion", "egestion"])
def test_the_list_runs_a_constant_number_of_queries(
    client, portal, provider_user, provider_establishment, company_user, company_establishment
):
    user, establishment = (
        (provider_user, provider_establishment) if portal == "ogestion" else (company_user, company_establishment)
    )
    client.force_login(user)
    url = reverse(f"{portal}:payments")

    def add(n):
        for _ in range(n):
            advice = DocumentFactory(remittance_advice=True, establishment=establishment)
            PaymentFactory(beneficiary=establishment, remittance_advice=advice, lines=2)

    add(2)
    assert_constant_queries(page_of(client, url, {"tri": "etablissement"}), grow=lambda: add(20), warm_up=True)


def test_payment_page_reads_like_the_guide_and_totals_equal_the_lines(client, provider_user, provider_establishment):
    payment = PaymentFactory(reference="VIR550", paid_on=datetime.date(2022, 9, 1), beneficiary=provider_establishment)
    amounts = [Decimal("1875.00"), Decimal("1163.75"), Decimal("3102.50"), Decimal("81377.25")]
    lines = [PaymentLineFactory(payment=payment, amount=amount) for amount in amounts]
    payment.total_amount = sum(amounts)
    payment.save()
    assert payment.total_amount == payment.lines_total() == Decimal("87518.50")
    client.force_login(provider_user)
    response = client.get(reverse("ogestion:payment", args=[payment.pk]))
    html = " ".join(
        response.content.decode().replace("&nbsp;", " ").replace("\u202f", " ").replace("\xa0", " ").split()
    )
    assert "Règlement N° VIR550" in html
    assert (
        "Virement le 01/09/2022 d'un montant total TTC <strong>87 518,50 €</strong> pour "
        "CHAMBRE DE METIERS ET DE L&#x27;ARTISANAT OCCITANIE" in html
    )
    assert f"({provider_establishment.siret}) - 31240 / SAINT JEAN" in html
    for column in (
        "Date facture",
        "Réf.",
        "Du",
        "Au",
        "N° dossier",
        "Dispositif",
        "Intitulé de la formation",
        "Montant TTC",
    ):
        assert column in html
    for line in lines:
        assert reverse("ogestion:dossier", args=[line.dossier.number]) in html
        assert line.invoice_number in html
    assert "1 875,00 €" in html and "81 377,25 €" in html


def test_payment_page_runs_a_constant_number_of_queries(client, provider_user, provider_establishment):
    few = PaymentFactory(beneficiary=provider_establishment, lines=1)
    many = PaymentFactory(beneficiary=provider_establishment, lines=12)
    client.force_login(provider_user)
    assert_constant_queries(
        page_of(client, reverse("ogestion:payment", args=[few.pk])),
        page_of(client, reverse("ogestion:payment", args=[many.pk])),
        warm_up=True,
    )


def test_remittance_advice_download(client, provider_user, provider_establishment):
    advice = DocumentFactory(
        remittance_advice=True, establishment=provider_establishment, name="Avis de virement - VIR550.pdf"
    )
    payment = PaymentFactory(beneficiary=provider_establishment, remittance_advice=advice)
    client.force_login(provider_user)
    response = client.get(reverse("ogestion:payment_advice", args=[payment.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == TINY_PDF
    assert 'attachment; filename="Avis de virement - VIR550.pdf"' in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"
    # No advice yet: not found.
    without = PaymentFactory(beneficiary=provider_establishment)
    assert client.get(reverse("ogestion:payment_advice", args=[without.pk])).status_code == 404


def test_dossier_reglements_tab_columns(client, provider_user, provider_establishment):
    line = PaymentLineFactory(
        payment__beneficiary=provider_establishment, payment__reference="VIR550", amount=Decimal("1163.75")
    )
    client.force_login(provider_user)
    response = client.get(reverse("ogestion:dossier_tab", args=[line.dossier.number, "reglements"]))
    html = response.content.decode().replace("\u202f", " ").replace("\xa0", " ").replace("&nbsp;", " ")
    for column in (
        "N° virement",
        "Bénéficiaire",
        "N° facture",
        "Du",
        "Au",
        "Dispositif de formation",
        "Date de règlement",
        "Montant TTC",
        "Mode",
        "IBAN payé",
    ):
        assert column in html
    assert "VIR550" in html and "1 163,75 €" in html and "Virement" in html
    assert f"({provider_establishment.siret}) - {provider_establishment.postal_code} / " in html
    # The IBAN paid is masked in the list: its last four characters only.
    assert f"•••• {provider_establishment.iban[-4:]}" in html and provider_establishment.iban not in html


def test_egestion_shows_the_payments_made_to_the_company(client, company_user, company_establishment):
    payment = PaymentFactory(
        reference="VIR554",
        beneficiary=company_establishment,
        lines=2,
        lines__dossier__employer_establishment=company_establishment,
    )
    PaymentFactory(reference="VIR555")
    client.force_login(company_user)
    assert references(client.get(reverse("egestion:payments"))) == ["VIR554"]
    response = client.get(reverse("egestion:payment", args=[payment.pk]))
    assert "Règlement N° VIR554" in response.content.decode()
    for line in payment.lines.all():
        assert reverse("egestion:dossier", args=[line.dossier.number]) in response.content.decode()
        assert client.get(reverse("egestion:dossier", args=[line.dossier.number])).status_code == 200
