"""The member account of a company (eGestion): contribution returns ("bordereau de collecte") per year and
establishment, computed with the rates Constructys configures per year in the admin (no rate in the code), and the
company's payments of its contributions to Constructys."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from accounts.models import Establishment


class RateBase(models.TextChoices):
    PAYROLL = "payroll", "Masse salariale brute annuelle"
    FIXED_TERM_PAYROLL = "cdd_payroll", "Masse salariale brute des CDD"


class ContributionRate(models.Model):
    """One contribution of a year's return: its rate applies to one payroll figure, for the establishments whose
    average headcount is within [min_headcount, max_headcount] (an empty bound is open)."""

    year = models.PositiveSmallIntegerField(
        "année", validators=[MinValueValidator(2000), MaxValueValidator(2100)], help_text="Année des salaires déclarés."
    )
    label = models.CharField("contribution", max_length=120, help_text="Par exemple « Contribution légale ».")
    base = models.CharField("assiette", max_length=12, choices=RateBase.choices, default=RateBase.PAYROLL)
    rate = models.DecimalField(
        "taux (%)",
        max_digits=6,
        decimal_places=3,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    min_headcount = models.PositiveIntegerField("effectif minimum", null=True, blank=True)
    max_headcount = models.PositiveIntegerField("effectif maximum", null=True, blank=True)
    position = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        verbose_name = "taux de contribution"
        verbose_name_plural = "taux de contribution"
        ordering = ["-year", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_headcount__isnull=True)
                | Q(max_headcount__isnull=True)
                | Q(max_headcount__gte=models.F("min_headcount")),
                name="contribution_rate_headcount_in_order",
            )
        ]

    def __str__(self):
        return f"{self.year} — {self.label} ({self.rate} %)"

    def applies_to(self, headcount: int) -> bool:
        return (self.min_headcount is None or headcount >= self.min_headcount) and (
            self.max_headcount is None or headcount <= self.max_headcount
        )


class ContributionReturn(models.Model):
    """A submitted return: the payroll figures of one establishment for one year and the contributions due."""

    establishment = models.ForeignKey(
        Establishment, on_delete=models.PROTECT, related_name="contribution_returns", verbose_name="établissement"
    )
    year = models.PositiveSmallIntegerField("année")
    headcount = models.PositiveIntegerField("effectif moyen annuel")
    payroll = models.DecimalField("masse salariale brute annuelle", max_digits=14, decimal_places=2)
    fixed_term_payroll = models.DecimalField(
        "masse salariale brute des CDD", max_digits=14, decimal_places=2, default=Decimal("0.00")
    )
    total_amount = models.DecimalField("total des contributions dues", max_digits=14, decimal_places=2)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="déclaré par"
    )
    submitted_at = models.DateTimeField("déclaré le", auto_now_add=True)

    class Meta:
        verbose_name = "bordereau de collecte"
        verbose_name_plural = "bordereaux de collecte"
        ordering = ["-year", "establishment__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["establishment", "year"], name="one_return_per_establishment_year"),
            models.CheckConstraint(
                condition=Q(fixed_term_payroll__lte=models.F("payroll")), name="return_cdd_payroll_within_payroll"
            ),
        ]

    def __str__(self):
        return f"Bordereau {self.year} — {self.establishment}"

    @property
    def reference(self) -> str:
        return f"BC{self.year}-{self.pk:06d}"


class ContributionLine(models.Model):
    """One contribution of a return, with the rate and base used at submission (kept if the rate changes)."""

    contribution_return = models.ForeignKey(ContributionReturn, on_delete=models.CASCADE, related_name="lines")
    label = models.CharField("contribution", max_length=120)
    base_label = models.CharField("assiette", max_length=60)
    base_amount = models.DecimalField("montant de l'assiette", max_digits=14, decimal_places=2)
    rate = models.DecimalField("taux (%)", max_digits=6, decimal_places=3)
    amount = models.DecimalField("montant dû", max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = "contribution déclarée"
        verbose_name_plural = "contributions déclarées"
        ordering = ["id"]

    def __str__(self):
        return f"{self.label} — {self.amount} €"


class ContributionPayment(models.Model):
    """A payment of its contributions that the company made to Constructys (recorded by Constructys)."""

    class Mode(models.TextChoices):
        TRANSFER = "transfer", "Virement"
        DIRECT_DEBIT = "debit", "Prélèvement"
        CHEQUE = "cheque", "Chèque"

    establishment = models.ForeignKey(
        Establishment, on_delete=models.PROTECT, related_name="contribution_payments", verbose_name="établissement"
    )
    year = models.PositiveSmallIntegerField("année des contributions")
    reference = models.CharField("référence", max_length=30, unique=True)
    paid_on = models.DateField("date du versement")
    amount = models.DecimalField("montant", max_digits=14, decimal_places=2)
    mode = models.CharField("mode", max_length=10, choices=Mode.choices, default=Mode.TRANSFER)

    class Meta:
        verbose_name = "versement de contributions"
        verbose_name_plural = "versements de contributions"
        ordering = ["-paid_on", "-id"]
        indexes = [models.Index(fields=["establishment", "-paid_on"], name="contribution_payment_list")]

    def __str__(self):
        return self.reference


class TrainingFunded(models.Model):
    """What Constructys paid for the training of an employer establishment's dossiers in a year (the payment lines
    of its dossiers, by the year of their payment): the "Formations financées" column of the member account, read
    without scanning the dossiers. Written only by the PostgreSQL triggers of migration 0002, in the transaction of
    every write that changes it (a payment line added, changed or deleted, a payment's date or a dossier's
    employer changed), bulk loads and the admin included. A year appears while it has lines (`lines` > 0)."""

    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+", db_index=False)
    year = models.IntegerField("année")
    lines = models.IntegerField("lignes de règlement", default=0)
    amount = models.DecimalField("formations financées", max_digits=14, decimal_places=2, default=Decimal("0.00"))

    class Meta:
        verbose_name = "formations financées d'un établissement par année"
        constraints = [
            models.UniqueConstraint(
                fields=["establishment", "year"], include=["lines", "amount"], name="training_funded_once_per_year"
            )
        ]

    def __str__(self):
        return f"{self.year} — {self.establishment_id} : {self.amount} €"
