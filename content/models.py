"""What staff write for the portals' home pages: the "INFORMATIONS" announcements and the "Mes Contacts"
advisors."""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.models import Establishment, Region


class AudiencePortal(models.TextChoices):
    ALL = "all", "eGestion et oGestion"
    EGESTION = "egestion", "eGestion"
    OGESTION = "ogestion", "oGestion"


class AnnouncementQuerySet(models.QuerySet):
    def published(self, portal: str, now=None):
        """What the home page of `portal` ("egestion" or "ogestion") shows now, the first in order first."""
        now = now or timezone.now()
        return self.filter(
            Q(portal=AudiencePortal.ALL) | Q(portal=portal),
            is_active=True,
            published_from__lte=now,
        ).filter(Q(published_until__isnull=True) | Q(published_until__gt=now))


class Announcement(models.Model):
    """An "INFORMATIONS" block of a portal's home page."""

    portal = models.CharField("portail", max_length=10, choices=AudiencePortal.choices, default=AudiencePortal.ALL)
    title = models.CharField("titre", max_length=200)
    body = models.TextField("texte", help_text="Texte simple ; les lignes vides séparent les paragraphes.")
    published_from = models.DateTimeField("publiée à partir du", default=timezone.now)
    published_until = models.DateTimeField("jusqu'au", null=True, blank=True)
    position = models.PositiveSmallIntegerField("ordre", default=0)
    is_active = models.BooleanField("active", default=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    objects = AnnouncementQuerySet.as_manager()

    class Meta:
        verbose_name = "information (page d'accueil)"
        verbose_name_plural = "informations (pages d'accueil)"
        ordering = ["position", "-published_from", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(published_until__isnull=True) | Q(published_until__gt=models.F("published_from")),
                name="announcement_period_in_order",
            )
        ]

    def __str__(self):
        return self.title

    @property
    def paragraphs(self) -> list[str]:
        return [part.strip() for part in self.body.replace("\r\n", "\n").split("\n\n") if part.strip()]


class AdvisorQuerySet(models.QuerySet):
    def for_establishments(self, establishment_ids):
        """The advisors of a company's "Mes Contacts": those assigned to its organisation, and those of the regions
        of its establishments (an advisor with no region and no organisation is shown to every company)."""
        establishments = Establishment.objects.filter(pk__in=list(establishment_ids))
        return (
            self.filter(is_active=True)
            .filter(
                Q(organisations__in=establishments.values("organisation_id"))
                | Q(region__in=establishments.exclude(region="").values("region"))
                | Q(region="", organisations__isnull=True)
            )
            .distinct()
        )


class Advisor(models.Model):
    """A Constructys advisor shown under "Mes Contacts" on the eGestion home page."""

    name = models.CharField("nom", max_length=150)
    function = models.CharField("fonction", max_length=150, default="Conseiller(ère) formation")
    phone = models.CharField("téléphone", max_length=20, blank=True)
    email = models.EmailField("e-mail", blank=True)
    region = models.CharField(
        "région", max_length=3, choices=Region.choices, blank=True, help_text="Montré aux entreprises de la région."
    )
    organisations = models.ManyToManyField(
        "accounts.Organisation",
        blank=True,
        related_name="advisors",
        verbose_name="entreprises suivies",
        help_text="Montré à ces entreprises, quelle que soit leur région.",
    )
    position = models.PositiveSmallIntegerField("ordre", default=0)
    is_active = models.BooleanField("actif", default=True)

    objects = AdvisorQuerySet.as_manager()

    class Meta:
        verbose_name = "conseiller (Mes Contacts)"
        verbose_name_plural = "conseillers (Mes Contacts)"
        ordering = ["position", "name", "id"]
        indexes = [models.Index(fields=["region"], name="advisor_region")]

    def __str__(self):
        return self.name
