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
from dossiers.models import Dossier


class RequestKind(models.TextChoices):
    APPRENTICESHIP = "apprenticeship", "Contrat d'apprentissage"
    PLAN = "plan", "Plan de développement des compétences"


class RequestStatus(models.TextChoices):
    DRAFT = "draft", "Brouillon"
    SUBMITTED = "submitted", "Transmise"


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

    objects = FundingRequestQuerySet.as_manager()

    class Meta:
        verbose_name = "demande de prise en charge"
        verbose_name_plural = "demandes de prise en charge"
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["employer_establishment", "status", "-updated_at"], name="funding_request_employer")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.employer_establishment.name} ({self.get_status_display()})"

    @property
    def is_draft(self) -> bool:
        return self.status == RequestStatus.DRAFT


class RequestDocumentKind(models.TextChoices):
    SIGNED_CERFA = "cerfa", "CERFA signé"
    TRAINING_AGREEMENT = "training_agreement", "Convention de formation signée"
    QUOTE = "quote", "Devis"
    PROGRAMME = "programme", "Programme de formation"
    OTHER = "other", "Autre pièce"


def request_document_upload_to(instance, filename):
    # Generated name: the user's file name is only kept for display (`name`).
    return f"requests/{uuid.uuid4().hex[:2]}/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()[:10]}"


class RequestDocument(models.Model):
    """A file attached to a request before transmission; it becomes a received document of the dossier."""

    request = models.ForeignKey(FundingRequest, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField("pièce", max_length=20, choices=RequestDocumentKind.choices)
    name = models.CharField("nom du fichier", max_length=255)
    file = models.FileField("fichier", upload_to=request_document_upload_to, max_length=255)
    content_type = models.CharField("type de contenu", max_length=100)
    size = models.PositiveIntegerField("taille (octets)")
    checksum = models.CharField("empreinte SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="déposé par"
    )
    uploaded_at = models.DateTimeField("déposé le", default=timezone.now)

    class Meta:
        verbose_name = "pièce jointe de demande"
        verbose_name_plural = "pièces jointes de demande"
        ordering = ["kind", "uploaded_at"]

    def __str__(self):
        return self.name
