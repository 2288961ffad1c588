"""The ledger of digests (one row per user and period) and each user's notification preference."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class NotificationMode(models.TextChoices):
    DIGEST = "digest", "Recevoir le récapitulatif deux fois par semaine"
    INSTANT = "instant", "Recevoir le récapitulatif et, en plus, un e-mail dès chaque nouveau message de Constructys"
    NONE = "none", "Ne plus recevoir d'e-mails de notification"


class DigestPreferenceQuerySet(models.QuerySet):
    def mode_of(self, user) -> str:
        return self.filter(user=user).values_list("mode", flat=True).first() or NotificationMode.DIGEST

    def wants_upcoming_deadlines(self, user) -> bool:
        value = self.filter(user=user).values_list("upcoming_deadlines", flat=True).first()
        return True if value is None else value


class DigestPreference(models.Model):
    """What a user wants to receive; without a row, the default: the twice-weekly digest."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_preference", verbose_name="utilisateur"
    )
    mode = models.CharField("notifications", max_length=8, choices=NotificationMode.choices)
    # The digest's part "À venir cette semaine" (the échéances of the dossiers, deadlines app); on by default.
    upcoming_deadlines = models.BooleanField("échéances de la semaine dans le récapitulatif", default=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    objects = DigestPreferenceQuerySet.as_manager()

    class Meta:
        verbose_name = "préférence de notification"
        verbose_name_plural = "préférences de notification"

    def __str__(self):
        return f"{self.user} — {self.get_mode_display()}"


class DigestState(models.TextChoices):
    PENDING = "pending", "À envoyer"
    SENT = "sent", "Envoyé"
    EMPTY = "empty", "Plus rien de nouveau (non envoyé)"


class Digest(models.Model):
    """One user's digest for one period (the scheduled run it belongs to): created `pending` with what it holds,
    made `sent` in the same transaction that hands the email to the backend. Unique per (user, period), so a
    repeated or concurrent run never sends a period twice to anyone."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digests", verbose_name="destinataire"
    )
    period = models.DateTimeField("période (passage planifié)")
    window_start = models.DateTimeField("nouveautés après le")
    window_end = models.DateTimeField("nouveautés jusqu'au")
    state = models.CharField("état", max_length=8, choices=DigestState.choices, default=DigestState.PENDING)
    messages_count = models.PositiveIntegerField("messages", default=0)
    documents_count = models.PositiveIntegerField("documents", default=0)
    dossiers_count = models.PositiveIntegerField("dossiers", default=0)
    email = models.EmailField("adresse", blank=True)
    created_at = models.DateTimeField("créé le", default=timezone.now)
    sent_at = models.DateTimeField("envoyé le", null=True, blank=True)

    class Meta:
        verbose_name = "récapitulatif envoyé"
        verbose_name_plural = "journal des récapitulatifs"
        ordering = ["-period", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "period"], name="digest_once_per_user_and_period"),
            models.CheckConstraint(condition=Q(window_end__gt=models.F("window_start")), name="digest_window_order"),
        ]
        indexes = [
            # "Since their last digest": the latest sent digest of each user.
            models.Index(fields=["user", "-window_end"], condition=Q(state="sent"), name="digest_last_sent"),
            models.Index(fields=["period", "state"], name="digest_period_state"),
        ]

    def __str__(self):
        return f"{self.user} — {timezone.localtime(self.period):%d/%m/%Y %H:%M}"


class InstantEmail(models.Model):
    """A right-away email of one message to one user: the row is written in the transaction that hands the email to
    the backend, so a retried or repeated task never emails the same message twice to anyone."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="instant_emails", verbose_name="destinataire"
    )
    message = models.ForeignKey(
        "messaging.Message", on_delete=models.CASCADE, related_name="instant_emails", verbose_name="message"
    )
    sent_at = models.DateTimeField("envoyé le", default=timezone.now)

    class Meta:
        verbose_name = "e-mail immédiat"
        verbose_name_plural = "e-mails immédiats"
        constraints = [models.UniqueConstraint(fields=["message", "user"], name="instant_email_once")]

    def __str__(self):
        return f"{self.user} — message {self.message_id}"
