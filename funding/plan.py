"""The skills-plan funding request ("Demande de prise en charge Plan de développement des compétences"): its
training fields, its trainees and modules, the rules a request must satisfy to be transmitted, and the funding
estimate computed from the rules staff configure per year in the admin (FundingRule).

    content = load_plan(request)                    # trainees (with their persons) and modules: 3 queries
    problems = plan_problems(request, content)      # [Problem(section, anchor, label, message)], empty: complete
    estimate = estimate_plan(request, content)      # per module and in total: 1 query (the rules)

Drafts never refuse a value: what is missing or wrong is reported by `plan_problems`, and only the transmission
(funding/transmission.py, which calls it) requires a complete request. The NIR checks are the CERFA's
(dossiers.cerfa.identifiers), so that an apprentice and a trainee are checked alike.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Civility, Establishment, OrganisationKind, Person
from dossiers.cerfa import identifiers
from dossiers.cerfa.normalise import parse_date, parse_decimal
from dossiers.models import Scheme
from funding.models import (
    ActionType,
    CompanySize,
    FundingRequest,
    FundingRule,
    PlanModule,
    PlanTrainee,
    RequestDocumentKind,
    RequestKind,
    TraineeCategory,
    TrainingMode,
)
from funding.services import NOT_A_DRAFT

# --- the training: fields kept in FundingRequest.data ----------------------------------------------------------


@dataclass(frozen=True)
class TrainingField:
    id: str
    label: str
    kind: str = "text"  # text, textarea, choice, date, decimal
    choices: tuple = ()
    help: str = ""


TRAINING_FIELDS: tuple[TrainingField, ...] = (
    TrainingField(
        "plan_effectif",
        "Effectif de l'entreprise",
        "choice",
        tuple(CompanySize.choices),
        "Le barème de prise en charge dépend de l'effectif de l'entreprise.",
    ),
    TrainingField("plan_intitule", "Intitulé de la formation"),
    TrainingField("plan_objectif", "Objectif de la formation", "textarea"),
    TrainingField("plan_type_action", "Type d'action", "choice", tuple(ActionType.choices)),
    TrainingField("plan_modalite", "Modalité", "choice", tuple(TrainingMode.choices)),
    TrainingField("plan_date_debut", "Date de début de la formation", "date"),
    TrainingField("plan_date_fin", "Date de fin de la formation", "date"),
    TrainingField("plan_duree_heures", "Durée totale (heures)", "decimal"),
    TrainingField(
        "plan_lieu", "Lieu de la formation", help="Ville ou adresse ; facultatif pour une formation à distance."
    ),
)
TRAINING_FIELDS_BY_ID = {f.id: f for f in TRAINING_FIELDS}

# The pieces of a plan request: the quote and the programme are required, the agreement when there is one.
REQUIRED_DOCUMENTS = [RequestDocumentKind.QUOTE, RequestDocumentKind.PROGRAMME]
UPLOAD_KINDS = (
    RequestDocumentKind.QUOTE,
    RequestDocumentKind.PROGRAMME,
    RequestDocumentKind.TRAINING_AGREEMENT,
    RequestDocumentKind.OTHER,
)


def training_title(data: dict) -> str:
    return str(data.get("plan_intitule") or "")


# --- what a request holds ---------------------------------------------------------------------------------------


@dataclass
class PlanContent:
    trainees: list[PlanTrainee]
    modules: list[PlanModule]
    module_trainees: dict[int, list[PlanTrainee]]  # module pk → its trainees
    trainee_modules: dict[int, list[PlanModule]]  # trainee pk → the modules they follow

    def trainees_of(self, module: PlanModule) -> list[PlanTrainee]:
        return self.module_trainees.get(module.pk, [])

    def modules_of(self, trainee: PlanTrainee) -> list[PlanModule]:
        return self.trainee_modules.get(trainee.pk, [])


def load_plan(request: FundingRequest) -> PlanContent:
    """The request's trainees (with their persons) and modules (with their providers): three queries whatever
    their number."""
    trainees = list(PlanTrainee.objects.filter(request=request).select_related("person"))
    modules = list(PlanModule.objects.filter(request=request).select_related("provider_establishment"))
    links = PlanModule.trainees.through.objects.filter(planmodule__request=request).values_list(
        "planmodule_id", "plantrainee_id"
    )
    by_pk = {trainee.pk: trainee for trainee in trainees}
    modules_by_pk = {module.pk: module for module in modules}
    module_trainees, trainee_modules = defaultdict(list), defaultdict(list)
    for module_id, trainee_id in links.order_by("planmodule_id", "plantrainee_id"):
        if trainee_id in by_pk and module_id in modules_by_pk:
            module_trainees[module_id].append(by_pk[trainee_id])
            trainee_modules[trainee_id].append(modules_by_pk[module_id])
    order = {trainee.pk: position for position, trainee in enumerate(trainees)}
    for listed in module_trainees.values():
        listed.sort(key=lambda trainee: order[trainee.pk])
    return PlanContent(trainees, modules, dict(module_trainees), dict(trainee_modules))


# --- the rules ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    section: str  # formation, stagiaires, modules, documents: the step to correct it in
    anchor: str  # the field (or block) on that step, or "module-<pk>" / "stagiaire-<pk>"
    label: str
    message: str


def normalise_nir(value: str) -> str:
    """Spaces removed, upper case; a 15-character NIR whose key is right loses its key (13 characters kept)."""
    nir = "".join(str(value or "").split()).upper()
    if len(nir) == 15 and identifiers.nir_has_valid_key(nir):
        return nir[:13]
    return nir


def nir_problems(nir: str, *, civility: str, birth_date: date | None) -> list[str]:
    """The CERFA's NIR checks for a trainee: 13 characters, then consistent with sex and birth date."""
    if not nir:
        return ["Le NIR est obligatoire (13 premiers caractères du n° de sécurité sociale)."]
    if len(nir) != 13 or not identifiers.nir_has_valid_format(nir):
        return [
            "Le NIR comporte 13 caractères : sexe (1 ou 2), année et mois de naissance, département (2A/2B pour "
            "la Corse), commune et numéro d'ordre."
        ]
    messages = []
    sex = {Civility.MONSIEUR: "M", Civility.MADAME: "F"}.get(civility)
    if sex:
        messages.append(identifiers.nir_sex_mismatch(nir, sex))
    if birth_date:
        messages.append(identifiers.nir_year_mismatch(nir, birth_date))
        messages.append(identifiers.nir_month_mismatch(nir, birth_date))
    return [message for message in messages if message]


