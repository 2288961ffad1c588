"""Digit Invest: the CFAs' yearly investment-request campaign.

- `Campaign`: one a year, opened and closed at set times, with its envelope, expense categories, maximum amount
  per request, required documents, resources (FAQ, procedure, calendar) and contact address.
- `InvestmentRequest`: filed by a CFA user for one of their CFA establishments (a provider establishment with a
  UAI), with its `RequestLine`s (totals computed) and `Quote`s (checked uploads).
- `TermsVersion` / `TermsAcceptance`: the Digit Invest terms, versioned, accepted at first access (the same idea
  as accounts' RGPD/CGU versions, kept here so that accounts needs no new kind of text).

Money is Decimal everywhere; the request's totals are stored (recomputed by services.recompute_totals whenever
its lines change) so that lists, filters and exports need no aggregation.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.models import Establishment, Membership, Portal
from dossiers.models import StoredFile

CENT = Decimal("0.01")
DEFAULT_CONTACT_EMAIL = "campagne-investcfa@constructys.fr"
DEFAULT_REQUIRED_DOCUMENT = "Devis"


def cents(value: Decimal) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


# --- Terms ---------------------------------------------------------------------------------------------------


class TermsVersionQuerySet(models.QuerySet):
    def in_force(self, now):
        """The versions published by `now`, the one in force first."""
        return self.filter(published_at__lte=now).order_by("-published_at")

    def current(self):
        """The latest published version (None before the first publication)."""
        return self.in_force(timezone.now()).first()


class TermsVersion(models.Model):
    version = models.CharField("version", max_length=20, unique=True)
    title = models.CharField("titre", max_length=200, default="Conditions générales d'utilisation de Digit Invest")
    body = models.TextField("texte", help_text="Texte simple ; les lignes vides séparent les paragraphes.")
    published_at = models.DateTimeField("en vigueur le", default=timezone.now)

    objects = TermsVersionQuerySet.as_manager()

    class Meta:
        verbose_name = "version des CGU Digit Invest"
        verbose_name_plural = "versions des CGU Digit Invest"
        ordering = ["-published_at"]

    def __str__(self):
        return f"CGU Digit Invest — version {self.version}"


class TermsAcceptance(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False)
    version = models.ForeignKey(TermsVersion, on_delete=models.PROTECT, related_name="acceptances")
    accepted_at = models.DateTimeField("acceptées le", default=timezone.now)

    class Meta:
        verbose_name = "acceptation des CGU Digit Invest"
        verbose_name_plural = "acceptations des CGU Digit Invest"
        constraints = [models.UniqueConstraint(fields=["user", "version"], name="invest_terms_once_per_version")]

    def __str__(self):
        return f"{self.user} — {self.version}"


# --- Campaigns -----------------------------------------------------------------------------------------------


class ExpenseCategory(models.Model):
    name = models.CharField("libellé", max_length=100, unique=True)
    position = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        verbose_name = "catégorie de dépense"
        verbose_name_plural = "catégories de dépense"
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class CampaignQuerySet(models.QuerySet):
    def open_at(self, when=None):
        when = when or timezone.now()
        return self.filter(opens_at__lte=when, closes_at__gt=when)


class Campaign(models.Model):
    year = models.PositiveSmallIntegerField("année", unique=True)
    title = models.CharField("intitulé", max_length=200, default="Campagne d'investissement des CFA")
    opens_at = models.DateTimeField("ouverture le")
    closes_at = models.DateTimeField("clôture le", help_text="Plus aucune demande ne peut être transmise ensuite.")
    envelope = models.DecimalField("enveloppe", max_digits=14, decimal_places=2, validators=[MinValueValidator(0)])
    max_amount_per_request = models.DecimalField(
        "montant maximum par demande", max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    categories = models.ManyToManyField(ExpenseCategory, verbose_name="catégories de dépense", related_name="+")
    required_documents = models.TextField(
        "pièces à joindre",
        blank=True,
        help_text="Une pièce par ligne (devis, plan de financement signé…) : une demande ne peut être transmise "
        "qu'avec chacune d'elles. Vide : un devis est demandé. Renommer une pièce la redemande aux brouillons "
        "qui l'avaient jointe.",
    )
    faq_url = models.URLField("FAQ", blank=True)
    procedure_url = models.URLField("procédure", blank=True)
    calendar_url = models.URLField("calendrier", blank=True)
    contact_email = models.EmailField("adresse de contact", default=DEFAULT_CONTACT_EMAIL)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = "campagne"
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(condition=Q(closes_at__gt=models.F("opens_at")), name="campaign_dates_in_order")
        ]

    def __str__(self):
        return f"Campagne {self.year}"

    def is_open(self, when=None) -> bool:
        when = when or timezone.now()
        return self.opens_at <= when < self.closes_at

    @property
    def required_document_list(self) -> list[str]:
        """The pieces every request of the campaign must carry, in the admin's order (a quote when none is set)."""
        lines = [" ".join(line.split()) for line in self.required_documents.splitlines() if line.strip()]
        return list(dict.fromkeys(lines)) or [DEFAULT_REQUIRED_DOCUMENT]

    @property
    def resources(self) -> list[tuple[str, str]]:
        return [
            (label, url)
            for label, url in (
                ("FAQ", self.faq_url),
                ("Procédure", self.procedure_url),
                ("Calendrier", self.calendar_url),
            )
            if url
        ]


# --- Requests ------------------------------------------------------------------------------------------------


