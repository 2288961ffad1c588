from django.conf import settings
from django.db import models
from django.utils import timezone

from dossiers.models import Dossier


class SenderSide(models.TextChoices):
    COMPANY = "company", "Entreprise"
    CONSTRUCTYS = "constructys", "Constructys"


class MessageQuerySet(models.QuerySet):
    def for_company_user(self, user, establishments=None):
        """Messages of the dossiers the company user sees (narrowed to `establishments`, ids, when given)."""
        return self.filter(dossier__in=Dossier.objects.for_company_user(user, establishments))

    def unread_by(self, user):
        """Messages the user did not write and has not opened (read state is per user)."""
        return self.exclude(author=user).exclude(
            models.Exists(MessageRead.objects.filter(message=models.OuterRef("pk"), user=user))
        )

    def with_read_state(self, user):
        return self.annotate(
            is_read=models.Q(author=user)
            | models.Exists(MessageRead.objects.filter(message=models.OuterRef("pk"), user=user))
        )


class Message(models.Model):
    """One message of a dossier's thread between the company and its Constructys case manager."""

    # Indexed by message_dossier_thread below, whose first column is the dossier.
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="messages", db_index=False)
    sender_side = models.CharField("envoyé par", max_length=12, choices=SenderSide.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="messages_written",
        verbose_name="auteur",
    )
    title = models.CharField("titre", max_length=200)
    body = models.TextField("contenu")
    created_at = models.DateTimeField("envoyé le", default=timezone.now, db_index=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        verbose_name = "message"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["dossier", "-created_at"], name="message_dossier_thread")]

    def __str__(self):
        return self.title


class MessageRead(models.Model):
    """That one user has opened one message; deleting the row marks it unread again for that user only."""

    # Both foreign keys lead a composite index below.
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="reads", db_index=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="message_reads", db_index=False
    )
    read_at = models.DateTimeField("lu le", default=timezone.now)

    class Meta:
        verbose_name = "lecture de message"
        constraints = [models.UniqueConstraint(fields=["message", "user"], name="message_read_once_per_user")]
        indexes = [models.Index(fields=["user", "message"], name="message_read_by_user")]

    def __str__(self):
        return f"{self.user} a lu « {self.message} »"
