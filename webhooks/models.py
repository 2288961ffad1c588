"""Webhooks: an organisation's HTTPS endpoints, the events the portal emits for it, and each delivery of an event to
an endpoint (docs/webhooks.md).

An event is written in the transaction of the change it tells about (`webhooks.events.emit`), with one delivery per
endpoint subscribed to it; a Celery worker POSTs it, signed, and retries with exponential backoff for
WEBHOOKS_RETRY_HOURS. Deliveries are a queue in the database like the outbox's emails (same columns, same claim):
nothing is lost when Redis is down, and a delivery is never duplicated (unique per endpoint and event)."""

import secrets
import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from accounts.models import Establishment, Membership, Organisation, Portal


class EventType(models.TextChoices):
    DOSSIER_STATUS_CHANGED = "dossier.status_changed", "Changement d'état d'un dossier"
    MESSAGE_RECEIVED = "message.received", "Message reçu de votre gestionnaire Constructys"
    DOCUMENT_ISSUED = "document.issued", "Document émis par Constructys"
    PAYMENT_RECORDED = "payment.recorded", "Règlement enregistré"
    INVOICE_VALIDATED = "invoice.validated", "Facture validée"
    INVOICE_REJECTED = "invoice.rejected", "Facture rejetée"
    AVENANT_RECORDED = "avenant.recorded", "Avenant transmis"
    RUPTURE_RECORDED = "rupture.recorded", "Rupture de contrat déclarée"
    # Sent by "Envoyer un événement de test" only, to one endpoint; nobody subscribes to it.
    TEST = "webhook.test", "Événement de test"


SUBSCRIBABLE = [choice for choice in EventType.choices if choice[0] != EventType.TEST]


def new_secret() -> str:
    return "whsec_" + secrets.token_hex(32)


class EndpointQuerySet(models.QuerySet):
    def live(self):
        """Not deleted (deleted endpoints stay as the record of their deliveries)."""
        return self.filter(deleted_at__isnull=True)

    def listening(self, event_type):
        return self.live().filter(is_active=True, events__contains=[event_type])

    def reaching(self, *, organisation_ids=(), establishment_ids=()):
        """The endpoints an event about these establishments (or, for an event of a whole organisation, these
        organisations) may go to, read when the event happens: those whose creator still manages, in the
        endpoint's portal, one of these establishments of the endpoint's organisation (or, for an organisation's
        event, any of its establishments). The rule of API keys (Membership.managing): an endpoint carries only
        what its creator sees in the portal, and nothing once they no longer manage anything there."""
        concerned = Q(establishment_id__in=establishment_ids) | Q(establishment__organisation_id__in=organisation_ids)
        creator_reaches = Q()
        for portal in Portal:
            managed = Membership.objects.managing(portal).filter(
                concerned, user_id=OuterRef("created_by_id"), establishment__organisation_id=OuterRef("organisation_id")
            )
            creator_reaches |= Q(portal=portal) & Exists(managed)
        organisations = Q(organisation_id__in=organisation_ids) | Q(
            organisation_id__in=Establishment.objects.filter(pk__in=establishment_ids).values("organisation_id")
        )
        return self.filter(organisations, creator_reaches)