def trainee_problems(trainee: PlanTrainee, *, today: date) -> list[tuple[str, str]]:
    """(field, message) for a trainee: identity, NIR, birth date and full address (required since 10 May 2021),
    job and category."""
    person = trainee.person
    found = []
    required = [
        ("civility", "Civilité", person.civility),
        ("last_name", "Nom", person.last_name),
        ("first_name", "Prénom", person.first_name),
        ("birth_date", "Date de naissance", person.birth_date),
        ("address_line1", "Adresse", person.address_line1),
        ("postal_code", "Code postal", person.postal_code),
        ("city", "Commune", person.city),
        ("job_title", "Emploi occupé", trainee.job_title),
        ("category", "Catégorie", trainee.category),
    ]
    for field_id, label, value in required:
        if value in (None, ""):
            found.append((field_id, f"{label} : à renseigner."))
    for message in nir_problems(person.nir, civility=person.civility, birth_date=person.birth_date):
        found.append(("nir", f"NIR : {message}"))
    if person.birth_date and person.birth_date >= today:
        found.append(("birth_date", "Date de naissance : elle doit être passée."))
    if person.postal_code and not (len(person.postal_code) == 5 and person.postal_code.isdigit()):
        found.append(("postal_code", "Code postal : il comporte 5 chiffres."))
    if trainee.category and trainee.category not in TraineeCategory.values:
        found.append(("category", "Catégorie : choisissez-la dans la liste."))
    return found


def module_label(module: PlanModule, position: int) -> str:
    return f"Module {position}" + (f" « {module.title} »" if module.title else "")


