"""The referentials the apprenticeship CERFA looks things up in: CFAs, diplomas (CFD), RNCP certifications and
collective agreements (IDCC). They are loaded from the public open-data files by `manage.py load_referentials`.

Search. Every model has `objects.search(terms, limit=20)`: one query that finds the entries whose code starts with
the code typed (normalised: upper case, `RNCP` added to bare digits, IDCC left-padded) or whose title holds every
word typed, each as the beginning of a word, accents and case ignored. Titles are matched against `search_text`,
a column the application fills with the lower-case, unaccented words of the title (`codes.search_text`), served
by a pg_trgm GIN index; codes are matched by the pattern-ops B-tree index Django adds to unique text columns.
A stored column rather than an index on `unaccent(title)`: `unaccent()` is not IMMUTABLE, so the expression index
would need a wrapper function in raw SQL, and every query would have to repeat that exact expression; a plain column
keeps the SQL ordinary (`search_text LIKE '% macon%'`), the index simple, and the normalisation testable in Python.
"""

import re

from django.contrib.postgres.indexes import GinIndex
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, IntegerField, Q, Value, When

from accounts.validators import validate_siret, validate_uai
from referentials import codes

SEARCH_LIMIT = 20
REPETITION_WORDS = {"B": "BIS", "T": "TER", "Q": "QUATER", "C": "QUINQUIES"}
UAI_PREFIX_RE = re.compile(r"\d{1,7}|\d{7}[A-Z]")
LEVEL_VALIDATORS = [MinValueValidator(3), MaxValueValidator(8)]
LEVEL_CHOICES = [(level, f"Niveau {level}") for level in range(3, 9)]


class CodeCondition:
    """A code the terms may be the beginning of: `field` starts with `prefix`; `exact` is the full code."""

    def __init__(self, field: str, prefix: str, exact: str | None = None):
        self.field, self.prefix, self.exact = field, prefix, exact or prefix


class ReferentialQuerySet(models.QuerySet):
    # The order of the title matches and of equally ranked code matches.
    search_ordering: tuple[str, ...] = ()

    def code_conditions(self, terms: str) -> list[CodeCondition]:
        """The code fields `terms` may be the beginning of, normalised. Overridden by each referential."""
        raise NotImplementedError

    def _search_parts(self, terms):
        return self.code_conditions(str(terms or "")), codes.search_words(terms)

    def matching(self, terms):
        """Entries whose code starts with `terms` or whose title holds every word of `terms` (unordered,
        unlimited: what the admin's search box filters on)."""
        conditions, words = self._search_parts(terms)
        query = Q()
        for condition in conditions:
            query |= Q(**{f"{condition.field}__startswith": condition.prefix})
            if not condition.exact.startswith(condition.prefix):
                query |= Q(**{condition.field: condition.exact})
        if words:
            # Longest words first: the most selective condition leads.
            query |= Q(*(Q(search_text__contains=f" {word}") for word in sorted(words, key=len, reverse=True)))
        return self.filter(query) if query else self.none()

    def search(self, terms, limit: int | None = SEARCH_LIMIT):
        """The look-up of the CERFA wizard: `matching(terms)` ranked, then limited to `limit` entries.

        One query when evaluated (none at all for blank terms). Each entry carries `search_rank`: 0 for the exact
        code, 1 for a code that starts with the terms, 2 for a title whose first word starts with the first word
        typed, 3 for any other title match; ties follow the model's `search_ordering`.
        """
        conditions, words = self._search_parts(terms)
        whens = [When(**{condition.field: condition.exact}, then=Value(0)) for condition in conditions]
        whens += [When(**{f"{c.field}__startswith": c.prefix}, then=Value(1)) for c in conditions]
        if words:
            whens.append(When(search_text__startswith=f" {words[0]}", then=Value(2)))
        rank = Case(*whens, default=Value(3), output_field=IntegerField()) if whens else Value(3)
        queryset = self.matching(terms).annotate(search_rank=rank).order_by("search_rank", *self.search_ordering)
        return queryset[:limit] if limit else queryset


class SearchableReferential(models.Model):
    search_text = models.TextField("texte de recherche", blank=True, editable=False)
    updated_at = models.DateTimeField("mis à jour le", auto_now=True)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.refresh_derived()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], *self.derived_fields()}
        super().save(*args, **kwargs)

    def search_parts(self) -> tuple:
        raise NotImplementedError

    def refresh_derived(self):
        """Recompute the fields derived from the others (the loader calls it: bulk_create skips save())."""
        self.search_text = codes.search_text(*self.search_parts())

    @classmethod
    def derived_fields(cls) -> tuple[str, ...]:
        return ("search_text",)


