"""The outbox: every email the portal sends is first a row here, written in the transaction of the change that
causes it, then sent by a Celery worker (outbox.services.deliver). Nothing is lost when SMTP or Redis is down, and
no web request ever waits for an SMTP server."""

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone


class EmailStatus(models.TextChoices):
    PENDING = "pending", "À envoyer"
    SENDING = "sending", "En cours d'envoi"
    SENT = "sent", "Envoyé"
    FAILED = "failed", "Échec"


class OutgoingEmailQuerySet(models.QuerySet):
    def due(self, now=None):
        """Waiting rows whose time has come: pending ones at their next attempt, and "sending" ones whose sender's
        lease ran out (the worker died while sending)."""
        return self.filter(
            status__in=[EmailStatus.PENDING, EmailStatus.SENDING], next_attempt_at__lte=now or timezone.now()
        )


class OutgoingEmail(models.Model):
    """One email to send (or sent). `message_id` goes out as the Message-ID header: should a crash make a worker
    send a row twice, the receiving side sees the same id. `dedup_key` (optional) makes a second row for the same
    thing (one digest, one right-away email) impossible."""

    kind = models.CharField("modèle", max_length=80, blank=True)
    message_id = models.CharField("Message-ID", max_length=255, unique=True)
    dedup_key = models.CharField("clé d'unicité", max_length=200, unique=True, null=True, blank=True)
    from_email = models.CharField("expéditeur", max_length=254)
    to = ArrayField(models.CharField(max_length=254), verbose_name="destinataires")
    cc = ArrayField(models.CharField(max_length=254), default=list, blank=True, verbose_name="copie")
    bcc = ArrayField(models.CharField(max_length=254), default=list, blank=True, verbose_name="copie cachée")
    reply_to = ArrayField(models.CharField(max_length=254), default=list, blank=True, verbose_name="répondre à")
    subject = models.TextField("objet")
    body = models.TextField("texte")
    html = models.TextField("HTML", blank=True)
    headers = models.JSONField("en-têtes", default=dict, blank=True)
    status = models.CharField("état", max_length=8, choices=EmailStatus.choices, default=EmailStatus.PENDING)
    attempts = models.PositiveSmallIntegerField("tentatives", default=0)
    # Pending: the earliest time of the next attempt. Sending: the end of the sender's lease.
    next_attempt_at = models.DateTimeField("prochaine tentative", default=timezone.now)
    last_error = models.TextField("dernière erreur", blank=True)
    created_at = models.DateTimeField("créé le", default=timezone.now)
    sent_at = models.DateTimeField("envoyé le", null=True, blank=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    objects = OutgoingEmailQuerySet.as_manager()

    class Meta:
        verbose_name = "e-mail"
        verbose_name_plural = "e-mails (file d'envoi)"
        ordering = ["-created_at", "-id"]
        permissions = [("resend_outgoingemail", "Peut renvoyer un e-mail")]
        indexes = [
            # The sweeper's question: which rows are due?
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status__in=["pending", "sending"]),
                name="outbox_due",
            ),
            models.Index(fields=["status", "-created_at"], name="outbox_status_created"),
        ]

    def __str__(self):
        return f"{self.subject} → {', '.join(self.to)}"
