from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone

from accounts.models import Region


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


class StaffProfile(models.Model):
    """What a staff account works on beyond its groups: the regions of a *Responsable régional* (every admin list,
    page, search and export of their region-bound data is narrowed to the establishments of these regions).

    Its Meta also carries the permissions on sensitive data that no model's own view permission says (given to the
    groups by backoffice.roles)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="staff_profile",
        limit_choices_to={"is_staff": True},
        verbose_name="compte Constructys",
    )
    regions = ArrayField(
        models.CharField(max_length=3, choices=Region.choices),
        verbose_name="régions",
        default=list,
        blank=True,
        help_text="Pour un responsable régional : il ne voit que les établissements de ces régions (et leurs "
        "dossiers, règlements, messages, documents, demandes).",
    )

    class Meta:
        verbose_name = "profil Constructys"
        verbose_name_plural = "profils Constructys (régions)"
        permissions = [
            ("view_full_iban", "Peut voir les IBAN en entier"),
            ("download_rib", "Peut télécharger les RIB"),
            ("download_message_attachment", "Peut télécharger les pièces jointes des messages"),
        ]

    def __str__(self):
        return str(self.user)