def trigram_index(name: str) -> GinIndex:
    return GinIndex(fields=["search_text"], opclasses=["gin_trgm_ops"], name=f"ref_{name}_search_trgm")


# CFAs -------------------------------------------------------------------------------------------------------------


class TrainingCentreQuerySet(ReferentialQuerySet):
    search_ordering = ("-is_active", "name", "uai")

    def code_conditions(self, terms):
        code = codes.normalise_uai(terms)
        if UAI_PREFIX_RE.fullmatch(code):
            return [CodeCondition("uai", code)]
        if code.isdigit() and 8 <= len(code) <= 14:
            return [CodeCondition("siret", code)]
        return []

    def active(self):
        return self.filter(is_active=True)


class TrainingCentre(SearchableReferential):
    """A CFA (centre de formation d'apprentis) as the referential of training organisations lists it: the CERFA
    chooses the CFA by its UAI, and fills the name, SIRET and address from here."""

    uai = models.CharField("UAI", max_length=8, unique=True, validators=[validate_uai])
    siret = models.CharField("SIRET", max_length=14, blank=True, db_index=True, validators=[validate_siret])
    name = models.CharField("dénomination", max_length=255)
    sign = models.CharField("enseigne", max_length=255, blank=True)
    street_number = models.CharField("N°", max_length=5, blank=True)
    repetition_index = models.CharField(
        "indice de répétition", max_length=1, blank=True, help_text="B (bis), T (ter), Q (quater), C (quinquies)."
    )
    street = models.CharField("voie", max_length=255, blank=True)
    address_complement = models.CharField("complément d'adresse", max_length=255, blank=True)
    postal_code = models.CharField("code postal", max_length=5, blank=True)
    city = models.CharField("commune", max_length=100, blank=True)
    is_active = models.BooleanField("actif", default=True)

    objects = TrainingCentreQuerySet.as_manager()

    class Meta:
        verbose_name = "CFA"
        verbose_name_plural = "CFA"
        ordering = ["name", "uai"]
        indexes = [trigram_index("centre")]

    def __str__(self):
        return f"{self.uai} - {self.name}"

    def search_parts(self):
        return (self.name, self.sign, self.postal_code, self.city)

    @property
    def address(self) -> str:
        number = " ".join(filter(None, [self.street_number, REPETITION_WORDS.get(self.repetition_index, "")]))
        lines = [" ".join(filter(None, [number, self.street])), self.address_complement]
        lines.append(" ".join(filter(None, [self.postal_code, self.city])))
        return ", ".join(filter(None, lines))


# Diplomas ---------------------------------------------------------------------------------------------------------


class DiplomaQuerySet(ReferentialQuerySet):
    search_ordering = ("title", "cfd")

    def code_conditions(self, terms):
        code = codes.normalise_cfd(terms)
        if 0 < len(code) <= 8 and code.isalnum() and any(char.isdigit() for char in code):
            return [CodeCondition("cfd", code)]
        return []


class Diploma(SearchableReferential):
    """A diploma or title of the BCN (table N_FORMATION_DIPLOME), known by its code formation diplôme (CFD)."""

    cfd = models.CharField("code diplôme (CFD)", max_length=8, unique=True, validators=[codes.validate_cfd])
    title = models.CharField("intitulé", max_length=255)
    short_title = models.CharField("sigle", max_length=50, blank=True, help_text="Ex. : CAP, BP, BAC PRO, BTS.")
    level = models.PositiveSmallIntegerField(
        "niveau européen",
        null=True,
        blank=True,
        choices=LEVEL_CHOICES,
        validators=LEVEL_VALIDATORS,
        help_text="Celui du fichier (NIVEAU_QUALIFICATION_RNCP), sinon celui du type de diplôme.",
    )
    diploma_type_code = models.CharField(
        "type de diplôme (CERFA)",
        max_length=2,
        blank=True,
        editable=False,
        choices=list(codes.DIPLOMA_TYPES.items()),
        help_text="Déduit des 3 premiers caractères du code diplôme ; vide si le préfixe est inconnu ou ambigu.",
    )
    closed_on = models.DateField("date de fermeture", null=True, blank=True)

    objects = DiplomaQuerySet.as_manager()

    class Meta:
        verbose_name = "diplôme"
        ordering = ["title", "cfd"]
        indexes = [trigram_index("diploma")]

    def __str__(self):
        return f"{self.cfd} - {self.title}"

    def search_parts(self):
        return (self.title, self.short_title)

    def refresh_derived(self):
        super().refresh_derived()
        self.diploma_type_code = codes.diploma_code_for_cfd(self.cfd)
        if self.level is None:
            self.level = codes.level_for_diploma_code(self.diploma_type_code)

    @classmethod
    def derived_fields(cls):
        return ("search_text", "diploma_type_code", "level")

    @property
    def diploma_type_codes(self) -> tuple[str, ...]:
        """Every §3.7 code the CFD prefix allows (two for the ambiguous 165/170: engineering or business school)."""
        return codes.diploma_codes_for_cfd(self.cfd)


