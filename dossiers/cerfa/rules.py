"""Cross-field rules of §5 (§6 step 3). Each rule is a small generator tagged with its id, yielding
`(flagged field, French message)`; the decorator declares its inputs so that the rule is skipped when one of them is
empty or unparseable (§6), and marks the REM-*/DUR-* rules that only run when start < end.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, Decimal
from functools import cached_property
from typing import Any

from . import codes, identifiers
from .codes import (
    AVENANT_TYPES,
    CFD_NOT_FOUND,
    CFD_PREFIX_DIPLOMA,
    DDETS_EMPLOYER_TYPES,
    DEPARTEMENTS_COM,
    DIPLOMA_LEVEL,
    IDCC_SPECIAL,
    INITIAL_CONTRACT_TYPES,
    LEGAL_FORM_EMPLOYER_TYPE,
    MINOR_WEEKLY_CEILING_MINUTES,
    PRIVATE_EMPLOYER_TYPES,
    PUBLIC_EMPLOYER_TYPES,
    SUCCESSION_CONTRACT_TYPES,
)
from .dates import (
    ONE_DAY,
    add_jours_ouvrables,
    add_months,
    age_on,
    format_date,
    months_covering,
    period_end,
)
from .fields import (
    ORDINALS,
    REMUNERATION_PARTS,
    REMUNERATION_PERIODS,
    REMUNERATION_YEARS,
    RETAKE_AFTER_FAILURE,
    remuneration_id,
)
from .normalise import is_empty, parse_bool
from .referentials import Referentials
from .remuneration import (
    DISABILITY_FLAGS,
    MAX_YEARS,
    Timeline,
    contract_years,
    is_btp_agreement,
    is_disability_extension,
    minimum_amount,
    year_window,
)
from .result import Severity

# Field ids used by several rules
BIRTH = "apprenti_date_naissance"
START = "contrat_date_debut_execution"
END = "contrat_date_fin"
CONCL = "contrat_date_conclusion"
PRAT = "contrat_date_debut_formation_pratique"
CFA_START = "formation_date_debut"
EXAMS_END = "formation_date_fin_epreuves"
TYPE = "contrat_type"
DEROG = "contrat_type_derogation"
EFFET = "contrat_date_effet_avenant"
NUMPREC = "contrat_numero_precedent"
HOURS = "contrat_duree_hebdo_heures"
MINUTES = "contrat_duree_hebdo_minutes"
NIR = "apprenti_nir"
SMC = "contrat_smc_montant"
SALAIRE = "contrat_salaire_brut_embauche"
IDCC = "employeur_code_idcc"
# The spec's "unlimited-age flag" (§5: L. 6222-2 3° to 5°, BOE treated like RQTH).
SPEC_UNLIMITED_AGE_FLAGS = (
    "apprenti_rqth",
    "apprenti_extension_boe",
    "apprenti_projet_creation_reprise",
    "apprenti_sportif_haut_niveau",
)
# Plus the portal's flag (issue 19): a new contract with another employer to prepare the same diploma again after a
# failed exam (L. 6222-11 2°) has no upper age limit either. It is not a first contract, so AGE-TYPE11-OVER30 still
# reads the spec's flags only.
UNLIMITED_AGE_FLAGS = (*SPEC_UNLIMITED_AGE_FLAGS, RETAKE_AFTER_FAILURE)
LONG_CONTRACT_FLAGS = DISABILITY_FLAGS
REPRESENTANT_REQUIRED = (
    "representant_legal_nom_naissance",
    "representant_legal_prenom",
    "representant_legal_courriel",
    "representant_legal_meme_adresse",
)
REPRESENTANT_ADDRESS_REQUIRED = (
    "representant_legal_adresse_voie",
    "representant_legal_adresse_code_postal",
    "representant_legal_adresse_commune",
)
MAITRE_PARTS = ("nom_naissance", "prenom", "date_naissance", "courriel", "emploi_occupe", "diplome_intitule")
MAITRE2_FIELDS = tuple(f"maitre2_{part}" for part in (*MAITRE_PARTS, "niveau_diplome"))
LIEU_REQUIRED = (
    "lieu_formation_denomination",
    "lieu_formation_siret",
    "lieu_formation_adresse_voie",
    "lieu_formation_adresse_code_postal",
    "lieu_formation_adresse_commune",
)
ROWS = [(year, period) for year in REMUNERATION_YEARS for period in REMUNERATION_PERIODS]

Finding = tuple[str, str]


class Context:
    """What the rules read: the parsed values of the fields that passed the field rules, and a few derived dates."""

    def __init__(
        self,
        data: Mapping[str, Any],
        values: Mapping[str, Any],
        broken: set[str],
        today: date,
        referentials: Referentials | None = None,
    ) -> None:
        self.data = data
        self.values = values
        self.broken = broken
        self.today = today
        self.referentials = referentials or Referentials()

    def v(self, field_id: str) -> Any:
        """Parsed value, or None when empty, unparseable or ignored."""
        return self.values.get(field_id)

    def filled(self, field_id: str) -> bool:
        """Whether something was entered (even if invalid)."""
        return not is_empty(self.data.get(field_id))

    def is_true(self, field_id: str) -> bool:
        return self.v(field_id) is True

    def age_on(self, day: date | None) -> int | None:
        birth = self.v(BIRTH)
        return age_on(birth, day) if birth and day else None

    @property
    def age_start(self) -> int | None:
        return self.age_on(self.v(START))

    @property
    def age_concl(self) -> int | None:
        return self.age_on(self.v(CONCL))

    @property
    def contract_period_ok(self) -> bool:
        start, end = self.v(START), self.v(END)
        return bool(start and end and start < end)

    @property
    def unlimited_age(self) -> bool:
        return any(self.is_true(flag) for flag in UNLIMITED_AGE_FLAGS)

    @property
    def is_avenant(self) -> bool:
        return self.v(TYPE) in AVENANT_TYPES

    @property
    def terms_apply_on(self) -> date | None:
        """The day the terms of this CERFA apply (§5.6 HEB-MINEUR, §5.9 MA-MAJEUR): the start of execution; for an
        avenant (31-38), its effective date (None when it is empty or unparseable: TYPE-EFFET-AVENANT / FMT-DATE
        report it, and the rules reading this day are skipped)."""
        return self.v(EFFET) if self.is_avenant else self.v(START)

    @cached_property
    def timeline(self) -> Timeline | None:
        birth, start, end = self.v(BIRTH), self.v(START), self.v(END)
        if not (birth and start and end and start < end):
            return None
        return Timeline(birth, start, end, is_disability_extension(self.values))

    @property
    def mayotte(self) -> bool:
        postcode = self.v("employeur_adresse_code_postal")
        return bool(postcode and postcode.startswith(codes.MAYOTTE_POSTCODE_PREFIX))

    def smic_at_start(self) -> Decimal | None:
        start = self.v(START)
        return codes.smic_monthly(start, mayotte=self.mayotte) if start else None

    def row(self, year: int, period: int) -> dict[str, Any]:
        return {part: self.v(remuneration_id(year, period, part)) for part in REMUNERATION_PARTS}

    def row_filled(self, year: int, period: int) -> bool:
        return any(self.filled(remuneration_id(year, period, part)) for part in REMUNERATION_PARTS)

    def complete_rows(self) -> Iterator[tuple[int, int, dict[str, Any]]]:
        """Rows whose dates and rate are usable (du ≤ au)."""
        for year, period in ROWS:
            row = self.row(year, period)
            if row["du"] and row["au"] and row["taux"] is not None and row["du"] <= row["au"]:
                yield year, period, row


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    check: Callable[[Context], Iterable[Finding]]
    needs: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    contract_period: bool = False

    def applies(self, ctx: Context) -> bool:
        if self.contract_period and not ctx.contract_period_ok:
            return False
        if any(ctx.v(field_id) is None for field_id in self.needs):
            return False
        return not any(field_id in ctx.broken for field_id in self.optional)

    def run(self, ctx: Context) -> list[Finding]:
        return list(self.check(ctx)) if self.applies(ctx) else []


RULES: list[Rule] = []


def rule(
    rule_id: str,
    *,
    needs: tuple[str, ...] = (),
    optional: tuple[str, ...] = (),
    warning: bool = False,
    contract_period: bool = False,
) -> Callable[[Callable[[Context], Iterable[Finding]]], Callable[[Context], Iterable[Finding]]]:
    """Register a rule. `needs`: inputs that must be usable; `optional`: inputs that may be empty but, when
    filled, must be parseable; `contract_period`: only when start < end (REM-*, DUR-*, REQ-SMC)."""

    def register(check: Callable[[Context], Iterable[Finding]]) -> Callable[[Context], Iterable[Finding]]:
        RULES.append(Rule(rule_id, "warning" if warning else "error", check, needs, optional, contract_period))
        return check

    return register


def _pct(rate: Decimal) -> str:
    return f"{rate.normalize():f}".replace(".", ",") + " %"


def _euros(amount: Decimal) -> str:
    return f"{amount:,.2f}".replace(",", "\u202f").replace(".", ",") + " €"


def _hours(hours: Decimal) -> str:
    text = f"{hours.quantize(Decimal('0.1'), rounding=ROUND_CEILING):f}"
    return text.removesuffix(".0").replace(".", ",")


# --------------------------------------------------------------------------------------------------------------
# §5.1 Apprentice age — AGE-*


@rule("AGE-MIN15", needs=(BIRTH, START))
def age_min15(ctx: Context) -> Iterator[Finding]:
    age = ctx.age_start
    if age is not None and age < 15:
        yield (
            BIRTH,
            f"L'apprenti(e) aurait {age} ans au début d'exécution du contrat : il faut avoir au moins 15 ans "
            "(16 ans sans dérogation).",
        )


@rule("AGE-15-DEROG", needs=(BIRTH, START), optional=(DEROG,))
def age_15_derog(ctx: Context) -> Iterator[Finding]:
    if ctx.age_start == 15 and ctx.v(DEROG) not in ("11", "50"):
        yield (
            DEROG,
            "L'apprenti(e) a 15 ans au début du contrat : choisissez la dérogation « 11 – Âge de l'apprenti "
            "inférieur à 16 ans » (ou « 50 – Cumul de dérogations »), possible s'il ou elle a achevé la classe de 3e.",
        )


@rule("AGE-DEROG11-INVALID", needs=(BIRTH, START, DEROG))
def age_derog11_invalid(ctx: Context) -> Iterator[Finding]:
    age = ctx.age_start
    if ctx.v(DEROG) == "11" and age is not None and age >= 16:
        yield DEROG, f"La dérogation « 11 – Âge inférieur à 16 ans » ne s'applique pas : l'apprenti(e) a {age} ans."


@rule("AGE-DEROG12-INVALID", needs=(BIRTH, START, DEROG))
def age_derog12_invalid(ctx: Context) -> Iterator[Finding]:
    age = ctx.age_start
    if ctx.v(DEROG) == "12" and age is not None and age <= 29:
        yield DEROG, f"La dérogation « 12 – Âge supérieur à 29 ans » ne s'applique pas : l'apprenti(e) a {age} ans."


@rule("AGE-MAX29", needs=(BIRTH, START), optional=(DEROG, *UNLIMITED_AGE_FLAGS))
def age_max29(ctx: Context) -> Iterator[Finding]:
    age = ctx.age_start
    if age is not None and age >= 30 and not ctx.unlimited_age and ctx.v(DEROG) not in ("12", "50"):
        yield (
            DEROG,
            f"L'apprenti(e) a {age} ans au début du contrat : au-delà de 29 ans révolus, choisissez la dérogation "
            "« 12 – Âge supérieur à 29 ans », qui suppose un cas prévu par le code du travail (contrat précédent, "
            "RQTH, projet de création ou de reprise d'entreprise, sportif de haut niveau, nouveau contrat avec un "
            "autre employeur après un échec à l'examen).",
        )


@rule("AGE-MAX35", needs=(BIRTH, START, CONCL), optional=UNLIMITED_AGE_FLAGS)
def age_max35(ctx: Context) -> Iterator[Finding]:
    # Not for an avenant: D. 6222-1 reads the age at the conclusion of the contract, not at an avenant's signature.
    age_start, age_concl = ctx.age_start, ctx.age_concl
    if age_start is None or age_concl is None or ctx.is_avenant:
        return
    if age_start >= 30 and not ctx.unlimited_age and age_concl >= 36:
        yield (
            BIRTH,
            f"L'apprenti(e) a {age_concl} ans à la conclusion du contrat : sans RQTH, projet de création ou de "
            "reprise d'entreprise, statut de sportif de haut niveau ni nouveau contrat après un échec à l'examen, "
            "l'apprentissage n'est possible que jusqu'à 35 ans révolus.",
        )


@rule("AGE-TYPE11-OVER30", needs=(BIRTH, START, TYPE), optional=SPEC_UNLIMITED_AGE_FLAGS)
def age_type11_over30(ctx: Context) -> Iterator[Finding]:
    age = ctx.age_start
    spec_unlimited = any(ctx.is_true(flag) for flag in SPEC_UNLIMITED_AGE_FLAGS)
    if age is not None and age >= 30 and not spec_unlimited and ctx.v(TYPE) == "11":
        yield (
            TYPE,
            f"À {age} ans, sans RQTH, projet de création ou de reprise d'entreprise ni statut de sportif de haut "
            "niveau, l'apprentissage suppose un contrat d'apprentissage précédent : le type ne peut pas être "
            "« 11 – Premier contrat » (choisissez 21, 22 ou 23).",
        )


@rule("DATE-NAISS-FUTURE")
def date_naiss_future(ctx: Context) -> Iterator[Finding]:
    for field_id in (BIRTH, "maitre1_date_naissance", "maitre2_date_naissance"):
        birth = ctx.v(field_id)
        if birth and birth > ctx.today:
            yield field_id, "La date de naissance ne peut pas être postérieure à aujourd'hui."


@rule("W-ABOVE29-DEROG12", needs=(BIRTH, START), optional=(DEROG, *UNLIMITED_AGE_FLAGS), warning=True)
def w_above29_derog12(ctx: Context) -> Iterator[Finding]:
    age = ctx.age_start
    if age is not None and age >= 30 and ctx.unlimited_age and ctx.v(DEROG) not in ("12", "50"):
        yield DEROG, "Apprenti(e) de plus de 29 ans : sélectionnez la dérogation « 12 – Âge supérieur à 29 ans »."


COLLEGE_NOT_COMPLETED = {"41": "en classe de 3e", "42": "en classe de 4e"}


@rule("AGE-15-COLLEGE", needs=(BIRTH, START, "apprenti_derniere_classe"))
def age_15_college(ctx: Context) -> Iterator[Finding]:
    # L. 6222-1 al. 2: a 15-year-old may start only after completing the first cycle of secondary school (collège).
    interrupted = COLLEGE_NOT_COMPLETED.get(ctx.v("apprenti_derniere_classe"))
    if ctx.age_start == 15 and interrupted:
        yield (
            "apprenti_derniere_classe",
            f"À 15 ans, l'apprentissage n'est possible qu'après avoir achevé le collège (art. L. 6222-1) : "
            f"l'apprenti(e) a interrompu ses études {interrupted}.",
        )


@rule("W-EQUIV-AGE", needs=(BIRTH, START, "apprenti_equivalence_jeunes"), warning=True)
def w_equiv_age(ctx: Context) -> Iterator[Finding]:
    age = ctx.age_start
    if ctx.is_true("apprenti_equivalence_jeunes") and age is not None and age >= 21:
        yield (
            "apprenti_equivalence_jeunes",
            f"« Équivalence jeunes » concerne les jeunes de 15 à 20 ans : vérifiez cette réponse (l'apprenti(e) a "
            f"{age} ans au début du contrat).",
        )


@rule("W-PRECEDENT-1AN", needs=(BIRTH, START), optional=UNLIMITED_AGE_FLAGS, warning=True)
def w_precedent_1an(ctx: Context) -> Iterator[Finding]:
    age = ctx.age_start
    if age is not None and age >= 30 and not ctx.unlimited_age:
        yield (
            NUMPREC,
            "Exception liée à un contrat précédent : le nouveau contrat doit être conclu moins d'un an après la fin "
            "du précédent.",
        )


# --------------------------------------------------------------------------------------------------------------
# §5.2 Minor apprentice and legal representative — MIN-*


@rule("MIN-DECL", needs=(BIRTH, CONCL), optional=("apprenti_mineur_non_emancipe",))
def min_decl(ctx: Context) -> Iterator[Finding]:
    age = ctx.age_concl
    if age is not None and age < 18 and not ctx.filled("apprenti_mineur_non_emancipe"):
        yield (
            "apprenti_mineur_non_emancipe",
            "L'apprenti(e) est mineur(e) à la date de conclusion du contrat : indiquez s'il ou elle est émancipé(e).",
        )


def _representative_required(ctx: Context) -> bool:
    age = ctx.age_concl
    return age is not None and age < 18 and ctx.is_true("apprenti_mineur_non_emancipe")


@rule("MIN-REP", needs=(BIRTH, CONCL, "apprenti_mineur_non_emancipe"))
def min_rep(ctx: Context) -> Iterator[Finding]:
    if _representative_required(ctx):
        for field_id in REPRESENTANT_REQUIRED:
            if not ctx.filled(field_id):
                yield field_id, "Obligatoire : l'apprenti(e) est mineur(e) non émancipé(e) à la date de conclusion."


@rule("MIN-REP-ADRESSE", needs=(BIRTH, CONCL, "apprenti_mineur_non_emancipe", "representant_legal_meme_adresse"))
def min_rep_adresse(ctx: Context) -> Iterator[Finding]:
    if _representative_required(ctx) and ctx.v("representant_legal_meme_adresse") is False:
        for field_id in REPRESENTANT_ADDRESS_REQUIRED:
            if not ctx.filled(field_id):
                yield (
                    field_id,
                    "Obligatoire : le représentant légal n'habite pas à l'adresse de l'apprenti(e), indiquez son "
                    "adresse.",
                )


@rule("W-REP-MAJEUR", needs=(BIRTH, CONCL), warning=True)
def w_rep_majeur(ctx: Context) -> Iterator[Finding]:
    age = ctx.age_concl
    entered = ("representant_legal_nom_naissance", "representant_legal_prenom", "representant_legal_courriel")
    if age is not None and age >= 18 and any(ctx.filled(field_id) for field_id in entered):
        yield (
            "representant_legal_nom_naissance",
            "L'apprenti(e) est majeur(e) à la date de conclusion : le représentant légal ne sera pas imprimé.",
        )


@rule("W-ASE-18", needs=(BIRTH, START, END, "apprenti_nationalite"), warning=True)
def w_ase_18(ctx: Context) -> Iterator[Finding]:
    age_start, age_end = ctx.age_start, ctx.age_on(ctx.v(END))
    if age_start is None or age_end is None:
        return
    if ctx.v("apprenti_nationalite") == "3" and age_start < 18 <= age_end:
        yield (
            END,
            "Apprenti(e) étranger(ère) hors Union européenne qui atteint 18 ans pendant le contrat : son titre de "
            "séjour (autorisation de travail) devra être obtenu ou renouvelé à sa majorité.",
        )


# --------------------------------------------------------------------------------------------------------------
# §5.3 NIR consistency — NIR-* (all flagged on apprenti_nir)


@rule("NIR-SEXE", needs=(NIR, "apprenti_sexe"))
def nir_sexe(ctx: Context) -> Iterator[Finding]:
    message = identifiers.nir_sex_mismatch(ctx.v(NIR), ctx.v("apprenti_sexe"))
    if message:
        yield (NIR, message)


@rule("NIR-ANNEE", needs=(NIR, BIRTH))
def nir_annee(ctx: Context) -> Iterator[Finding]:
    message = identifiers.nir_year_mismatch(ctx.v(NIR), ctx.v(BIRTH))
    if message:
        yield (NIR, message)


@rule("NIR-MOIS", needs=(NIR, BIRTH))
def nir_mois(ctx: Context) -> Iterator[Finding]:
    message = identifiers.nir_month_mismatch(ctx.v(NIR), ctx.v(BIRTH))
    if message:
        yield (NIR, message)


@rule("NIR-DEPT", needs=(NIR, "apprenti_departement_naissance"))
def nir_dept(ctx: Context) -> Iterator[Finding]:
    # Without a usable birth date only the current code is accepted (the codes in force at birth need the year).
    message = identifiers.nir_departement_mismatch(ctx.v(NIR), ctx.v("apprenti_departement_naissance"), ctx.v(BIRTH))
    if message:
        yield (NIR, message)


@rule("W-DEPT-COM", needs=("apprenti_departement_naissance",), warning=True)
def w_dept_com(ctx: Context) -> Iterator[Finding]:
    if ctx.v("apprenti_departement_naissance") in DEPARTEMENTS_COM:
        yield (
            "apprenti_departement_naissance",
            "Collectivité d'outre-mer : ce code n'est pas proposé par l'outil de l'État, vérifiez qu'il est accepté.",
        )


# --------------------------------------------------------------------------------------------------------------
# §5.4 Dates — DATE-*


@rule("DATE-FIN-DEBUT", needs=(START, END))
def date_fin_debut(ctx: Context) -> Iterator[Finding]:
    if ctx.v(END) <= ctx.v(START):
        yield END, "La date de fin du contrat doit être postérieure à la date de début d'exécution."


@rule("DATE-CONCL-DEBUT", needs=(TYPE, CONCL, START))
def date_concl_debut(ctx: Context) -> Iterator[Finding]:
    if ctx.v(TYPE) in INITIAL_CONTRACT_TYPES and ctx.v(CONCL) > ctx.v(START):
        yield CONCL, "La date de conclusion (signature) ne peut pas être postérieure au début d'exécution du contrat."


@rule("DATE-PRATIQUE-DEBUT", needs=(PRAT, START))
def date_pratique_debut(ctx: Context) -> Iterator[Finding]:
    if ctx.v(PRAT) < ctx.v(START):
        yield (
            PRAT,
            "La formation pratique chez l'employeur ne peut pas commencer avant le début d'exécution du contrat.",
        )


@rule("DATE-PRATIQUE-3M", needs=(PRAT, START))
def date_pratique_3m(ctx: Context) -> Iterator[Finding]:
    latest = add_months(ctx.v(START), 3)
    if ctx.v(PRAT) > latest:
        yield (
            PRAT,
            "La formation pratique chez l'employeur doit commencer au plus tard 3 mois après le début d'exécution du "
            f"contrat, soit le {format_date(latest)}.",
        )


@rule("DATE-PRATIQUE-CONCL", needs=(TYPE, PRAT, CONCL))
def date_pratique_concl(ctx: Context) -> Iterator[Finding]:
    if ctx.v(TYPE) in INITIAL_CONTRACT_TYPES and ctx.v(PRAT) < ctx.v(CONCL):
        yield PRAT, "La formation pratique chez l'employeur ne peut pas commencer avant la signature du contrat."


@rule("DATE-PRATIQUE-FIN", needs=(PRAT, END))
def date_pratique_fin(ctx: Context) -> Iterator[Finding]:
    if ctx.v(PRAT) > ctx.v(END):
        yield PRAT, "La formation pratique chez l'employeur doit commencer avant la fin du contrat."


@rule("DATE-CFA-3M", needs=(CFA_START, START))
def date_cfa_3m(ctx: Context) -> Iterator[Finding]:
    earliest, latest = add_months(ctx.v(START), -3), add_months(ctx.v(START), 3)
    if not earliest <= ctx.v(CFA_START) <= latest:
        yield (
            CFA_START,
            "La formation en CFA doit commencer au plus tôt 3 mois avant et au plus tard 3 mois après le début "
            f"d'exécution du contrat, soit entre le {format_date(earliest)} et le {format_date(latest)}.",
        )


@rule("W-CFA-PRATIQUE-3M", needs=(CFA_START, PRAT), warning=True)
def w_cfa_pratique_3m(ctx: Context) -> Iterator[Finding]:
    # A warning since December 2026: L. 6222-12 measures both starts against the start of execution only
    # (DATE-PRATIQUE-3M, DATE-CFA-3M); comparing them with each other is the pre-2019 wording.
    earliest = add_months(ctx.v(PRAT), -3)
    if ctx.v(CFA_START) < earliest:
        yield (
            CFA_START,
            "La formation en CFA commence plus de 3 mois avant la formation pratique chez l'employeur (le "
            f"{format_date(ctx.v(PRAT))}) : vérifiez ces deux dates.",
        )


@rule("W-CFA-AVANT-CONCLUSION", needs=(TYPE, CFA_START, CONCL), warning=True)
def w_cfa_avant_conclusion(ctx: Context) -> Iterator[Finding]:
    if ctx.v(TYPE) in INITIAL_CONTRACT_TYPES and ctx.v(CFA_START) < ctx.v(CONCL):
        yield (
            CFA_START,
            "La formation en CFA commence avant la signature du contrat : l'apprenti(e) doit avoir suivi ce début de "
            "formation sous statut de stagiaire de la formation professionnelle (art. L. 6222-12-1).",
        )


@rule("DATE-EPREUVES-FIN", needs=(EXAMS_END, END))
def date_epreuves_fin(ctx: Context) -> Iterator[Finding]:
    if ctx.v(EXAMS_END) > ctx.v(END):
        yield (
            EXAMS_END,
            "Le contrat doit couvrir les examens : la fin des épreuves ne peut pas être postérieure à la fin du "
            "contrat.",
        )


@rule("DATE-EPREUVES-DEBUT", needs=(EXAMS_END, START))
def date_epreuves_debut(ctx: Context) -> Iterator[Finding]:
    if ctx.v(EXAMS_END) < ctx.v(START):
        yield EXAMS_END, "La fin des épreuves ne peut pas précéder le début d'exécution du contrat."


@rule("DATE-FORMATION-ORDER", needs=(EXAMS_END, CFA_START))
def date_formation_order(ctx: Context) -> Iterator[Finding]:
    if ctx.v(EXAMS_END) < ctx.v(CFA_START):
        yield EXAMS_END, "La fin des épreuves ne peut pas précéder le début de la formation en CFA."


@rule("DATE-FORMATION-DUREE", needs=(EXAMS_END, CFA_START))
def date_formation_duree(ctx: Context) -> Iterator[Finding]:
    exams_end, cfa_start = ctx.v(EXAMS_END), ctx.v(CFA_START)
    earliest, latest = period_end(cfa_start, 6), period_end(cfa_start, 48)
    if exams_end >= cfa_start and not earliest <= exams_end <= latest:
        yield (
            EXAMS_END,
            "La formation, du début en CFA à la fin des épreuves, doit durer entre 6 mois et 4 ans : fin des "
            f"épreuves entre le {format_date(earliest)} et le {format_date(latest)}.",
        )


@rule("DATE-FIN-EPREUVES-3M", needs=(END, EXAMS_END))
def date_fin_epreuves_3m(ctx: Context) -> Iterator[Finding]:
    latest = add_months(ctx.v(EXAMS_END), 3)
    if ctx.v(END) > latest:
        yield (
            END,
            "Le contrat ne peut pas se terminer plus de 3 mois après la fin des épreuves : date de fin au plus tard le "
            f"{format_date(latest)}.",
        )


@rule("W-FIN-2M", needs=(END, EXAMS_END), warning=True)
def w_fin_2m(ctx: Context) -> Iterator[Finding]:
    if add_months(ctx.v(EXAMS_END), 2) < ctx.v(END) <= add_months(ctx.v(EXAMS_END), 3):
        yield (
            END,
            "Le contrat se termine plus de 2 mois après la fin des épreuves : vérifiez la date prévue des examens.",
        )


@rule("DATE-AVENANT-RANGE", needs=(TYPE, EFFET, START, END))
def date_avenant_range(ctx: Context) -> Iterator[Finding]:
    if ctx.v(TYPE) in AVENANT_TYPES and not ctx.v(START) <= ctx.v(EFFET) <= ctx.v(END):
        yield (
            EFFET,
            "La date d'effet de l'avenant doit être comprise entre le début d'exécution et la fin du contrat "
            f"(du {format_date(ctx.v(START))} au {format_date(ctx.v(END))}).",
        )


@rule("DATE-FIN-PASSEE", needs=(END,))
def date_fin_passee(ctx: Context) -> Iterator[Finding]:
    if ctx.v(END) < ctx.today:
        yield END, "La date de fin du contrat est déjà passée."


@rule("W-DEPOT-5J", needs=(START,), optional=("depot_date_reception",), warning=True)
def w_depot_5j(ctx: Context) -> Iterator[Finding]:
    deposit = ctx.v("depot_date_reception") or ctx.today
    deadline = add_jours_ouvrables(ctx.v(START), 5)
    if deposit > deadline:
        yield (
            START,
            "Le contrat doit être déposé auprès de l'OPCO dans les 5 jours ouvrables qui suivent le début de son "
            f"exécution (au plus tard le {format_date(deadline)}) ; l'OPCO dispose ensuite de 20 jours pour statuer.",
        )


# --------------------------------------------------------------------------------------------------------------
# §5.5 Contract duration — DUR-* (only when start < end)


@rule("DUR-MIN6", needs=(START, END), contract_period=True)
def dur_min6(ctx: Context) -> Iterator[Finding]:
    earliest = period_end(ctx.v(START), 6)
    if ctx.v(END) < earliest:
        yield (
            END,
            "Le contrat (ou la période d'apprentissage) doit durer au moins 6 mois : date de fin au plus tôt le "
            f"{format_date(earliest)}.",
        )


@rule("DUR-MAX-ABS", needs=(START, END), contract_period=True)
def dur_max_abs(ctx: Context) -> Iterator[Finding]:
    latest = period_end(ctx.v(START), 54)
    if ctx.v(END) > latest:
        yield END, f"Le contrat ne peut pas durer plus de 54 mois : date de fin au plus tard le {format_date(latest)}."


def _long_contract_justified(ctx: Context) -> bool:
    return any(ctx.is_true(flag) for flag in LONG_CONTRACT_FLAGS) or ctx.v(TYPE) in ("33", "34")


@rule("DUR-MAX-3Y", needs=(START, END), optional=(TYPE, *LONG_CONTRACT_FLAGS), contract_period=True)
def dur_max_3y(ctx: Context) -> Iterator[Finding]:
    start, end = ctx.v(START), ctx.v(END)
    latest = period_end(start, 36)
    if latest < end <= period_end(start, 54) and not _long_contract_justified(ctx):
        yield (
            END,
            f"Le contrat ne peut pas durer plus de 3 ans (date de fin au plus tard le {format_date(latest)}), sauf "
            "pour un(e) apprenti(e) reconnu(e) travailleur handicapé (RQTH, BOE, équivalence jeunes) ou une "
            "prolongation (avenants 33 et 34).",
        )


@rule("W-DUR-4Y", needs=(START, END), optional=(TYPE, *LONG_CONTRACT_FLAGS), warning=True, contract_period=True)
def w_dur_4y(ctx: Context) -> Iterator[Finding]:
    start, end = ctx.v(START), ctx.v(END)
    if period_end(start, 48) < end <= period_end(start, 54) and _long_contract_justified(ctx):
        yield END, "Contrat de plus de 4 ans : vérifiez que cette durée est justifiée."


@rule("W-DUREE-CYCLE", needs=(START, CFA_START), optional=(DEROG,), warning=True)
def w_duree_cycle(ctx: Context) -> Iterator[Finding]:
    # [CHOICE] "much earlier" = the CFA training starts more than one month before the contract.
    if ctx.v(DEROG) is None and ctx.v(CFA_START) < add_months(ctx.v(START), -1):
        yield (
            DEROG,
            "La formation en CFA commence nettement avant le contrat : si le contrat est plus court que le cycle de "
            "formation, indiquez la dérogation « 21 – Réduction de la durée » (convention avec le CFA).",
        )


# --------------------------------------------------------------------------------------------------------------
# §5.6 Weekly working time — HEB-*


def _weekly_minutes(ctx: Context) -> int:
    return ctx.v(HOURS) * 60 + (ctx.v(MINUTES) or 0)


@rule("HEB-MAX40", needs=(HOURS,), optional=(MINUTES,))
def heb_max40(ctx: Context) -> Iterator[Finding]:
    if _weekly_minutes(ctx) > 40 * 60:
        yield HOURS, "La durée hebdomadaire du travail ne peut pas dépasser 40 heures."


@rule("HEB-MINEUR", needs=(HOURS, BIRTH, START), optional=(MINUTES, "contrat_derogation_horaire_mineur"))
def heb_mineur(ctx: Context) -> Iterator[Finding]:
    # L. 3162-1 protects workers under 18 only: the age on the day the hours apply (an avenant's effective date).
    age = ctx.age_on(ctx.terms_apply_on)
    derogation = ctx.v("contrat_derogation_horaire_mineur") or "aucune"
    if age is None or age >= 18:
        return
    # With a derogation the ceiling is 40 h, which HEB-MAX40 enforces for everyone.
    if derogation == "aucune" and _weekly_minutes(ctx) > MINOR_WEEKLY_CEILING_MINUTES["aucune"]:
        yield (
            HOURS,
            "Un(e) apprenti(e) mineur(e) ne peut pas travailler plus de 35 heures par semaine sans dérogation : "
            "ramenez la durée à 35 heures ou indiquez la dérogation horaire (chantiers du BTP ou du paysage, ou "
            "autorisation de l'inspection du travail).",
        )


@rule("W-HEB-35", needs=(HOURS, BIRTH, START), optional=(MINUTES,), warning=True)
def w_heb_35(ctx: Context) -> Iterator[Finding]:
    age = ctx.age_on(ctx.terms_apply_on)  # an adult on the day the hours apply: HEB-MINEUR's complement
    if age is not None and age >= 18 and 35 * 60 < _weekly_minutes(ctx) <= 40 * 60:
        yield (
            HOURS,
            "Durée supérieure à 35 heures : si les heures au-delà de 35 heures sont compensées par des jours de RTT, "
            "indiquez 35 heures.",
        )


@rule("W-RISQUE-MINEUR", needs=("contrat_travail_risque", BIRTH, START), warning=True)
def w_risque_mineur(ctx: Context) -> Iterator[Finding]:
    age = ctx.age_start
    if age is not None and age < 18 and ctx.is_true("contrat_travail_risque"):
        yield (
            "contrat_travail_risque",
            "Apprenti(e) mineur(e) affecté(e) à des travaux réglementés : l'employeur doit avoir déclaré la dérogation "
            "auprès de l'inspection du travail (art. R. 4153-38 et suivants du code du travail).",
        )


# --------------------------------------------------------------------------------------------------------------
# §5.7 Remuneration — REM-* (only when start < end)


@rule("REM-REQ", contract_period=True)
def rem_req(ctx: Context) -> Iterator[Finding]:
    for year, period in ROWS:
        if (year, period) == (1, 1):
            continue  # always required: reported by REQ
        if ctx.row_filled(year, period):
            for part in REMUNERATION_PARTS:
                field_id = remuneration_id(year, period, part)
                if not ctx.filled(field_id):
                    yield (
                        field_id,
                        f"Complétez la ligne de rémunération « {ORDINALS[year]} année, période {period} » "
                        "(du, au, taux et base) ou videz-la.",
                    )


@rule("REM-STRUCT", needs=(START, END), contract_period=True)
def rem_struct(ctx: Context) -> Iterator[Finding]:
    start, end = ctx.v(START), ctx.v(END)
    rows = []
    for year, period in ROWS:
        if not ctx.row_filled(year, period):
            continue
        du, au = ctx.v(remuneration_id(year, period, "du")), ctx.v(remuneration_id(year, period, "au"))
        if du is None or au is None:
            return  # an unusable date: reported by REQ / REM-REQ / FMT-DATE
        rows.append((year, period, du, au))

    for year in contract_years(start, end):
        if not any(row[0] == year for row in rows):
            yield (
                remuneration_id(year, 1, "du"),
                f"Renseignez la rémunération de la {ORDINALS[year]} année d'exécution du contrat (à partir du "
                f"{format_date(year_window(start, end, year)[0])}).",
            )
    if not rows:
        return

    previous_au: date | None = None
    for year, period, du, au in rows:
        du_id, au_id = remuneration_id(year, period, "du"), remuneration_id(year, period, "au")
        first, last = year_window(start, end, year)
        if previous_au is None and du != start:
            yield (
                du_id,
                f"La première période de rémunération doit commencer le {format_date(start)}, début du contrat.",
            )
        elif previous_au is not None and du != previous_au + ONE_DAY:
            yield (
                du_id,
                "Cette période doit commencer le lendemain de la fin de la période précédente, soit le "
                f"{format_date(previous_au + ONE_DAY)}.",
            )
        if du < first:
            yield (
                du_id,
                f"Cette période commence avant la {ORDINALS[year]} année d'exécution du contrat, qui débute le "
                f"{format_date(first)}.",
            )
        elif au < du:
            yield au_id, "La fin de la période doit être postérieure ou égale à son début."
        elif au > last:
            yield (
                au_id,
                f"Cette période doit se terminer au plus tard le {format_date(last)}, dernier jour de la "
                f"{ORDINALS[year]} année d'exécution du contrat.",
            )
        previous_au = au

    year, period, _, au = rows[-1]
    if au != end:
        yield (
            remuneration_id(year, period, "au"),
            f"La dernière période de rémunération doit se terminer le {format_date(end)}, date de fin du contrat.",
        )


def _row_minimum(ctx: Context, row: dict[str, Any], *, btp: bool = False) -> Decimal | None:
    timeline = ctx.timeline
    return timeline.minimum_rate(row["du"], row["au"], btp=btp) if timeline else None


@rule("REM-MIN", needs=(BIRTH, START, END), contract_period=True)
def rem_min(ctx: Context) -> Iterator[Finding]:
    for year, period, row in ctx.complete_rows():
        minimum = _row_minimum(ctx, row)
        if minimum is not None and row["taux"] < minimum:
            extra_year = (
                " ; la 4e année d'un contrat prolongé pour un(e) apprenti(e) en situation de handicap est payée au "
                "taux de la 3e année majoré de 15 points"
                if year == MAX_YEARS and ctx.timeline and ctx.timeline.disability_extension
                else ""
            )
            yield (
                remuneration_id(year, period, "taux"),
                f"Le taux est inférieur au minimum légal applicable sur cette période : {_pct(minimum)} (selon l'âge "
                f"de l'apprenti(e) et l'année d'exécution du contrat{extra_year}).",
            )


@rule("REM-SMC", needs=(BIRTH, START, END, SMC), contract_period=True)
def rem_smc(ctx: Context) -> Iterator[Finding]:
    smic, smc, timeline = ctx.smic_at_start(), ctx.v(SMC), ctx.timeline
    if smic is None or timeline is None or smc <= smic:
        return
    for year, period, row in ctx.complete_rows():
        base_id = remuneration_id(year, period, "base")
        base = ctx.v(base_id)
        minimum = _row_minimum(ctx, row)
        smc_rate = timeline.smc_minimum_rate(row["du"], row["au"])
        if base is None or minimum is None or row["taux"] < minimum or smc_rate is None:
            continue  # REM-SMC only once REM-MIN passed for the row
        reference = smc if base == "SMC" else smic
        if row["taux"] * reference < smc_rate * smc:
            yield (
                base_id,
                f"Le salaire minimum conventionnel ({_euros(smc)}) est plus favorable que le SMIC ({_euros(smic)}) : "
                f"la rémunération de cette période doit être calculée sur le SMC (au moins {_pct(smc_rate)} du SMC).",
            )


@rule("REM-SMC-INF", needs=(START, SMC), contract_period=True)
def rem_smc_inf(ctx: Context) -> Iterator[Finding]:
    # D. 6222-26: the SMC is the base only "s'il est supérieur" to the SMIC.
    smic, smc = ctx.smic_at_start(), ctx.v(SMC)
    if smic is None or smc > smic:
        return
    for year, period in ROWS:
        base_id = remuneration_id(year, period, "base")
        if ctx.v(base_id) == "SMC":
            yield (
                base_id,
                f"Le salaire minimum conventionnel ({_euros(smc)}) n'est pas supérieur au SMIC en vigueur au début du "
                f"contrat ({_euros(smic)}) : la rémunération se calcule sur le SMIC (art. D. 6222-26).",
            )


@rule("REQ-SMC", needs=(BIRTH, END), optional=(SMC,), contract_period=True)
def req_smc(ctx: Context) -> Iterator[Finding]:
    age = ctx.age_on(ctx.v(END))
    if age is not None and age >= 21 and not ctx.filled(SMC):
        yield (
            SMC,
            "L'apprenti(e) aura 21 ans ou plus pendant le contrat : indiquez le salaire minimum conventionnel (SMC) "
            "de l'emploi occupé (0 s'il n'y en a pas).",
        )


@rule(
    "REM-SALAIRE",
    needs=(SALAIRE, START, END, "remuneration_1_1_taux", "remuneration_1_1_base"),
    optional=(SMC,),
    contract_period=True,
)
def rem_salaire(ctx: Context) -> Iterator[Finding]:
    rate = ctx.v("remuneration_1_1_taux")
    if ctx.v("remuneration_1_1_base") == "SMC":
        reference, base = ctx.v(SMC), "du SMC"
    else:
        reference, base = ctx.smic_at_start(), "du SMIC"
    if reference is None:
        return
    if ctx.v(SALAIRE) + Decimal("0.01") < rate * reference / 100:
        yield (
            SALAIRE,
            f"Le salaire brut mensuel à l'embauche doit être d'au moins {_euros(minimum_amount(rate, reference))} "
            f"({_pct(rate)} {base} de {_euros(reference)}, taux de la 1re période de rémunération).",
        )


@rule("W-BTP-GRID", needs=(BIRTH, START, END, IDCC), warning=True, contract_period=True)
def w_btp_grid(ctx: Context) -> Iterator[Finding]:
    if not is_btp_agreement(ctx.v(IDCC)):
        return
    for year, period, row in ctx.complete_rows():
        legal, branch = _row_minimum(ctx, row), _row_minimum(ctx, row, btp=True)
        if legal is not None and branch is not None and legal <= row["taux"] < branch:
            yield (
                remuneration_id(year, period, "taux"),
                f"Le taux est inférieur au minimum de l'accord de branche du BTP du 8 février 2005 ({_pct(branch)}) "
                f"applicable à la convention collective {ctx.v(IDCC)}.",
            )


@rule(
    "W-SUCCESSION-REMU",
    needs=(TYPE, "contrat_precedent_dernier_taux", "remuneration_1_1_taux"),
    warning=True,
    contract_period=True,
)
def w_succession_remu(ctx: Context) -> Iterator[Finding]:
    previous, rate = ctx.v("contrat_precedent_dernier_taux"), ctx.v("remuneration_1_1_taux")
    row = ctx.row(1, 1)
    minimum = _row_minimum(ctx, row) if row["du"] and row["au"] else None
    if ctx.v(TYPE) in SUCCESSION_CONTRACT_TYPES and rate < previous and (minimum is None or minimum <= previous):
        yield (
            "remuneration_1_1_taux",
            f"Le taux est inférieur au dernier taux du contrat précédent ({_pct(previous)}) : la rémunération doit "
            "être au moins celle de la dernière année du contrat précédent (même employeur) ou le minimum que "
            "l'apprenti(e) avait atteint (autre employeur) (art. D. 6222-31 et D. 6222-32).",
        )


@rule(
    "W-AVENANT33-REMU",
    needs=(TYPE,),
    optional=("contrat_precedent_dernier_taux", "remuneration_1_1_taux"),
    warning=True,
)
def w_avenant33_remu(ctx: Context) -> Iterator[Finding]:
    previous, rate = ctx.v("contrat_precedent_dernier_taux"), ctx.v("remuneration_1_1_taux")
    if ctx.v(TYPE) == "33" and (previous is None or rate is None or rate < previous):
        yield (
            "remuneration_1_1_taux",
            "Prolongation après échec à l'examen : la rémunération de la période de prolongation est au moins celle "
            "de la dernière année du contrat prolongé.",
        )


@rule("W-DUREE-REDUITE-REMU", needs=(DEROG,), warning=True)
def w_duree_reduite_remu(ctx: Context) -> Iterator[Finding]:
    if ctx.v(DEROG) in ("21", "50"):
        yield (
            "remuneration_1_1_taux",
            "Durée réduite : l'apprenti(e) est réputé(e) avoir accompli la partie du cycle non couverte, la "
            "rémunération peut commencer à la 2e ou 3e année (art. D. 6222-28-1) ; vérifiez les taux pré-remplis.",
        )


@rule("W-AVANTAGES", warning=True)
def w_avantages(ctx: Context) -> Iterator[Finding]:
    for field_id in ("contrat_avantage_nourriture", "contrat_avantage_logement"):
        if ctx.v(field_id) is not None:
            yield (
                field_id,
                "Les avantages en nature ne peuvent être déduits du salaire que dans la limite de 75 % de la déduction "
                "autorisée pour les autres salariés et de 75 % du salaire (art. D. 6222-33).",
            )


# --------------------------------------------------------------------------------------------------------------
# §5.8 Contract / avenant type — TYPE-*


@rule("TYPE-NUM-PREC", needs=(TYPE,))
def type_num_prec(ctx: Context) -> Iterator[Finding]:
    if ctx.v(TYPE) in AVENANT_TYPES and not ctx.filled(NUMPREC):
        yield NUMPREC, "Pour un avenant, indiquez le numéro du contrat sur lequel il porte."


@rule("TYPE-EFFET-AVENANT", needs=(TYPE,))
def type_effet_avenant(ctx: Context) -> Iterator[Finding]:
    if ctx.v(TYPE) in AVENANT_TYPES and not ctx.filled(EFFET):
        yield EFFET, "Pour un avenant, indiquez sa date d'effet."


@rule("W-NUM-PREC-SUCCESSION", needs=(TYPE,), warning=True)
def w_num_prec_succession(ctx: Context) -> Iterator[Finding]:
    if ctx.v(TYPE) in SUCCESSION_CONTRACT_TYPES and not ctx.filled(NUMPREC):
        yield NUMPREC, "Succession de contrats : indiquez le numéro du contrat d'apprentissage précédent."


@rule("W-NUM-PREC-11", needs=(TYPE,), warning=True)
def w_num_prec_11(ctx: Context) -> Iterator[Finding]:
    if ctx.v(TYPE) == "11":
        for field_id in (NUMPREC, EFFET):
            if ctx.filled(field_id):
                yield field_id, "Premier contrat (type 11) : ce champ est ignoré et ne sera pas imprimé."


@rule("W-TYPE11-SITUATION", needs=(TYPE, "apprenti_situation_avant_contrat"), warning=True)
def w_type11_situation(ctx: Context) -> Iterator[Finding]:
    if ctx.v(TYPE) == "11" and ctx.v("apprenti_situation_avant_contrat") in ("4", "8"):
        yield (
            TYPE,
            "L'apprenti(e) était déjà en contrat d'apprentissage : s'agit-il bien d'un premier contrat (type 11) et "
            "non d'une succession de contrats (types 21 à 23) ?",
        )


@rule("W-MODE-SPECIFIQUE", needs=("mode_contractuel",), optional=("employeur_specifique",), warning=True)
def w_mode_specifique(ctx: Context) -> Iterator[Finding]:
    mode, specifique = ctx.v("mode_contractuel"), ctx.v("employeur_specifique") or "0"
    if mode == "3" and specifique != "1":
        yield (
            "employeur_specifique",
            "Contrat conclu par une entreprise de travail temporaire : l'employeur spécifique devrait être "
            "« 1 – Entreprise de travail temporaire ».",
        )
    elif mode == "4" and specifique != "3":
        yield (
            "employeur_specifique",
            "Activités saisonnières : l'employeur spécifique devrait être « 3 – Employeur saisonnier ».",
        )


# --------------------------------------------------------------------------------------------------------------
# §5.9 Maître d'apprentissage — MA-*


@rule("MA-MAJEUR", needs=(START,))
def ma_majeur(ctx: Context) -> Iterator[Finding]:
    # L. 6223-8-1: the maître is an adult on the day they act (an avenant's effective date, e.g. a new maître).
    day = ctx.terms_apply_on
    if day is None:
        return
    when = "à la date d'effet de l'avenant" if ctx.is_avenant else "au début d'exécution du contrat"
    for number in (1, 2):
        field_id = f"maitre{number}_date_naissance"
        birth = ctx.v(field_id)
        if birth and age_on(birth, day) < 18:
            yield field_id, f"Le maître d'apprentissage doit être majeur {when}."


@rule("MA2-INCOMPLET")
def ma2_incomplet(ctx: Context) -> Iterator[Finding]:
    if any(ctx.filled(field_id) for field_id in MAITRE2_FIELDS):
        for field_id in MAITRE2_FIELDS:
            if not ctx.filled(field_id):
                yield field_id, "Maître d'apprentissage n°2 : complétez tous ses champs (ou videz-les tous)."


@rule("W-MA-NIVEAU", needs=("formation_diplome_vise_code",), warning=True)
def w_ma_niveau(ctx: Context) -> Iterator[Finding]:
    target = DIPLOMA_LEVEL[ctx.v("formation_diplome_vise_code")]
    for number in (1, 2):
        field_id = f"maitre{number}_niveau_diplome"
        level = ctx.v(field_id)
        if level is not None and int(level) < target:
            yield (
                field_id,
                "Le niveau de diplôme du maître d'apprentissage est inférieur à celui du diplôme préparé : il doit "
                "alors justifier de 2 ans d'expérience professionnelle en rapport avec la qualification visée.",
            )


@rule("W-MA-CHARGE", warning=True)
def w_ma_charge(ctx: Context) -> Iterator[Finding]:
    lookup = ctx.referentials.maitre_active_contracts
    nom, prenom, birth = ctx.v("maitre1_nom_naissance"), ctx.v("maitre1_prenom"), ctx.v("maitre1_date_naissance")
    if lookup is None or not (nom and prenom and birth):
        return
    count = lookup(nom, prenom, birth.isoformat())
    if count is not None and count >= 2:
        yield (
            "maitre1_nom_naissance",
            f"Ce maître d'apprentissage suit déjà {count} apprentis : un maître ne peut suivre que deux apprentis et "
            "un apprenti redoublant (art. R. 6223-6).",
        )


@rule("W-MA-APPRENTI", needs=(BIRTH, "apprenti_nom_naissance"), warning=True)
def w_ma_apprenti(ctx: Context) -> Iterator[Finding]:
    name = ctx.v("apprenti_nom_naissance").casefold()
    for number in (1, 2):
        nom, birth = ctx.v(f"maitre{number}_nom_naissance"), ctx.v(f"maitre{number}_date_naissance")
        if nom and birth and nom.casefold() == name and birth == ctx.v(BIRTH):
            yield (
                f"maitre{number}_nom_naissance",
                "Le maître d'apprentissage a le même nom et la même date de naissance que l'apprenti(e) : vérifiez.",
            )


# --------------------------------------------------------------------------------------------------------------
# §5.10 Employer — EMP-*


@rule("EMP-TYPE-COHERENCE", needs=("employeur_prive_public", "employeur_type"))
def emp_type_coherence(ctx: Context) -> Iterator[Finding]:
    sector, kind = ctx.v("employeur_prive_public"), ctx.v("employeur_type")
    if sector == "prive" and kind in PUBLIC_EMPLOYER_TYPES:
        yield "employeur_type", "Ce type d'employeur est un employeur public, alors que l'employeur est déclaré privé."
    elif sector == "public" and kind in PRIVATE_EMPLOYER_TYPES:
        yield "employeur_type", "Ce type d'employeur est un employeur privé, alors que l'employeur est déclaré public."


@rule("EMP-PUBLIC-SCOPE", needs=("employeur_prive_public", "employeur_type"))
def emp_public_scope(ctx: Context) -> Iterator[Finding]:
    if ctx.v("employeur_prive_public") == "public" and ctx.v("employeur_type") in DDETS_EMPLOYER_TYPES:
        yield (
            "employeur_type",
            "Les contrats d'apprentissage des employeurs publics (hors EPIC) se déposent auprès de la DDETS par la "
            "plateforme des employeurs publics, pas auprès de l'OPCO.",
        )


@rule("EMP-IDCC-INCONNU", needs=(IDCC,))
def emp_idcc_inconnu(ctx: Context) -> Iterator[Finding]:
    lookup = ctx.referentials.idcc_status
    if lookup is not None and ctx.v(IDCC) not in IDCC_SPECIAL and lookup(ctx.v(IDCC)) == "inconnu":
        yield IDCC, f"La convention collective IDCC {ctx.v(IDCC)} est inconnue : vérifiez le code."


@rule("W-IDCC-VIGUEUR", needs=(IDCC,), warning=True)
def w_idcc_vigueur(ctx: Context) -> Iterator[Finding]:
    lookup = ctx.referentials.idcc_status
    if lookup is not None and ctx.v(IDCC) not in IDCC_SPECIAL and lookup(ctx.v(IDCC)) == "abroge":
        yield (
            IDCC,
            f"La convention collective IDCC {ctx.v(IDCC)} n'est plus en vigueur : indiquez la convention qui l'a "
            "remplacée.",
        )


@rule("W-IDCC-OPCO", needs=(IDCC,), warning=True)
def w_idcc_opco(ctx: Context) -> Iterator[Finding]:
    idcc = ctx.v(IDCC)
    if idcc not in codes.IDCC_CONSTRUCTYS and idcc not in IDCC_SPECIAL:
        yield (
            IDCC,
            f"La convention collective IDCC {idcc} ne relève pas de Constructys : le contrat dépend peut-être d'un "
            "autre OPCO (voir « Quel est mon OPCO ? »).",
        )


@rule("W-RAC-PRIVE", needs=("employeur_prive_public",), warning=True)
def w_rac_prive(ctx: Context) -> Iterator[Finding]:
    field_id = "employeur_regime_assurance_chomage_public"
    if ctx.v("employeur_prive_public") == "prive" and parse_bool(ctx.data.get(field_id)) is True:
        yield (
            field_id,
            "Le régime spécifique d'assurance chômage ne concerne que les employeurs publics : cette case sera "
            "ignorée.",
        )


@rule("EMP-SIRET-ACTIF", needs=("employeur_siret",))
def emp_siret_actif(ctx: Context) -> Iterator[Finding]:
    lookup = ctx.referentials.siret_active
    if lookup is not None and lookup(ctx.v("employeur_siret")) is False:
        yield (
            "employeur_siret",
            "Ce SIRET est inconnu ou l'établissement est fermé dans le répertoire SIRENE : indiquez le SIRET de "
            "l'établissement où le contrat est exécuté.",
        )


@rule("W-TYPE-SUGGESTION", needs=("employeur_siret", "employeur_type"), warning=True)
def w_type_suggestion(ctx: Context) -> Iterator[Finding]:
    lookup = ctx.referentials.legal_form
    if lookup is None:
        return
    suggested = LEGAL_FORM_EMPLOYER_TYPE.get(lookup(ctx.v("employeur_siret")) or "")
    if suggested and suggested != ctx.v("employeur_type"):
        yield (
            "employeur_type",
            f"D'après sa forme juridique, l'employeur serait plutôt du type « {suggested} – "
            f"{codes.label_for('employeur_type', suggested)} » : vérifiez.",
        )


# --------------------------------------------------------------------------------------------------------------
# §5.11 Training — FOR-*


@rule("FOR-DISTANCE", needs=("formation_duree_heures_distance", "formation_duree_heures"))
def for_distance(ctx: Context) -> Iterator[Finding]:
    if ctx.v("formation_duree_heures_distance") > ctx.v("formation_duree_heures"):
        yield (
            "formation_duree_heures_distance",
            "La durée de formation à distance ne peut pas dépasser la durée totale de la formation.",
        )


@rule("FOR-LIEU-REQ", needs=("formation_cfa_est_lieu_principal",))
def for_lieu_req(ctx: Context) -> Iterator[Finding]:
    if ctx.v("formation_cfa_est_lieu_principal") is False:
        for field_id in LIEU_REQUIRED:
            if not ctx.filled(field_id):
                yield field_id, "Obligatoire : le CFA responsable n'est pas le lieu principal de la formation."


@rule("W-QUOTITE-25", needs=("formation_duree_heures", START, END), warning=True)
def w_quotite_25(ctx: Context) -> Iterator[Finding]:
    if not ctx.contract_period_ok:
        return
    months = months_covering(ctx.v(START), ctx.v(END))
    minimum = codes.MIN_TRAINING_SHARE * codes.LEGAL_ANNUAL_HOURS * months / 12
    if ctx.v("formation_duree_heures") < minimum:
        yield (
            "formation_duree_heures",
            f"La formation en CFA doit représenter au moins 25 % de la durée du contrat ({months} mois), soit "
            f"{_hours(minimum)} heures (art. L. 6211-2).",
        )


@rule("FOR-RNCP-ACTIF", needs=("formation_code_rncp",))
def for_rncp_actif(ctx: Context) -> Iterator[Finding]:
    lookup = ctx.referentials.rncp_status
    if lookup is not None and lookup(ctx.v("formation_code_rncp")) in ("inactive", "inconnu"):
        yield (
            "formation_code_rncp",
            "Cette certification est inconnue ou n'est plus active au RNCP : indiquez une certification active.",
        )


@rule("W-DIPLOME-PREFIX", needs=("formation_diplome_vise_code", "formation_code_diplome"), warning=True)
def w_diplome_prefix(ctx: Context) -> Iterator[Finding]:
    expected = CFD_PREFIX_DIPLOMA.get(ctx.v("formation_code_diplome")[:3])
    if expected and ctx.v("formation_diplome_vise_code") not in expected:
        labels = " ou ".join(f"« {code} – {codes.label_for('diplome', code)} »" for code in expected)
        yield (
            "formation_diplome_vise_code",
            f"D'après le code diplôme, le diplôme visé serait plutôt {labels} : vérifiez.",
        )


@rule("W-CFD-RNCP", needs=("formation_code_diplome", "formation_code_rncp"), warning=True)
def w_cfd_rncp(ctx: Context) -> Iterator[Finding]:
    lookup = ctx.referentials.cfd_rncp_linked
    if ctx.v("formation_code_diplome") == CFD_NOT_FOUND:
        return  # no diploma code to compare
    if lookup is not None and lookup(ctx.v("formation_code_diplome"), ctx.v("formation_code_rncp")) is False:
        yield (
            "formation_code_diplome",
            "Le code diplôme et le code RNCP ne désignent pas la même certification : vérifiez-les.",
        )


# --------------------------------------------------------------------------------------------------------------
# §5.12 Signature


@rule("W-REP-SIGNATURE", needs=(BIRTH, CONCL, "apprenti_mineur_non_emancipe"), warning=True)
def w_rep_signature(ctx: Context) -> Iterator[Finding]:
    if _representative_required(ctx):
        yield (
            "signature_fait_a",
            "Apprenti(e) mineur(e) non émancipé(e) : le contrat imprimé doit aussi être signé par son représentant "
            "légal.",
        )


# --------------------------------------------------------------------------------------------------------------
# §2.8 Back-office block


@rule("DEPOT-DECISION", needs=("depot_date_reception", "depot_date_decision"))
def depot_decision(ctx: Context) -> Iterator[Finding]:
    if ctx.v("depot_date_decision") < ctx.v("depot_date_reception"):
        yield "depot_date_decision", "La date de la décision ne peut pas précéder la date de réception du dossier."


@rule("W-DEPOT-DECISION-20J", needs=("depot_date_reception", "depot_date_decision"), warning=True)
def w_depot_decision_20j(ctx: Context) -> Iterator[Finding]:
    reception = ctx.v("depot_date_reception")
    if ctx.v("depot_date_decision") > reception + (20 * ONE_DAY):
        yield "depot_date_decision", "L'OPCO doit statuer dans les 20 jours suivant la réception du dossier complet."


RULE_IDS: tuple[str, ...] = tuple(r.id for r in RULES)
assert len(set(RULE_IDS)) == len(RULE_IDS), "duplicate rule id"