class WebhookEndpoint(models.Model):
    """An address where an organisation receives the events it subscribed to.

    The secret signs each delivery (HMAC-SHA256), so the portal must be able to read it back: it is stored as is
    (a hash could not sign), shown to the organisation once, never again, and cleared when the endpoint is deleted.
    docs/webhooks.md says why it is not encrypted."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="webhook_endpoints", verbose_name="organisation"
    )
    # The portal where it was registered: its creator's rights there say what it receives (reaching()).
    portal = models.CharField("portail", max_length=10, choices=Portal.choices)
    url = models.URLField("adresse (URL HTTPS)", max_length=500)
    description = models.CharField("description", max_length=120, blank=True)
    events = ArrayField(
        models.CharField(max_length=40, choices=SUBSCRIBABLE), verbose_name="événements", default=list, blank=True
    )
    secret = models.CharField("secret de signature", max_length=80, default=new_secret, editable=False)
    is_active = models.BooleanField("actif", default=True)
    disabled_at = models.DateTimeField("désactivé le", null=True, blank=True)
    disabled_reason = models.CharField("motif de la désactivation", max_length=500, blank=True)
    consecutive_failures = models.PositiveIntegerField("échecs consécutifs", default=0)
    failing_since = models.DateTimeField("en échec depuis", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="créé par",
    )
    created_at = models.DateTimeField("créé le", default=timezone.now)
    deleted_at = models.DateTimeField("supprimé le", null=True, blank=True)

    objects = EndpointQuerySet.as_manager()

    class Meta:
        verbose_name = "point de réception de webhooks"
        verbose_name_plural = "points de réception de webhooks"
        ordering = ["-created_at", "-id"]
        indexes = [
            # emit(): the live endpoints of the organisations a change concerns.
            models.Index(fields=["organisation"], condition=Q(deleted_at__isnull=True), name="webhook_endpoint_live"),
        ]

    def __str__(self):
        return self.url

    @property
    def status_label(self) -> str:
        if self.deleted_at:
            return f"Supprimé le {timezone.localtime(self.deleted_at):%d/%m/%Y}"
        if not self.is_active:
            return "Désactivé"
        return "Actif"

    def reached_establishments(self):
        """The establishments whose events it receives today (reaching()): none once its creator manages none of
        the organisation's establishments in its portal, or was deactivated or deleted."""
        return Establishment.objects.filter(
            organisation_id=self.organisation_id,
            pk__in=Membership.objects.managing(Portal(self.portal))
            .filter(user_id=self.created_by_id)
            .values("establishment_id"),
        ).order_by("name", "siret")

    def event_labels(self) -> list[str]:
        labels = dict(EventType.choices)
        return [labels.get(event, event) for event in self.events]


class WebhookEvent(models.Model):
    """Something that happened, for one organisation: its id goes out with every delivery (receivers drop a second
    copy by it), its payload is what the change was."""

    event_id = models.UUIDField("identifiant", default=uuid.uuid4, unique=True, editable=False)
    type = models.CharField("type", max_length=40, choices=EventType.choices)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="webhook_events", verbose_name="organisation"
    )
    payload = models.JSONField("données", default=dict)
    created_at = models.DateTimeField("créé le", default=timezone.now)

    class Meta:
        verbose_name = "événement (webhook)"
        verbose_name_plural = "événements (webhooks)"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.get_type_display()} ({self.event_id})"


class DeliveryStatus(models.TextChoices):
    # The outbox's values: outbox.services.claim_next works on both queues.
    PENDING = "pending", "En attente"
    SENDING = "sending", "En cours d'envoi"
    SENT = "sent", "Livré"
    FAILED = "failed", "Abandonné"


class DeliveryQuerySet(models.QuerySet):
    def due(self, now=None):
        return self.filter(
            status__in=[DeliveryStatus.PENDING, DeliveryStatus.SENDING], next_attempt_at__lte=now or timezone.now()
        )


class WebhookDelivery(models.Model):
    """One event for one endpoint: attempts, the next one, and the endpoint's last answer."""

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.PROTECT, related_name="deliveries", verbose_name="point de réception"
    )
    event = models.ForeignKey(
        WebhookEvent, on_delete=models.PROTECT, related_name="deliveries", verbose_name="événement"
    )
    status = models.CharField("état", max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField("tentatives", default=0)
    # Pending: the earliest time of the next attempt. Sending: the end of the sender's lease.
    next_attempt_at = models.DateTimeField("prochaine tentative", default=timezone.now)
    last_attempt_at = models.DateTimeField("dernière tentative", null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField("dernier code HTTP", null=True, blank=True)
    last_response = models.TextField("début de la dernière réponse", blank=True)
    last_error = models.CharField("dernière erreur", max_length=500, blank=True)
    delivered_at = models.DateTimeField("livré le", null=True, blank=True)
    created_at = models.DateTimeField("créé le", default=timezone.now)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = "livraison de webhook"
        verbose_name_plural = "livraisons de webhooks"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "event"], name="webhook_delivery_once_per_endpoint"),
        ]
        indexes = [
            # The sweeper's question: which deliveries are due?
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status__in=["pending", "sending"]),
                name="webhook_delivery_due",
            ),
            # An endpoint's page: its latest deliveries.
            models.Index(fields=["endpoint", "-created_at"], name="webhook_delivery_endpoint"),
        ]

    def __str__(self):
        return f"{self.event} → {self.endpoint}"
