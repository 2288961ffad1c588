"""Bank-details change requests, the only way an establishment's IBAN/BIC change ("quatre yeux").

A request comes from oGestion (a référent), eGestion (a company manager) or the admin (staff entering, on the owner's
behalf, the signed RIB they received). Only a member of the accounting group who is not its author may validate it
(`banking.services.validation_refusal`); then it replaces the establishment's bank details. Every replacement is kept
in `BankDetailsChange` (the history)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from accounts import validators
from accounts.models import Establishment
from dossiers.models import Document


class RequestStatus(models.TextChoices):
    PENDING = "pending", "En attente de validation"
    VALIDATED = "validated", "Validée"
    REJECTED = "rejected", "Refusée"


class RequestSource(models.TextChoices):
    OGESTION = "ogestion", "oGestion"
    EGESTION = "egestion", "eGestion"
    ADMIN = "admin", "Saisie par Constructys"


# The permission that validates a request: given to the accounting group only (backoffice.roles), and checked through
# the user's groups, so that a superuser's implicit "every permission" does not count.
VALIDATE_PERMISSION = "validate_bankdetailsrequest"


class BankDetailsRequest(models.Model):
    establishment = models.ForeignKey(
        Establishment, on_delete=models.CASCADE, related_name="bank_details_requests", verbose_name="établissement"
    )
    iban = models.CharField("nouvel IBAN", max_length=34, validators=[validators.validate_iban])
    bic = models.CharField("nouveau BIC", max_length=11, validators=[validators.validate_bic])
    rib = models.OneToOneField(
        Document, on_delete=models.PROTECT, related_name="bank_details_request", verbose_name="RIB"
    )
    status = models.CharField("statut", max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="demandée par"
    )
    requested_at = models.DateTimeField("demandée le", auto_now_add=True)
    source = models.CharField("origine", max_length=10, choices=RequestSource.choices, default=RequestSource.OGESTION)
    requester_name = models.CharField(
        "demandeur",
        max_length=200,
        blank=True,
        help_text="Pour une demande saisie par Constructys : la personne de l'établissement qui a signé le RIB.",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="traitée par",
    )
    decided_at = models.DateTimeField("traitée le", null=True, blank=True)
    rejection_reason = models.CharField("motif du refus", max_length=255, blank=True)

    class Meta:
        verbose_name = "demande de changement de coordonnées bancaires"
        verbose_name_plural = "demandes de changement de coordonnées bancaires"
        ordering = ["-requested_at", "-id"]
        permissions = [(VALIDATE_PERMISSION, "Valider une demande de coordonnées bancaires")]
        constraints = [
            # One request at a time per establishment: a new one waits for the decision on the previous one.
            models.UniqueConstraint(
                fields=["establishment"], condition=Q(status="pending"), name="one_pending_bank_request"
            )
        ]

    def __str__(self):
        return f"{self.establishment} — {self.get_status_display()}"

    @property
    def iban_end(self) -> str:
        """The last four characters of the new IBAN: all that pages and emails show of it."""
        return self.iban[-4:]


class BankDetailsChange(models.Model):
    """History: the bank details an establishment had before and after a validated request."""

    establishment = models.ForeignKey(
        Establishment, on_delete=models.CASCADE, related_name="bank_details_changes", verbose_name="établissement"
    )
    request = models.OneToOneField(
        BankDetailsRequest, on_delete=models.PROTECT, related_name="change", verbose_name="demande"
    )
    old_iban = models.CharField("ancien IBAN", max_length=34, blank=True)
    old_bic = models.CharField("ancien BIC", max_length=11, blank=True)
    new_iban = models.CharField("nouvel IBAN", max_length=34)
    new_bic = models.CharField("nouveau BIC", max_length=11)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="validée par"
    )
    changed_at = models.DateTimeField("modifiée le", auto_now_add=True)

    class Meta:
        verbose_name = "changement de coordonnées bancaires"
        verbose_name_plural = "historique des coordonnées bancaires"
        ordering = ["-changed_at", "-id"]

    def __str__(self):
        return f"{self.establishment} — {self.changed_at:%d/%m/%Y}"

    @property
    def requested_by(self):
        return self.request.requested_by
