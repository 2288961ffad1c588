"""Funding requests ("demandes de prise en charge") a company prepares before they become dossiers.

A request is a draft while the company fills it in; its data is a flat mapping keyed by the identifiers of the
form it follows (for the apprenticeship contract: the CERFA field ids of dossiers.cerfa), so that the rule engine,
the wizard, the PDF and the transmission read one structure. Transmission turns it into a Dossier.
"""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.models import PORTAL_ROLES, Establishment, Membership, Portal
from dossiers.cerfa import RETAKE_AFTER_FAILURE
from dossiers.cerfa.codes import RUPTURE_INITIATIVE, RUPTURE_MOTIF
from dossiers.cerfa.normalise import parse_bool
from dossiers.models import Dossier, Scheme, StoredFile


class RequestKind(models.TextChoices):
    APPRENTICESHIP = "apprenticeship", "Contrat d'apprentissage"
    PLAN = "plan", "Plan de développement des compétences"
    # A change of an accepted apprenticeship contract (CERFA FA13 types 31-38), on its dossier (funding.avenants).
    AVENANT = "avenant", "Avenant au contrat d'apprentissage"


class RequestStatus(models.TextChoices):
    DRAFT = "draft", "Brouillon"
    SUBMITTED = "submitted", "Transmise"
    # The case manager's decision on an avenant (a new contract becomes a dossier, instructed there instead).
    ACCEPTED = "accepted", "Acceptée"
    INCOMPLETE = "incomplete", "Incomplète"
    REFUSED = "refused", "Refusée"


class FundingRequestQuerySet(models.QuerySet):
    def for_company_user(self, user, establishments=None):
        """Requests of the employer establishments the user is attached to (optionally narrowed to some)."""
        visible = Membership.objects.filter(user=user, role__in=PORTAL_ROLES[Portal.EGESTION]).values(
            "establishment_id"
        )
        queryset = self.filter(employer_establishment__in=visible)
        if establishments is not None:
            queryset = queryset.filter(employer_establishment__in=establishments)
        return queryset

    def proposed_for_provider_user(self, user, establishments=None):
        """Drafts the CFA establishments the user is attached to in oGestion proposed (optionally narrowed)."""
        visible = Membership.objects.filter(user=user, role__in=PORTAL_ROLES[Portal.OGESTION]).values(
            "establishment_id"
        )
        queryset = self.filter(proposed_by_provider__in=visible)
        if establishments is not None:
            queryset = queryset.filter(proposed_by_provider__in=establishments)
        return queryset

    def drafts(self):
        return self.filter(status=RequestStatus.DRAFT)


class FundingRequest(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField("type de demande", max_length=20, choices=RequestKind.choices)
    status = models.CharField("état", max_length=10, choices=RequestStatus.choices, default=RequestStatus.DRAFT)
    employer_establishment = models.ForeignKey(
        Establishment,
        on_delete=models.PROTECT,
        related_name="funding_requests",
        verbose_name="établissement employeur",
        db_index=False,  # funding_request_employer leads with it
    )
    data = models.JSONField("données saisies", default=dict, blank=True)
    # The last step the user saved, so that a resumed draft opens where they left it.
    current_step = models.CharField("dernière étape", max_length=30, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="créée par"
    )
    created_at = models.DateTimeField("créée le", default=timezone.now)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)
    submitted_at = models.DateTimeField("transmise le", null=True, blank=True)
    dossier = models.OneToOneField(
        Dossier, on_delete=models.PROTECT, null=True, blank=True, related_name="funding_request"
    )
    # An avenant: the dossier of the contract it changes, its sequence on that contract (1, 2…) and the decision.
    amended_dossier = models.ForeignKey(
        Dossier,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="avenants",
        verbose_name="contrat modifié",
    )
    avenant_sequence = models.PositiveSmallIntegerField("n° d'avenant", null=True, blank=True)
    decision_note = models.TextField("motif / pièces manquantes", blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="instruite par",
    )
    decided_at = models.DateTimeField("instruite le", null=True, blank=True)
    # A draft a CFA's software filed through the API (oGestion key) for the employer to complete, sign and transmit.
    proposed_by_provider = models.ForeignKey(
        Establishment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposed_requests",
        verbose_name="proposée par le CFA",
    )
    # The employer's first change of a proposed draft: from then on the CFA's key only reads it.
    employer_took_over_at = models.DateTimeField("reprise par l'employeur le", null=True, blank=True)

    objects = FundingRequestQuerySet.as_manager()

    class Meta:
        verbose_name = "demande de prise en charge"
        verbose_name_plural = "demandes de prise en charge"
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["employer_establishment", "status", "-updated_at"], name="funding_request_employer")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["amended_dossier", "avenant_sequence"],
                condition=models.Q(amended_dossier__isnull=False),
                name="funding_request_avenant_sequence",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.employer_establishment.name} ({self.get_status_display()})"

    @property
    def is_draft(self) -> bool:
        return self.status == RequestStatus.DRAFT

    @property
    def avenant_number(self) -> str:
        """ "9930000001.01-AV1": the contract's dossier number and the avenant's sequence on it."""
        if self.amended_dossier_id is None or not self.avenant_sequence:
            return ""
        return f"{self.amended_dossier.number}-AV{self.avenant_sequence}"

    @property
    def retakes_diploma_after_failure(self) -> bool:
        """An apprenticeship contract whose apprentice prepares the same diploma again after a failed exam, with
        another employer (L. 6222-11 2°): the upper age limit does not apply, so the case manager checks the case
        (previous contract, exam result)."""
        return (
            self.kind == RequestKind.APPRENTICESHIP and parse_bool((self.data or {}).get(RETAKE_AFTER_FAILURE)) is True
        )


