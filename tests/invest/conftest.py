"""Personas of Digit Invest: a CFA (provider establishment with a UAI) and its référent, another CFA with its own
user, a provider user of a training organisation that is not a CFA, and a company user; an open 2026 campaign."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import Role
from demo.invest import CATEGORIES
from invest.models import Campaign, ExpenseCategory, InvestmentRequest, RequestLine, TermsVersion
from invest.services import accept_terms, attach_quote, recompute_totals
from tests.factories import TINY_PDF, MembershipFactory, ProviderEstablishmentFactory, UserFactory


@pytest.fixture(autouse=True)
def _categories():
    """The categories a migration publishes: browser tests flush the database, so make sure they are here."""
    for position, name in enumerate(CATEGORIES, start=1):
        ExpenseCategory.objects.get_or_create(name=name, defaults={"position": position})


@pytest.fixture
def terms():
    version = TermsVersion.objects.current()
    if version is None:
        version = TermsVersion.objects.create(version="1", body="Conditions de Digit Invest.")
    return version


def cfa_member(terms, email, establishment=None, role=Role.PROVIDER_REFERENT, accepted=True):
    user = UserFactory(email=email)
    establishment = establishment or ProviderEstablishmentFactory(cfa=True)
    MembershipFactory(user=user, establishment=establishment, role=role)
    if accepted:
        accept_terms(user, terms)
    return user


@pytest.fixture
def world(terms):
    cfa = ProviderEstablishmentFactory(cfa=True, name="BTP CFA HAUTE-GARONNE")
    other_cfa = ProviderEstablishmentFactory(cfa=True, name="CFA DES COMPAGNONS")
    not_a_cfa = ProviderEstablishmentFactory(name="APLOMB FORMATION")
    return SimpleNamespace(
        cfa=cfa,
        other_cfa=other_cfa,
        referent=cfa_member(terms, "claire.roussel@btpcfa.fr", cfa),
        other_user=cfa_member(terms, "paul.martin@compagnons.fr", other_cfa, Role.PROVIDER_USER),
        of_user=cfa_member(terms, "of@aplomb.fr", not_a_cfa),
        company_user=MembershipFactory(user=UserFactory(email="salarie@entreprise.fr")).user,
    )


def make_campaign(year=2026, opens_in_days=-10, closes_in_days=30, **kwargs):
    now = timezone.now()
    kwargs.setdefault("required_documents", "Devis détaillé\nDélibération du conseil d'administration")
    campaign = Campaign.objects.create(
        year=year,
        opens_at=now + datetime.timedelta(days=opens_in_days),
        closes_at=now + datetime.timedelta(days=closes_in_days),
        envelope=Decimal("2000000.00"),
        max_amount_per_request=Decimal("150000.00"),
        faq_url="https://www.constructys.fr/digit-invest/faq",
        procedure_url="https://www.constructys.fr/digit-invest/procedure",
        calendar_url="https://www.constructys.fr/digit-invest/calendrier",
        **kwargs,
    )
    campaign.categories.set(ExpenseCategory.objects.all())
    return campaign


@pytest.fixture
def campaign():
    return make_campaign()


def make_request(campaign, establishment, user, lines=((2, "1000.00", "20.00"),), **kwargs):
    investment = InvestmentRequest.objects.create(
        campaign=campaign,
        establishment=establishment,
        created_by=user,
        title=kwargs.pop("title", "Plateau technique maçonnerie"),
        category=ExpenseCategory.objects.first(),
        **kwargs,
    )
    for n, (quantity, price, rate) in enumerate(lines, start=1):
        RequestLine.objects.create(
            request=investment,
            designation=f"Équipement {n}",
            quantity=Decimal(quantity),
            unit_price_ht=Decimal(price),
            vat_rate=Decimal(rate),
        )
    recompute_totals(investment)
    return investment


def attach_required_documents(investment, user):
    """A PDF for each piece the campaign requires, so that the request can be transmitted."""
    for piece in investment.campaign.required_document_list:
        upload = SimpleUploadedFile(f"{piece}.pdf", TINY_PDF, content_type="application/pdf")
        attach_quote(investment, uploaded_file=upload, user=user, document=piece)
