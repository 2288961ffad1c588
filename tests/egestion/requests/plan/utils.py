"""Builders of the skills-plan request tests (also used by tests/funding/test_plan.py and the bench of queries)."""

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from dossiers.models import Scheme
from funding import plan, services
from funding.models import CompanySize, FundingRequest, FundingRule, RequestKind
from tests.factories import PersonFactory, ProviderEstablishmentFactory


def training_data(start: date | None = None, **changes) -> dict:
    start = start or timezone.localdate() + timedelta(days=30)
    return {
        "plan_effectif": CompanySize.FROM_11_TO_49,
        "plan_intitule": "Habilitation électrique et travail en hauteur",
        "plan_objectif": "Intervenir en sécurité sur les chantiers.",
        "plan_type_action": "formation",
        "plan_modalite": "presentiel",
        "plan_date_debut": start.isoformat(),
        "plan_date_fin": (start + timedelta(days=60)).isoformat(),
        "plan_duree_heures": "70",
        "plan_lieu": "Rennes",
        **changes,
    }


def rule(year: int, size=CompanySize.FROM_11_TO_49, **values) -> FundingRule:
    defaults = {"hourly_ceiling": Decimal("25"), "funding_rate": Decimal("100"), "annex_hourly_ceiling": Decimal("5")}
    return FundingRule.objects.create(year=year, scheme=Scheme.PLAN, company_size=size, **{**defaults, **values})


def trainee_person(company, **values):
    """A person with every field a trainee needs (NIR consistent with sex and birth date)."""
    return PersonFactory(organisation=company, **values)


def plan_draft(user, establishment, **data) -> FundingRequest:
    return services.create_draft(
        user=user, establishment=establishment, kind=RequestKind.PLAN, initial_data=training_data(**data)
    )


def complete_plan(user, establishment, *, modules: int = 2, trainees: int = 3, provider=None) -> FundingRequest:
    """A plan draft every rule accepts (documents aside): `modules` modules of 21 hours, each followed by every
    one of `trainees` trainees, all at the same registered provider."""
    draft = plan_draft(user, establishment)
    provider = provider or ProviderEstablishmentFactory()
    added = []
    for _ in range(trainees):
        trainee = plan.add_trainee(draft, trainee_person(establishment.organisation))
        trainee.category = "ouvrier"
        trainee.save(update_fields=["category"])
        added.append(trainee)
    dates = plan.training_dates(draft.data)
    for number in range(modules):
        module = plan.add_module(draft)
        plan.save_module(
            module,
            values={
                "title": f"Module {number + 1}",
                "start_date": dates["start"],
                "end_date": dates["end"],
                "hours": Decimal("21"),
                "teaching_cost": Decimal("1500"),
                "travel_cost": Decimal("100"),
                "meal_cost": Decimal("60"),
                "lodging_cost": Decimal("0"),
            },
            trainees=added,
        )
        plan.choose_provider(module, provider)
    return draft
