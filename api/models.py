"""API keys: what lets a company's or a CFA's own software call /api/v1/ in the name of the user who created the key.

Only the SHA-256 of the secret is stored (the secret is shown once); the prefix, stored in clear, finds the row.
A key is narrowed to the establishments chosen at its creation, and never sees more than its creator still sees
(api.keys.key_scope): a deactivated creator, or one who left those establishments, disables it.
"""

from django.db import models
from django.utils import timezone

from accounts.models import Establishment, Portal, User


class ApiScope(models.TextChoices):
    READ = "read", "Lecture seule"
    WRITE = "write", "Lecture et écriture"


class ApiKeyQuerySet(models.QuerySet):
    def usable(self, now=None):
        """Neither revoked nor expired (the creator's access is checked per request: api.keys.key_scope)."""
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True, expires_at__gt=now)


class ApiKey(models.Model):
    name = models.CharField("nom", max_length=100)
    portal = models.CharField("portail", max_length=10, choices=Portal.choices)
    scope = models.CharField("droits", max_length=5, choices=ApiScope.choices, default=ApiScope.READ)
    establishments = models.ManyToManyField(
        Establishment, related_name="api_keys", verbose_name="établissements couverts"
    )
    prefix = models.CharField("préfixe", max_length=12, unique=True)
    secret_hash = models.CharField("empreinte du secret (SHA-256)", max_length=64)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="api_keys", verbose_name="créée par")
    created_at = models.DateTimeField("créée le", default=timezone.now)
    expires_at = models.DateTimeField("expire le")
    last_used_at = models.DateTimeField("dernière utilisation", null=True, blank=True)
    revoked_at = models.DateTimeField("révoquée le", null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="révoquée par"
    )

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        verbose_name = "clé d'API"
        verbose_name_plural = "clés d'API"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["created_by", "-created_at"], name="api_key_creator")]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def may_write(self) -> bool:
        return self.scope == ApiScope.WRITE

    def status_label(self, now=None) -> str:
        now = now or timezone.now()
        if self.revoked_at:
            return f"Révoquée le {timezone.localtime(self.revoked_at):%d/%m/%Y}"
        if self.expires_at <= now:
            return f"Expirée le {timezone.localtime(self.expires_at):%d/%m/%Y}"
        return "Active"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()
