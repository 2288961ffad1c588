from django.conf import settings
from django.db import models
from django.utils import timezone


class ImportKind(models.TextChoices):
    MEMBERS = "members", "Entreprises adhérentes"
    ESTABLISHMENTS = "establishments", "Établissements"
    PROVIDERS = "providers", "Organismes de formation"
    REFERENTIAL = "referential", "Référentiel du CERFA"


class ImportRun(models.Model):
    """One CSV import made from the back office, with its report (the rejected lines and why)."""

    kind = models.CharField("registre", max_length=20, choices=ImportKind.choices)
    file_name = models.CharField("fichier", max_length=255)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name="par"
    )
    imported_at = models.DateTimeField("le", default=timezone.now)
    read = models.PositiveIntegerField("lues", default=0)
    created = models.PositiveIntegerField("créées", default=0)
    updated = models.PositiveIntegerField("mises à jour", default=0)
    unchanged = models.PositiveIntegerField("inchangées", default=0)
    rejected = models.PositiveIntegerField("rejetées", default=0)
    report = models.JSONField("rapport", default=dict, blank=True)

    class Meta:
        verbose_name = "import CSV"
        verbose_name_plural = "imports CSV"
        ordering = ["-imported_at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.file_name}"
