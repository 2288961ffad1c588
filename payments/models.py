from decimal import Decimal

from django.db import models
from django.db.models import Sum

from accounts.models import Establishment
from dossiers.models import Document, Dossier, Scheme


class PaymentMode(models.TextChoices):
    TRANSFER = "transfer", "Virement"
    CHEQUE = "cheque", "Chèque"


class Payment(models.Model):
    """A transfer Constructys made to one establishment, settling invoices of one or more dossiers."""

    reference = models.CharField("référence", max_length=30, unique=True, help_text="Par exemple VIR550.")
    paid_on = models.DateField("date de règlement")
    beneficiary = models.ForeignKey(
        Establishment,
        on_delete=models.PROTECT,
        related_name="payments",
        verbose_name="établissement bénéficiaire",
    )
    iban_paid = models.CharField("IBAN payé", max_length=34, blank=True)
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
    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="payment_lines")
    invoice_date = models.DateField("date facture")
    invoice_number = models.CharField("n° de facture", max_length=40)
    period_start = models.DateField("du")
    period_end = models.DateField("au")
    scheme = models.CharField("dispositif", max_length=4, choices=Scheme.choices)
    training_title = models.CharField("intitulé de la formation", max_length=255)
    amount = models.DecimalField("montant TTC", max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = "ligne de règlement"
        ordering = ["invoice_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="payment_line_period_in_order",
            )
        ]

    def __str__(self):
        return f"{self.invoice_number} — {self.amount} €"