# RNCP certifications ---------------------------------------------------------------------------------------------


class RncpCertificationQuerySet(ReferentialQuerySet):
    search_ordering = ("-is_active", "title", "-code")

    def code_conditions(self, terms):
        code = codes.normalise_rncp(terms)
        if code.startswith("RNCP") and code[4:].isdigit() and len(code) <= 9:
            return [CodeCondition("code", code)]
        return []

    def active(self):
        return self.filter(is_active=True)


class RncpCertification(SearchableReferential):
    """A certification of the Répertoire national des certifications professionnelles (France Compétences).
    An INACTIVE one cannot be prepared in a new contract (rule FOR-RNCP-ACTIF)."""

    code = models.CharField("code RNCP", max_length=9, unique=True, validators=[codes.validate_rncp])
    title = models.CharField("intitulé", max_length=500)
    short_title = models.CharField("abrégé", max_length=50, blank=True, help_text="Ex. : CAP, BP, BTS, TP, CQP.")
    level = models.PositiveSmallIntegerField(
        "niveau européen", null=True, blank=True, choices=LEVEL_CHOICES, validators=LEVEL_VALIDATORS
    )
    is_active = models.BooleanField("active", default=True, help_text="Fiche ACTIVE au RNCP.")
    registration_ends_on = models.DateField("fin d'enregistrement", null=True, blank=True)
    diplomas = models.ManyToManyField(
        Diploma, through="CertificationLink", related_name="rncp_certifications", verbose_name="codes diplôme"
    )

    objects = RncpCertificationQuerySet.as_manager()

    class Meta:
        verbose_name = "certification RNCP"
        verbose_name_plural = "certifications RNCP"
        ordering = ["code"]
        indexes = [trigram_index("rncp")]

    def __str__(self):
        return f"{self.code} - {self.title}"

    def search_parts(self):
        return (self.title, self.short_title)

    def is_linked_to(self, cfd: str) -> bool:
        """Whether the referential links this certification to that code diplôme (rule W-CFD-RNCP). One query."""
        return self.diploma_links.filter(diploma__cfd=codes.normalise_cfd(cfd)).exists()


class CertificationLink(models.Model):
    """RNCP certification <-> code diplôme, as the Carif-Oref « kit apprentissage » pairs them."""

    rncp = models.ForeignKey(
        RncpCertification,
        on_delete=models.CASCADE,
        related_name="diploma_links",
        verbose_name="certification RNCP",
        db_index=False,  # the unique (rncp, diploma) index leads with it
    )
    diploma = models.ForeignKey(Diploma, on_delete=models.CASCADE, related_name="rncp_links", verbose_name="diplôme")

    class Meta:
        verbose_name = "lien RNCP - code diplôme"
        verbose_name_plural = "liens RNCP - code diplôme"
        constraints = [models.UniqueConstraint(fields=["rncp", "diploma"], name="certification_link_unique")]

    def __str__(self):
        return f"{self.rncp_id} - {self.diploma_id}"


# Collective agreements -------------------------------------------------------------------------------------------


class CollectiveAgreementQuerySet(ReferentialQuerySet):
    search_ordering = ("-in_force", "idcc")

    def code_conditions(self, terms):
        code = codes.compact(terms).removeprefix("IDCC")
        if code.isdigit() and len(code) <= 4:
            return [CodeCondition("idcc", code, exact=code.zfill(4))]
        return []

    def in_force(self):
        return self.filter(in_force=True)


class CollectiveAgreement(SearchableReferential):
    """A collective agreement (convention collective) of the KALI list, known by its 4-digit IDCC."""

    idcc = models.CharField("IDCC", max_length=4, unique=True, validators=[codes.validate_idcc])
    title = models.CharField("intitulé", max_length=500)
    in_force = models.BooleanField("en vigueur", default=True)
    legal_status = models.CharField(
        "état juridique", max_length=30, blank=True, help_text="État KALI : VIGUEUR_ETEN, ABROGE, DENONCE…"
    )

    objects = CollectiveAgreementQuerySet.as_manager()

    class Meta:
        verbose_name = "convention collective"
        verbose_name_plural = "conventions collectives"
        ordering = ["idcc"]
        indexes = [trigram_index("idcc")]

    def __str__(self):
        return f"{self.idcc} - {self.title}"

    def search_parts(self):
        return (self.title,)