class RequestStatus(models.TextChoices):
    DRAFT = "draft", "Brouillon"
    SUBMITTED = "submitted", "Transmise"
    UNDER_REVIEW = "under_review", "En cours d'instruction"
    ACCEPTED = "accepted", "Acceptée"
    REFUSED = "refused", "Refusée"
    PAID = "paid", "Payée"


def cfa_memberships():
    """Active oGestion memberships on a CFA establishment (a provider establishment with a UAI)."""
    return Membership.objects.for_portal(Portal.OGESTION).exclude(establishment__uai="")


class InvestmentRequestQuerySet(models.QuerySet):
    def for_cfa_user(self, user, establishment_ids=None):
        """The requests of the CFA establishments the user is attached to (optionally narrowed to some)."""
        mine = cfa_memberships().filter(user=user).values("establishment_id")
        queryset = self.filter(establishment_id__in=mine)
        if establishment_ids is not None:
            queryset = queryset.filter(establishment_id__in=establishment_ids)
        return queryset


class InvestmentRequest(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="requests", verbose_name="campagne")
    establishment = models.ForeignKey(
        Establishment, on_delete=models.PROTECT, related_name="investment_requests", verbose_name="CFA"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="créée par"
    )
    title = models.CharField("intitulé du projet", max_length=200)
    description = models.TextField("description du projet", blank=True)
    category = models.ForeignKey(
        ExpenseCategory, on_delete=models.PROTECT, related_name="+", verbose_name="catégorie de dépense"
    )
    co_financing = models.DecimalField(
        "cofinancements obtenus",
        max_digits=12,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(0)],
        help_text="Montant TTC apporté par d'autres financeurs (Région, fonds propres…).",
    )
    co_financing_details = models.CharField("détail des cofinancements", max_length=300, blank=True)
    total_ht = models.DecimalField("total HT", max_digits=12, decimal_places=2, default=Decimal("0"))
    total_vat = models.DecimalField("total TVA", max_digits=12, decimal_places=2, default=Decimal("0"))
    total_ttc = models.DecimalField("total TTC", max_digits=12, decimal_places=2, default=Decimal("0"))
    status = models.CharField("statut", max_length=12, choices=RequestStatus.choices, default=RequestStatus.DRAFT)
    submitted_at = models.DateTimeField("transmise le", null=True, blank=True)
    decided_at = models.DateTimeField("décidée le", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="décidée par",
    )
    granted_amount = models.DecimalField("montant accordé", max_digits=12, decimal_places=2, null=True, blank=True)
    refusal_reason = models.TextField("motif du refus", blank=True)
    paid_at = models.DateTimeField("payée le", null=True, blank=True)
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    objects = InvestmentRequestQuerySet.as_manager()

    class Meta:
        verbose_name = "demande d'investissement"
        verbose_name_plural = "demandes d'investissement"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["establishment", "-created_at"], name="invest_request_establishment"),
            models.Index(fields=["campaign", "status"], name="invest_request_campaign"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(granted_amount__isnull=True) | Q(granted_amount__gte=0), name="invest_granted_positive"
            )
        ]

    def __str__(self):
        return f"{self.reference} — {self.title}"

    @property
    def reference(self) -> str:
        return f"DI{self.campaign.year}-{self.pk or 0:05d}"

    @property
    def requested_amount(self) -> Decimal:
        """What the CFA asks Constructys for: the total TTC less the co-financing."""
        return max(self.total_ttc - self.co_financing, Decimal("0.00"))

    @property
    def is_draft(self) -> bool:
        return self.status == RequestStatus.DRAFT

    def is_editable(self, when=None) -> bool:
        return self.is_draft and self.campaign.is_open(when)


class VatRate(models.TextChoices):
    NORMAL = "20.00", "20 %"
    INTERMEDIATE = "10.00", "10 %"
    REDUCED = "5.50", "5,5 %"
    SUPER_REDUCED = "2.10", "2,1 %"
    NONE = "0.00", "0 %"


class RequestLine(models.Model):
    request = models.ForeignKey(InvestmentRequest, on_delete=models.CASCADE, related_name="lines")
    designation = models.CharField("désignation", max_length=200)
    quantity = models.DecimalField(
        "quantité", max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    unit_price_ht = models.DecimalField(
        "prix unitaire HT", max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    vat_rate = models.DecimalField(
        "taux de TVA",
        max_digits=4,
        decimal_places=2,
        choices=[(Decimal(value), label) for value, label in VatRate.choices],
        default=Decimal("20.00"),
    )

    class Meta:
        verbose_name = "ligne de dépense"
        verbose_name_plural = "lignes de dépense"
        ordering = ["id"]

    def __str__(self):
        return self.designation

    @property
    def total_ht(self) -> Decimal:
        return cents(self.quantity * self.unit_price_ht)

    @property
    def total_vat(self) -> Decimal:
        return cents(self.total_ht * self.vat_rate / 100)

    @property
    def total_ttc(self) -> Decimal:
        return self.total_ht + self.total_vat


class Quote(StoredFile):
    """A quote (or another required piece) attached to a request: checked like every upload of the portal and
    served only through the request's permission-checked download view."""

    request = models.ForeignKey(InvestmentRequest, on_delete=models.CASCADE, related_name="quotes")
    # The campaign's required piece this file is ("Plan de financement signé"); empty: another document.
    document = models.CharField("pièce", max_length=200, blank=True)

    class Meta:
        verbose_name = "pièce jointe"
        verbose_name_plural = "pièces jointes"
        ordering = ["uploaded_at", "id"]
