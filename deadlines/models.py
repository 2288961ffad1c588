"""The precomputed dated events of each dossier ("échéances", computed by deadlines.rules) that the portals' home
panels, the dossier's timeline, the iCalendar feeds, the digests and the back office's queue read; and the secret
addresses of the iCalendar feeds."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.models import Establishment
from dossiers.models import Dossier


class DeadlineKind(models.TextChoices):
    TRANSMISSION = "transmission", "Transmission du contrat"
    DECISION = "decision", "Décision de l'OPCO"
    TRIAL_END = "trial_end", "Fin de la période probatoire"
    PAY_STEP = "pay_step", "Hausse de rémunération"
    PRACTICAL_START_LIMIT = "practical_start_limit", "Début de la formation pratique"
    CFA_START_LIMIT = "cfa_start_limit", "Début de la formation en CFA"
    LAST_EXAM = "last_exam", "Dernière épreuve"
    AMENDMENT = "amendment", "Avenant"
    START = "start", "Début"
    END = "end", "Fin"
    ATTENDANCE_DUE = "attendance_due", "Attestation d'assiduité"
    INVOICE_DUE = "invoice_due", "Facture"
    CFA_DOCUMENTS_DUE = "cfa_documents_due", "Documents de solde du CFA"


class Deadline(models.Model):
    """One dated event of a dossier, as deadlines.rules computed it when the dossier last changed (or at the
    nightly refresh). Never edited: deadlines.services.refresh_deadlines replaces a dossier's rows."""

    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, related_name="deadlines", verbose_name="dossier", db_index=False
    )
    # The dossier's employer and provider establishments, copied at each refresh: the home panels and the feeds
    # start from the user's establishments on the partial indexes below instead of scanning every dossier of a
    # company with thousands (the scope is still Dossier.objects.for_*_user, see deadlines.selectors).
    employer_establishment = models.ForeignKey(
        Establishment, on_delete=models.CASCADE, related_name="+", db_index=False, verbose_name="employeur"
    )
    provider_establishment = models.ForeignKey(
        Establishment,
        on_delete=models.CASCADE,
        related_name="+",
        null=True,
        blank=True,
        db_index=False,
        verbose_name="organisme de formation",
    )
    kind = models.CharField("type", max_length=24, choices=DeadlineKind.choices)
    date = models.DateField("date")
    label = models.CharField("libellé", max_length=200)
    amount = models.DecimalField("montant (€)", max_digits=10, decimal_places=2, null=True, blank=True)
    for_company = models.BooleanField("pour l'entreprise", default=False)
    for_provider = models.BooleanField("pour l'organisme de formation", default=False)
    for_case_manager = models.BooleanField("pour le gestionnaire", default=False)
    is_estimate = models.BooleanField("estimation", default=False)
    is_action = models.BooleanField("action attendue", default=False)
    is_done = models.BooleanField("fait", default=False)

    class Meta:
        verbose_name = "échéance"
        verbose_name_plural = "échéances"
        ordering = ["date", "kind", "id"]
        indexes = [
            # A dossier's timeline, and the scoped panels (dossiers of the user's establishments, by date).
            models.Index(fields=["dossier", "date"], name="deadline_dossier_date"),
            # The home panels and the feeds: what is still to do, from the user's establishments, by date.
            models.Index(
                fields=["employer_establishment", "date"],
                condition=Q(for_company=True, is_done=False),
                name="deadline_company_open",
            ),
            models.Index(
                fields=["provider_establishment", "date"],
                condition=Q(for_provider=True, is_done=False),
                name="deadline_provider_open",
            ),
            # The back office's decision filters.
            models.Index(
                fields=["date", "dossier"],
                condition=Q(kind="decision", is_done=False),
                name="deadline_pending_decision",
            ),
        ]

    def __str__(self):
        return f"{self.dossier_id} — {self.label} — {self.date:%d/%m/%Y}"

    def is_overdue_on(self, today) -> bool:
        return self.is_action and not self.is_done and self.date < today


def new_calendar_key() -> str:
    return secrets.token_hex(16)


class CalendarFeed(models.Model):
    """A user's secret iCalendar address ("Ajouter à mon agenda"): the address carries `key` and an HMAC of it
    with SECRET_KEY (deadlines.services.feed_token), so that a copy of the database alone opens no feed. Revoked,
    never deleted; a new address revokes the previous one."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds", verbose_name="utilisateur"
    )
    key = models.CharField("clé", max_length=32, unique=True, default=new_calendar_key, editable=False)
    created_at = models.DateTimeField("créée le", default=timezone.now)
    revoked_at = models.DateTimeField("révoquée le", null=True, blank=True)

    class Meta:
        verbose_name = "adresse d'agenda"
        verbose_name_plural = "adresses d'agenda"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(revoked_at__isnull=True), name="calendar_feed_one_active_per_user"
            )
        ]

    def __str__(self):
        return f"{self.user} — {'révoquée' if self.revoked_at else 'active'}"