def module_problems(module: PlanModule, trainees: list[PlanTrainee], training: dict) -> list[tuple[str, str]]:
    found = []
    if module.provider_establishment_id is None and not module.provider_siret:
        found.append(("provider", "Organisme de formation : choisissez-le dans le référentiel ou saisissez son SIRET."))
    if module.provider_is_unknown and not identifiers.is_valid_siret(module.provider_siret):
        found.append(("provider", "Organisme de formation : le SIRET saisi n'est pas valide."))
    if module.start_date is None:
        found.append(("start_date", "Date de début : à renseigner."))
    if module.end_date is None:
        found.append(("end_date", "Date de fin : à renseigner."))
    if module.start_date and module.end_date and module.end_date < module.start_date:
        found.append(("end_date", "Date de fin : elle ne peut pas précéder la date de début du module."))
    start, end = training.get("start"), training.get("end")
    if module.start_date and start and module.start_date < start:
        found.append(("start_date", f"Date de début : le module commence avant la formation (le {start:%d/%m/%Y})."))
    if module.end_date and end and module.end_date > end:
        found.append(("end_date", f"Date de fin : le module finit après la formation (le {end:%d/%m/%Y})."))
    if not module.hours or module.hours <= 0:
        found.append(("hours", "Durée : indiquez le nombre d'heures du module."))
    if module.teaching_cost is None:
        found.append(("teaching_cost", "Coût pédagogique HT : à renseigner (0 s'il n'y en a pas)."))
    for field_id, label in (
        ("teaching_cost", "Coût pédagogique HT"),
        ("travel_cost", "Frais de transport"),
        ("meal_cost", "Frais de repas"),
        ("lodging_cost", "Frais d'hébergement"),
    ):
        value = getattr(module, field_id)
        if value is not None and value < 0:
            found.append((field_id, f"{label} : le montant ne peut pas être négatif."))
    if not trainees:
        found.append(("trainees", "Stagiaires : cochez au moins un stagiaire qui suit ce module."))
    return found


def training_dates(data: dict) -> dict:
    return {"start": parse_date(data.get("plan_date_debut")), "end": parse_date(data.get("plan_date_fin"))}


def training_problems(data: dict, content: PlanContent, *, today: date) -> list[tuple[str, str]]:
    found = []
    for training_field in TRAINING_FIELDS:
        value = data.get(training_field.id)
        if value in (None, ""):
            if training_field.id == "plan_lieu" and data.get("plan_modalite") == TrainingMode.REMOTE:
                continue
            found.append((training_field.id, "à renseigner."))
        elif training_field.kind == "choice" and value not in dict(training_field.choices):
            found.append((training_field.id, "choisissez une valeur de la liste."))
        elif training_field.kind == "date" and parse_date(value) is None:
            found.append((training_field.id, "date invalide (jj/mm/aaaa)."))
        elif training_field.kind == "decimal":
            number = parse_decimal(value)
            if number is None or number <= 0:
                found.append((training_field.id, "indiquez un nombre d'heures supérieur à 0."))
    dates = training_dates(data)
    if dates["start"] and dates["end"] and dates["end"] < dates["start"]:
        found.append(("plan_date_fin", "elle ne peut pas précéder la date de début."))
    if dates["start"] and dates["start"] < today:
        found.append(("plan_date_debut", "la formation a déjà commencé : la demande doit être faite avant son début."))
    total = parse_decimal(data.get("plan_duree_heures"))
    module_hours = sum((module.hours or Decimal(0) for module in content.modules), Decimal(0))
    if total and total > 0 and module_hours > total:
        found.append(
            (
                "plan_duree_heures",
                f"les modules totalisent {format_hours(module_hours)} h, plus que la durée de la formation.",
            )
        )
    return found


def plan_problems(
    request: FundingRequest, content: PlanContent, *, documents=None, today: date | None = None
) -> list[Problem]:
    """Everything that prevents the transmission, in the order of the steps. `documents`: the attached
    RequestDocuments (their check is skipped when None)."""
    today = today or timezone.localdate()
    data = request.data or {}
    problems = [
        Problem("formation", field_id, TRAINING_FIELDS_BY_ID[field_id].label, message)
        for field_id, message in training_problems(data, content, today=today)
    ]
    if not content.trainees:
        problems.append(Problem("stagiaires", "stagiaires", "Stagiaires", "ajoutez au moins un stagiaire."))
    for trainee in content.trainees:
        label = str(trainee.person)
        for _field_id, message in trainee_problems(trainee, today=today):
            problems.append(Problem("stagiaires", f"stagiaire-{trainee.pk}", label, message))
        if not content.modules_of(trainee):
            problems.append(
                Problem(
                    "stagiaires",
                    f"stagiaire-{trainee.pk}",
                    label,
                    "Il ne suit aucun module : cochez-le dans un module ou retirez-le.",
                )
            )
    if not content.modules:
        problems.append(Problem("modules", "modules", "Modules", "ajoutez au moins un module."))
    dates = training_dates(data)
    for position, module in enumerate(content.modules, start=1):
        label = module_label(module, position)
        for _field_id, message in module_problems(module, content.trainees_of(module), dates):
            problems.append(Problem("modules", f"module-{module.pk}", label, message))
    if documents is not None:
        attached = {document.kind for document in documents}
        for kind in REQUIRED_DOCUMENTS:
            if kind not in attached:
                label = RequestDocumentKind(kind).label
                problems.append(
                    Problem("documents", "documents", "Documents", f"Pièce obligatoire manquante : {label}.")
                )
    return problems