class RequestDocumentKind(models.TextChoices):
    SIGNED_CERFA = "cerfa", "CERFA signé"
    TRAINING_AGREEMENT = "training_agreement", "Convention de formation signée"
    QUOTE = "quote", "Devis"
    PROGRAMME = "programme", "Programme de formation"
    OTHER = "other", "Autre pièce"


def request_document_upload_to(instance, filename):
    # Generated name: the user's file name is only kept for display (`name`).
    return f"requests/{uuid.uuid4().hex[:2]}/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()[:10]}"


class RequestDocument(StoredFile):
    """A file attached to a request before transmission; it becomes a received document of the dossier."""

    request = models.ForeignKey(FundingRequest, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField("pièce", max_length=20, choices=RequestDocumentKind.choices)
    file = models.FileField("fichier", upload_to=request_document_upload_to, max_length=255)

    class Meta:
        verbose_name = "pièce jointe de demande"
        verbose_name_plural = "pièces jointes de demande"
        ordering = ["kind", "uploaded_at"]


# --- the skills-plan request ("Plan de développement des compétences") ---------------------------------------------
# The training itself (title, objective, type, mode, dates, hours, place, company size) is in FundingRequest.data
# like the CERFA's fields; its trainees and modules are rows, so that a person is enrolled once per request whatever
# the number of modules they follow, and a module's provider is a real establishment of the registry.


class CompanySize(models.TextChoices):
    """Size bands of the company the funding rules are set for."""

    UNDER_11 = "lt11", "Moins de 11 salariés"
    FROM_11_TO_49 = "11-49", "De 11 à 49 salariés"
    FROM_50_TO_299 = "50-299", "De 50 à 299 salariés"
    FROM_300 = "300+", "300 salariés et plus"


class ActionType(models.TextChoices):
    TRAINING = "formation", "Action de formation"
    SKILLS_ASSESSMENT = "bilan", "Bilan de compétences"
    VAE = "vae", "Validation des acquis de l'expérience (VAE)"
    APPRENTICESHIP_TRAINING = "alternance", "Action de formation par apprentissage"


class TrainingMode(models.TextChoices):
    ON_SITE = "presentiel", "Présentiel"
    REMOTE = "distance", "À distance"
    MIXED = "mixte", "Mixte"


class TraineeCategory(models.TextChoices):
    WORKER = "ouvrier", "Ouvrier"
    ETAM = "etam", "ETAM (employé, technicien, agent de maîtrise)"
    EXECUTIVE = "cadre", "Cadre"
    MANAGER = "dirigeant", "Dirigeant salarié"


class PlanTrainee(models.Model):
    """A person of the company trained under a plan request; the modules they follow are PlanModule.trainees."""

    request = models.ForeignKey(FundingRequest, on_delete=models.CASCADE, related_name="plan_trainees")
    person = models.ForeignKey(
        "accounts.Person", on_delete=models.PROTECT, related_name="plan_trainees", verbose_name="stagiaire"
    )
    job_title = models.CharField("emploi occupé", max_length=200, blank=True)
    category = models.CharField("catégorie", max_length=20, choices=TraineeCategory.choices, blank=True)
    created_at = models.DateTimeField("ajouté le", default=timezone.now)

    class Meta:
        verbose_name = "stagiaire de la demande"
        verbose_name_plural = "stagiaires de la demande"
        ordering = ["person__last_name", "person__first_name", "id"]
        constraints = [models.UniqueConstraint(fields=["request", "person"], name="plan_trainee_unique_person")]

    def __str__(self):
        return str(self.person)


class PlanModule(models.Model):
    """A module of a plan request: its training provider (an establishment of the registry, or an unknown one
    entered by SIRET, flagged for the case manager), dates, hours, costs and trainees."""

    request = models.ForeignKey(FundingRequest, on_delete=models.CASCADE, related_name="plan_modules")
    title = models.CharField("intitulé du module", max_length=255, blank=True)
    provider_establishment = models.ForeignKey(
        Establishment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="organisme de formation",
    )
    provider_siret = models.CharField(
        "SIRET de l'organisme non référencé",
        max_length=14,
        blank=True,
        help_text="Organisme absent du référentiel, saisi par SIRET : à vérifier par le gestionnaire.",
    )
    provider_name = models.CharField("raison sociale de l'organisme non référencé", max_length=200, blank=True)
    start_date = models.DateField("date de début", null=True, blank=True)
    end_date = models.DateField("date de fin", null=True, blank=True)
    hours = models.DecimalField("durée (heures)", max_digits=7, decimal_places=2, null=True, blank=True)
    teaching_cost = models.DecimalField(
        "coût pédagogique HT (€)", max_digits=10, decimal_places=2, null=True, blank=True
    )
    travel_cost = models.DecimalField("frais de transport (€)", max_digits=10, decimal_places=2, null=True, blank=True)
    meal_cost = models.DecimalField("frais de repas (€)", max_digits=10, decimal_places=2, null=True, blank=True)
    lodging_cost = models.DecimalField(
        "frais d'hébergement (€)", max_digits=10, decimal_places=2, null=True, blank=True
    )
    trainees = models.ManyToManyField(PlanTrainee, related_name="modules", blank=True, verbose_name="stagiaires")
    created_at = models.DateTimeField("créé le", default=timezone.now)

    class Meta:
        verbose_name = "module de la demande"
        verbose_name_plural = "modules de la demande"
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.title or f"Module {self.pk}"

    @property
    def provider_is_unknown(self) -> bool:
        return self.provider_establishment_id is None and bool(self.provider_siret)


class FundingRule(models.Model):
    """How much Constructys funds, per year, scheme and company size (set by staff in the admin; nothing of it is
    written in the code): the teaching cost up to an hourly ceiling per trainee, annex costs up to theirs."""

    year = models.PositiveSmallIntegerField("année")
    scheme = models.CharField("dispositif", max_length=4, choices=Scheme.choices, default=Scheme.PLAN)
    company_size = models.CharField("effectif de l'entreprise", max_length=10, choices=CompanySize.choices)
    hourly_ceiling = models.DecimalField(
        "plafond horaire du coût pédagogique (€ HT par heure et par stagiaire)", max_digits=8, decimal_places=2
    )
    funding_rate = models.DecimalField(
        "taux de prise en charge du coût pédagogique (%)", max_digits=5, decimal_places=2, default=100
    )
    annex_hourly_ceiling = models.DecimalField(
        "plafond horaire des frais annexes (€ par heure et par stagiaire)",
        max_digits=8,
        decimal_places=2,
        default=0,
        help_text="0 : les frais annexes (transport, repas, hébergement) ne sont pas pris en charge.",
    )

    class Meta:
        verbose_name = "règle de financement"
        verbose_name_plural = "règles de financement"
        ordering = ["-year", "scheme", "company_size"]
        constraints = [
            models.UniqueConstraint(fields=["year", "scheme", "company_size"], name="funding_rule_unique"),
            models.CheckConstraint(
                condition=models.Q(funding_rate__gte=0, funding_rate__lte=100), name="funding_rule_rate_percent"
            ),
        ]

    def __str__(self):
        return f"{self.year} — {self.scheme} — {self.get_company_size_display()}"


# --- after transmission: the rupture of an apprenticeship contract -------------------------------------------------


class ContractRupture(models.Model):
    """The employer's declaration that an accepted apprenticeship contract was broken (L. 6222-18 and following):
    the date, the official reason, who took the initiative and the signed document when the reason needs one.
    Declaring it ends the dossier at that date ("Rompu le …"); funding.ruptures is the one place that writes it."""

    dossier = models.OneToOneField(Dossier, on_delete=models.PROTECT, related_name="rupture", verbose_name="dossier")
    rupture_date = models.DateField("date de la rupture")
    reason = models.CharField("motif", max_length=2)
    initiative = models.CharField("à l'initiative de", max_length=10)
    previous_end_date = models.DateField("date de fin prévue au contrat")
    # The practical-training days counted for the "45 premiers jours" reason, and whether they are an estimate.
    practical_days = models.PositiveIntegerField("jours de formation pratique", null=True, blank=True)
    practical_days_estimated = models.BooleanField("jours estimés", default=False)
    document = models.ForeignKey(
        "dossiers.Document",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="document signé",
    )
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="déclarée par"
    )
    declared_at = models.DateTimeField("déclarée le", default=timezone.now)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="prise en compte par",
    )
    acknowledged_at = models.DateTimeField("prise en compte le", null=True, blank=True)

    class Meta:
        verbose_name = "rupture de contrat d'apprentissage"
        verbose_name_plural = "ruptures de contrats d'apprentissage"
        ordering = ["-declared_at", "-id"]
        indexes = [models.Index(fields=["acknowledged_at", "-declared_at"], name="rupture_queue")]

    def __str__(self):
        return f"{self.dossier.number} — rompu le {self.rupture_date:%d/%m/%Y}"

    @property
    def reason_label(self) -> str:
        return RUPTURE_MOTIF.label(self.reason) or self.reason

    @property
    def initiative_label(self) -> str:
        return RUPTURE_INITIATIVE.label(self.initiative) or self.initiative
