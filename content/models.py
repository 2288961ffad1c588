"""What staff write for the portals' home pages: the "INFORMATIONS" announcements and the "Mes Contacts"
advisors."""

import datetime

from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.models import Establishment, Region
from common.prepared import PreparedQuery


class AudiencePortal(models.TextChoices):
    ALL = "all", "eGestion et oGestion"
    EGESTION = "egestion", "eGestion"
    OGESTION = "ogestion", "oGestion"


class AnnouncementQuerySet(models.QuerySet):
    def published(self, portal: str, now=None):
        """What the home page of `portal` ("egestion" or "ogestion") shows now, the first in order first."""
        now = now or timezone.now()
        return self.not_ended(portal, now).filter(published_from__lte=now)

    def not_ended(self, portal: str, now):
        """What the home page of `portal` shows now or will show later (published() and the ones to come)."""
        return self.filter(Q(portal=AudiencePortal.ALL) | Q(portal=portal), is_active=True).filter(
            Q(published_until__isnull=True) | Q(published_until__gt=now)
        )


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


# --- Help resources (issue 17) -------------------------------------------------------------------------------


class HelpSection(models.TextChoices):
    GUIDE = "guide", "Présentation générale (guide imprimable)"
    HOWTO = "howto", "Modes opératoires"
    HIGHLIGHT = "highlight", "Encart de la page d'accueil"
    REGULATORY = "regulatory", "Informations réglementaires"


class HelpKind(models.TextChoices):
    PAGE = "page", "Page du portail"
    PDF = "pdf", "PDF (généré depuis le texte)"


class HelpResourceQuerySet(models.QuerySet):
    def published(self, portal: str):
        """What users of `portal` ("egestion" or "ogestion") may open, the first in order first."""
        return self.filter(Q(portal=AudiencePortal.ALL) | Q(portal=portal), is_published=True)


class HelpResource(models.Model):
    """A help resource of a portal's home page ("Besoin d'aide sur le portail ?"): the printable guide, a "mode
    opératoire", the regulatory information… written by staff, shown as a portal page or as a generated PDF."""

    portal = models.CharField("portail", max_length=10, choices=AudiencePortal.choices, default=AudiencePortal.EGESTION)
    section = models.CharField("rubrique", max_length=12, choices=HelpSection.choices, default=HelpSection.HOWTO)
    kind = models.CharField("forme", max_length=4, choices=HelpKind.choices, default=HelpKind.PAGE)
    title = models.CharField("titre", max_length=200)
    slug = models.SlugField(
        "adresse", max_length=80, unique=True, help_text="Fin de l'adresse de la page : lettres, chiffres et tirets."
    )
    summary = models.CharField(
        "résumé", max_length=400, blank=True, help_text="Montré sur la page d'accueil sous le lien (ou dans l'encart)."
    )
    body = models.TextField(
        "texte",
        help_text="Texte simple. Les lignes vides séparent les paragraphes ; « ## » en début de ligne fait un "
        "intertitre, « - » une liste à puces, « 1. » une liste numérotée.",
    )
    position = models.PositiveSmallIntegerField("ordre", default=0)
    is_published = models.BooleanField("publiée", default=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    objects = HelpResourceQuerySet.as_manager()

    class Meta:
        verbose_name = "ressource d'aide"
        verbose_name_plural = "ressources d'aide (guides, modes opératoires)"
        ordering = ["section", "position", "title", "id"]

    def __str__(self):
        return self.title

    @property
    def is_pdf(self) -> bool:
        return self.kind == HelpKind.PDF

    @property
    def blocks(self) -> list[tuple[str, object]]:
        return text_blocks(self.body)


def text_blocks(body: str) -> list[tuple[str, object]]:
    """The body as ("heading", text), ("paragraph", text), ("list", [items]) and ("steps", [items]) blocks, for the
    page and the PDF alike (plain text only: nothing typed by staff becomes HTML)."""
    blocks: list[tuple[str, object]] = []
    for chunk in body.replace("\r\n", "\n").split("\n\n"):
        lines = [line.strip() for line in chunk.split("\n") if line.strip()]
        paragraph: list[str] = []
        for line in lines:
            kind, text = _line_kind(line)
            if kind == "paragraph":
                paragraph.append(text)
                continue
            if paragraph:
                blocks.append(("paragraph", " ".join(paragraph)))
                paragraph = []
            if kind == "heading":
                blocks.append(("heading", text))
            elif blocks and blocks[-1][0] == kind:
                blocks[-1][1].append(text)
            else:
                blocks.append((kind, [text]))
        if paragraph:
            blocks.append(("paragraph", " ".join(paragraph)))
        blocks.append(("break", None))
    return [block for block in blocks if block[0] != "break"]


def _line_kind(line: str) -> tuple[str, str]:
    if line.startswith("## "):
        return "heading", line[3:].strip()
    if line.startswith("- "):
        return "list", line[2:].strip()
    number, dot, rest = line.partition(". ")
    if dot and number.isdigit():
        return "steps", rest.strip()
    return "paragraph", line


# What every home page reads: their SQL is built once per process (common.prepared).
_PUBLISHED_HELP = PreparedQuery(
    lambda portal: HelpResource.objects.published(portal).defer("body"), name="home: help resources"
)
_NOT_ENDED_ANNOUNCEMENTS = PreparedQuery(
    lambda portal, now: Announcement.objects.not_ended(portal, now), name="home: announcements"
)
_ADVISORS = PreparedQuery(lambda establishment_ids: Advisor.objects.for_establishments(establishment_ids))


def upcoming_announcements(portal: str, now) -> tuple[list[Announcement], datetime.datetime | None]:
    """The "INFORMATIONS" of a portal's home page at `now` (AnnouncementQuerySet.published), and when that list
    changes next by the announcements' dates (None: not by their dates)."""
    announcements = _NOT_ENDED_ANNOUNCEMENTS(str(portal), now)
    changes = [a.published_from for a in announcements if a.published_from > now]
    changes += [a.published_until for a in announcements if a.published_until]
    return [a for a in announcements if a.published_from <= now], min(changes, default=None)


def advisors_for_establishments(establishment_ids) -> list["Advisor"]:
    """The company's "Mes Contacts" (AdvisorQuerySet.for_establishments)."""
    return _ADVISORS(list(establishment_ids))


def help_resources_by_section(portal: str) -> dict[str, list[HelpResource]]:
    """The published resources of a portal's home page, by section ("guide", "howto", "highlight", "regulatory")."""
    sections: dict[str, list[HelpResource]] = {section: [] for section in HelpSection.values}
    for resource in _PUBLISHED_HELP(str(portal)):
        sections[resource.section].append(resource)
    return sections