# --- the funding estimate -----------------------------------------------------------------------------------------

CENT = Decimal("0.01")


def format_hours(value: Decimal) -> str:
    return f"{value.normalize():f}".replace(".", ",")


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class ModuleEstimate:
    module: PlanModule
    label: str
    trainee_count: int
    teaching_cost: Decimal
    annex_cost: Decimal
    funded_teaching: Decimal = Decimal(0)
    funded_annex: Decimal = Decimal(0)
    rule: FundingRule | None = None
    note: str = ""

    @property
    def total_cost(self) -> Decimal:
        return self.teaching_cost + self.annex_cost

    @property
    def funded(self) -> Decimal:
        return self.funded_teaching + self.funded_annex

    @property
    def company_part(self) -> Decimal:
        return self.total_cost - self.funded


@dataclass
class Estimate:
    modules: list[ModuleEstimate] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def total_cost(self) -> Decimal:
        return sum((line.total_cost for line in self.modules), Decimal(0))

    @property
    def funded(self) -> Decimal:
        return sum((line.funded for line in self.modules), Decimal(0))

    @property
    def company_part(self) -> Decimal:
        return self.total_cost - self.funded

    @property
    def is_complete(self) -> bool:
        """Every module could be estimated (a rule found, hours and trainees known)."""
        return bool(self.modules) and not self.notes and not any(line.note for line in self.modules)


def module_year(module: PlanModule, data: dict) -> int | None:
    start = module.start_date or parse_date(data.get("plan_date_debut"))
    return start.year if start else None


def rules_for(size: str, years) -> dict[int, FundingRule]:
    """The PLAN rules of these years for the company size: one query."""
    years = {year for year in years if year}
    if not size or not years:
        return {}
    rules = FundingRule.objects.filter(scheme=Scheme.PLAN, company_size=size, year__in=years)
    return {rule.year: rule for rule in rules}


def estimate_plan(request: FundingRequest, content: PlanContent, *, rules: dict | None = None) -> Estimate:
    """Per module: teaching cost funded at the rule's rate, up to its hourly ceiling × hours × trainees; annex
    costs (travel, meals, lodging) up to their own ceiling; the rest is the company's part. The rule is the one
    of the year the module starts, for the company size declared."""
    data = request.data or {}
    size = data.get("plan_effectif") or ""
    if rules is None:
        rules = rules_for(size, (module_year(module, data) for module in content.modules))
    estimate = Estimate()
    if size not in CompanySize.values:
        estimate.notes.append("Indiquez l'effectif de l'entreprise (étape Formation) pour estimer la prise en charge.")
    for position, module in enumerate(content.modules, start=1):
        count = len(content.trainees_of(module))
        annex = sum(
            (cost or Decimal(0) for cost in (module.travel_cost, module.meal_cost, module.lodging_cost)), Decimal(0)
        )
        line = ModuleEstimate(module, module_label(module, position), count, module.teaching_cost or Decimal(0), annex)
        estimate.modules.append(line)
        year = module_year(module, data)
        if size not in CompanySize.values:
            continue
        if year is None:
            line.note = "Indiquez les dates du module pour l'estimer."
            continue
        rule = rules.get(year)
        if rule is None:
            line.note = f"Aucune règle de financement n'est configurée pour {year} : estimation indisponible."
            continue
        if not module.hours or not count:
            line.note = "Indiquez la durée du module et ses stagiaires pour l'estimer."
            continue
        line.rule = rule
        trainee_hours = module.hours * count
        line.funded_teaching = _money(
            min(line.teaching_cost * rule.funding_rate / 100, rule.hourly_ceiling * trainee_hours)
        )
        line.funded_annex = _money(min(line.annex_cost, rule.annex_hourly_ceiling * trainee_hours))
    return estimate


# --- changing a draft (the portal's views call these) ------------------------------------------------------------


def _check_draft(request: FundingRequest) -> None:
    if not request.is_draft or request.kind != RequestKind.PLAN:
        raise ValidationError(NOT_A_DRAFT, code="submitted")


def provider_establishments():
    """The training providers' establishments of the registry."""
    return Establishment.objects.filter(organisation__kind=OrganisationKind.PROVIDER)


