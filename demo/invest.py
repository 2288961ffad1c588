"""Digit Invest in the demo: an open 2026 campaign with its categories, rules and resources, the terms in force,
and two requests of BTP CFA (Claire Roussel, referent@demo.constructys.fr): one transmitted, waiting for a case
manager's decision, one accepted with its granted amount. Idempotent like the rest of the demo: a second run
writes nothing (the PDF quotes are rendered once)."""

import datetime
import hashlib
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from common.formats import format_amount as euros
from demo.pdf import render_pdf
from demo.world import at, upsert
from invest.models import (
    DEFAULT_CONTACT_EMAIL,
    Campaign,
    ExpenseCategory,
    InvestmentRequest,
    Quote,
    RequestLine,
    RequestStatus,
    TermsVersion,
)
from invest.services import recompute_totals

CATEGORIES = ["Équipements pédagogiques", "Équipements numériques", "Ingénierie pédagogique", "Locaux et aménagements"]
# A campaign runs a few weeks and closes at 17:00 (Paris time); the demo's is open whatever the machine's date:
# opened three weeks ago, closing in three weeks.
CAMPAIGN_OPENED_DAYS_AGO, CAMPAIGN_CLOSES_IN_DAYS = 21, 21
OPENS_AT, CLOSES_AT = (9, 0), (17, 0)
# When the demo requests were transmitted and decided, in days after the opening.
SUBMITTED_AFTER_DAYS, DECIDED_AFTER_DAYS = 6, 14


def is_believable(campaign) -> bool:
    """Open now, a few weeks long, closing at 17:00."""
    closes = timezone.localtime(campaign.closes_at)
    return (
        campaign.is_open(timezone.now())
        and (closes.hour, closes.minute) == CLOSES_AT
        and campaign.closes_at - campaign.opens_at <= datetime.timedelta(weeks=8)
    )


# (CFA site, title, category, status, granted, lines (designation, quantity, unit price HT, VAT rate), co-financing)
REQUESTS = [
    (
        "cfa-toulouse",
        "Plateau technique de maçonnerie connectée",
        "Équipements pédagogiques",
        RequestStatus.SUBMITTED,
        None,
        [
            ("Bétonnière pédagogique instrumentée", "2", "12450.00", "20.00"),
            ("Capteurs et tablettes", "8", "890.50", "20.00"),
        ],
        Decimal("5000.00"),
    ),
    (
        "cfa-nord",
        "Salle de réalité virtuelle sécurité chantier",
        "Équipements numériques",
        RequestStatus.ACCEPTED,
        Decimal("38500.00"),
        [
            ("Casques de réalité virtuelle", "12", "1490.00", "20.00"),
            ("Licences simulateur travail en hauteur", "12", "1850.00", "20.00"),
        ],
        Decimal("0.00"),
    ),
]


def _campaign(world) -> Campaign:
    campaign = Campaign.objects.filter(year=2026).first()
    today = timezone.localdate()
    values = {"envelope": Decimal("2500000.00"), "max_amount_per_request": Decimal("150000.00")}
    if campaign is None or not is_believable(campaign):
        # Open "now", whatever the machine's date: the demo is meant to be tried.
        values["opens_at"] = at(today - datetime.timedelta(days=CAMPAIGN_OPENED_DAYS_AGO), *OPENS_AT)
        values["closes_at"] = at(today + datetime.timedelta(days=CAMPAIGN_CLOSES_IN_DAYS), *CLOSES_AT)
    campaign, _ = upsert(
        Campaign,
        {"year": 2026},
        {
            **values,
            "title": "Campagne d'investissement des CFA",
            "required_documents": "Devis détaillé de chaque équipement\nPlan de financement signé",
            "faq_url": "https://www.constructys.fr/digit-invest/faq",
            "procedure_url": "https://www.constructys.fr/digit-invest/procedure",
            "calendar_url": "https://www.constructys.fr/digit-invest/calendrier",
            "contact_email": DEFAULT_CONTACT_EMAIL,
        },
    )
    categories = [
        ExpenseCategory.objects.get_or_create(name=name, defaults={"position": n})[0]
        for n, name in enumerate(CATEGORIES, start=1)
    ]
    if set(campaign.categories.all()) != set(categories):
        campaign.categories.set(categories)
    return campaign


def _quote(world, investment, lines):
    if investment.quotes.exists():
        return
    content = render_pdf(
        title="Devis",
        subtitle=investment.title,
        facts=[("Client", investment.establishment.name), ("UAI", investment.establishment.uai)],
        headers=["Désignation", "Quantité", "Montant HT"],
        rows=[[d, q, euros(Decimal(q) * Decimal(p))] for d, q, p, _ in lines],
        total=euros(investment.total_ht),
        signature="Le service commercial du fournisseur",
    )
    quote = Quote(
        request=investment,
        name=f"Devis - {investment.title}.pdf",
        document="Devis détaillé de chaque équipement",  # the piece the demo campaign requires
        uploaded_by=investment.created_by,
    )
    quote.file.save(quote.name, ContentFile(content), save=False)
    quote.content_type, quote.size = "application/pdf", len(content)
    quote.checksum = hashlib.sha256(content).hexdigest()
    quote.save()


@transaction.atomic
def seed_invest(world) -> None:
    TermsVersion.objects.get_or_create(
        version="1", defaults={"body": "Conditions générales d'utilisation de Digit Invest."}
    )
    campaign = _campaign(world)
    referent = world.users["referent"]
    categories = {c.name: c for c in ExpenseCategory.objects.all()}
    for site, title, category, status, granted, lines, co_financing in REQUESTS:
        investment, created = upsert(
            InvestmentRequest,
            {"campaign": campaign, "establishment": world.sites[site], "title": title},
            {"created_by": referent, "category": categories[category], "co_financing": co_financing},
        )
        if created:
            for designation, quantity, price, rate in lines:
                RequestLine.objects.create(
                    request=investment,
                    designation=designation,
                    quantity=Decimal(quantity),
                    unit_price_ht=Decimal(price),
                    vat_rate=Decimal(rate),
                )
            recompute_totals(investment)
            decided = granted is not None
            InvestmentRequest.objects.filter(pk=investment.pk).update(
                status=status,
                granted_amount=granted,
                decided_by=world.users["gestionnaire"] if decided else None,
            )
        _date_within_the_campaign(investment, campaign, decided=granted is not None)
        _quote(world, investment, lines)


def _date_within_the_campaign(investment, campaign, *, decided):
    """Drafted, transmitted and decided in that order, between the campaign's opening and today (a campaign of an
    earlier run moved to today's window takes its requests with it)."""
    dates = {
        "created_at": campaign.opens_at + datetime.timedelta(days=SUBMITTED_AFTER_DAYS - 3, hours=1),
        "submitted_at": campaign.opens_at + datetime.timedelta(days=SUBMITTED_AFTER_DAYS, hours=2),
        "decided_at": campaign.opens_at + datetime.timedelta(days=DECIDED_AFTER_DAYS, hours=5) if decided else None,
    }
    if any(getattr(investment, name) != value for name, value in dates.items()):
        InvestmentRequest.objects.filter(pk=investment.pk).update(**dates)
