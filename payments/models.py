from decimal import Decimal

from django.db import models
from django.db.models import Q, Sum
from django.db.models.functions import Upper

from accounts.models import Establishment
from dossiers.models import Document, Dossier, Scheme


class PaymentMode(models.TextChoices):
    TRANSFER = "transfer", "Virement"
    CHEQUE = "cheque", "Chèque"


class Payment(models.Model):
    """A transfer Constructys made to one establishment, settling invoices of one or more dossiers."""

    reference = models.CharField(
        "référence",
        max_length=30,
        unique=True,
        help_text="Par exemple VIR550.",
        error_messages={"unique": "Un règlement porte déjà cette référence."},
    )
    paid_on = models.DateField("date de règlement")
    beneficiary = models.ForeignKey(
        Establishment,
        on_delete=models.PROTECT,
        related_name="payments",
        verbose_name="établissement bénéficiaire",
    )
    iban_paid = models.CharField(
        "IBAN payé",
        max_length=34,
        blank=True,
        help_text="L'IBAN validé de l'établissement bénéficiaire au moment du règlement (jamais saisi).",
    )
    mode = models.CharField("mode", max_length=10, choices=PaymentMode.choices, default=PaymentMode.TRANSFER)
    total_amount = models.DecimalField("montant total TTC", max_digits=12, decimal_places=2)
    remittance_advice = models.OneToOneField(
        Document,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="payment",
        verbose_name="avis de virement",
    )
    created_at = models.DateTimeField("enregistré le", auto_now_add=True)

    class Meta:
        verbose_name = "règlement"
        ordering = ["-paid_on", "-id"]
        indexes = [models.Index(fields=["beneficiary", "-paid_on"], name="payment_beneficiary_list")]

    def __str__(self):
        return self.reference

    def lines_total(self) -> Decimal:
        return self.lines.aggregate(total=Sum("amount"))["total"] or Decimal("0.00")


class PaymentLine(models.Model):
    """One invoice settled by a payment."""

    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="lines")
    # Indexed by payment_line_dossier_amounts.
    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="payment_lines", db_index=False)
    invoice_date = models.DateField("date facture")
    invoice_number = models.CharField("n° de facture", max_length=40)
    period_start = models.DateField("du")
    period_end = models.DateField("au")
    scheme = models.CharField("dispositif", max_length=4, choices=Scheme.choices)
    training_title = models.CharField("intitulé de la formation", max_length=255)
    amount = models.DecimalField("montant TTC", max_digits=12, decimal_places=2)
    duplicate_reason = models.TextField(
        "motif du nouveau règlement de la facture",
        blank=True,
        default="",
        db_default="",  # for bulk loads that name their columns (demo.scale)
        help_text="Obligatoire pour régler une facture déjà réglée par un autre règlement.",
    )

    class Meta:
        verbose_name = "ligne de règlement"
        ordering = ["invoice_date", "id"]
        indexes = [
            # A dossier's lines, and the sums per year of a company's dossiers ("Mes contributions": training
            # funded) from the index alone.
            models.Index(fields=["dossier"], include=["payment", "amount"], name="payment_line_dossier_amounts"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="payment_line_period_in_order",
            ),
            # An invoice of a dossier is settled once; paying it again takes a written reason (payments.services).
            models.UniqueConstraint(
                "dossier",
                Upper("invoice_number"),
                condition=Q(duplicate_reason=""),
                name="payment_line_invoice_settled_once",
                violation_error_message=(
                    "Cette facture de ce dossier est déjà réglée par un autre règlement : pour la régler une nouvelle "
                    "fois, cochez « Régler à nouveau » et indiquez le motif."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.invoice_number} — {self.amount} €"


class RemittanceAdvice(models.Model):
    """One issued version of a payment's remittance advice. Saving the payment unchanged issues nothing; a change
    issues a new version and marks the previous one replaced: it stays filed and downloadable, labelled so."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="advices", verbose_name="règlement")
    document = models.OneToOneField(
        Document, on_delete=models.PROTECT, related_name="advice_version", verbose_name="document"
    )
    version = models.PositiveSmallIntegerField("version")
    fingerprint = models.CharField("empreinte du règlement", max_length=64, blank=True)
    issued_at = models.DateTimeField("émis le", auto_now_add=True)
    replaced_at = models.DateTimeField("remplacé le", null=True, blank=True)

    class Meta:
        verbose_name = "avis de virement"
        verbose_name_plural = "avis de virement"
        ordering = ["payment", "-version"]
        constraints = [models.UniqueConstraint(fields=["payment", "version"], name="remittance_advice_version_once")]

    def __str__(self):
        return f"{self.payment} — version {self.version}"