def search_providers(terms: str, *, limit: int = 20):
    """Providers by SIRET (or its beginning), NDA or name: one query, none for blank terms."""
    terms = " ".join(terms.split())
    if not terms:
        return []
    compact = terms.replace(" ", "")
    from django.db.models import Q

    condition = Q(name__unaccent__icontains=terms) | Q(sign__unaccent__icontains=terms)
    if compact.isdigit():
        condition |= Q(siret__startswith=compact) | Q(nda=compact)
    return list(
        provider_establishments().filter(condition).select_related("organisation").order_by("name", "siret")[:limit]
    )


@transaction.atomic
def add_trainee(request: FundingRequest, person: Person) -> PlanTrainee:
    """Add a person of the employer's organisation as a trainee of the request (once: a second add returns it)."""
    _check_draft(request)
    if person.organisation_id != request.employer_establishment.organisation_id:
        raise ValidationError("Cette personne n'appartient pas à votre entreprise.", code="scope")
    trainee, _ = PlanTrainee.objects.get_or_create(
        request=request, person=person, defaults={"job_title": person.job_title}
    )
    return trainee


@transaction.atomic
def save_trainee(trainee: PlanTrainee, *, person_values: dict, job_title: str, category: str) -> PlanTrainee:
    """Update the trainee's person (identity, NIR, birth date, address: the company's record) and their job and
    category in this request."""
    _check_draft(trainee.request)
    person = trainee.person
    for name, value in person_values.items():
        setattr(person, name, value)
    person.job_title = job_title
    person.save()
    trainee.job_title, trainee.category = job_title, category
    trainee.save(update_fields=["job_title", "category"])
    return trainee


@transaction.atomic
def create_trainee(request: FundingRequest, *, person_values: dict, job_title: str, category: str) -> PlanTrainee:
    """A new person of the employer's organisation, trainee of the request."""
    _check_draft(request)
    person = Person.objects.create(
        organisation_id=request.employer_establishment.organisation_id,
        establishment_id=request.employer_establishment_id,
        job_title=job_title,
        **person_values,
    )
    return PlanTrainee.objects.create(request=request, person=person, job_title=job_title, category=category)


@transaction.atomic
def remove_trainee(trainee: PlanTrainee) -> None:
    """The trainee leaves the request and its modules; the person stays in the company's records."""
    _check_draft(trainee.request)
    trainee.delete()


@transaction.atomic
def add_module(request: FundingRequest) -> PlanModule:
    """A new empty module; its dates start as the training's."""
    _check_draft(request)
    dates = training_dates(request.data or {})
    return PlanModule.objects.create(request=request, start_date=dates["start"], end_date=dates["end"])


@transaction.atomic
def save_module(module: PlanModule, *, values: dict, trainees: list[PlanTrainee]) -> PlanModule:
    """Save a module's fields and who follows it (`trainees` are the request's)."""
    _check_draft(module.request)
    for name, value in values.items():
        setattr(module, name, value)
    module.save()
    if any(trainee.request_id != module.request_id for trainee in trainees):
        raise ValidationError("Ce stagiaire n'est pas dans cette demande.", code="scope")
    module.trainees.set(trainees)
    return module


def choose_provider(
    module: PlanModule, establishment: Establishment | None, *, siret: str = "", name: str = ""
) -> None:
    """The module's provider: an establishment of the registry, or an unknown one by SIRET (checked), which the
    case manager will see flagged. A SIRET of the registry picks that establishment. Neither: no provider."""
    _check_draft(module.request)
    if establishment is None and siret:
        siret = "".join(siret.split())
        if not identifiers.is_valid_siret(siret):
            raise ValidationError("Le SIRET saisi n'est pas valide (14 chiffres, clé de contrôle).", code="siret")
        establishment = provider_establishments().filter(siret=siret).first()
    if establishment is not None:
        module.provider_establishment, module.provider_siret, module.provider_name = establishment, "", ""
    else:
        module.provider_establishment, module.provider_siret, module.provider_name = None, siret, name[:200]
    module.save(update_fields=["provider_establishment", "provider_siret", "provider_name"])


@transaction.atomic
def delete_module(module: PlanModule) -> None:
    _check_draft(module.request)
    module.delete()


def persons_of_dossier(content: PlanContent) -> list[Person]:
    """Who is enrolled in the dossier: every trainee who follows at least one module."""
    return [trainee.person for trainee in content.trainees if content.modules_of(trainee)]


def dossier_provider(content: PlanContent):
    """The provider the dossier names: the one of every module when they share it, otherwise none."""
    providers = {module.provider_establishment_id for module in content.modules}
    if len(providers) == 1 and None not in providers:
        return content.modules[0].provider_establishment
    return None
