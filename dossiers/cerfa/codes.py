"""Every code list of the CERFA FA13 (10103*14) specification (§3), and the reference data the rules use.

One place for all of them: the wizard's select widgets, the PDF and the rule engine read the lists from here.
Codes are strings exactly as printed (leading zeros kept).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class CodeEntry:
    code: str
    label: str
    group: str = ""


@dataclass(frozen=True)
class CodeList:
    name: str
    title: str
    entries: tuple[CodeEntry, ...]
    # A closed list rejects any other value (rule LIST); an open list only suggests values (free text allowed).
    closed: bool = True

    def __contains__(self, code: object) -> bool:
        return any(entry.code == code for entry in self.entries)

    def __iter__(self) -> Iterator[CodeEntry]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(entry.code for entry in self.entries)

    def label(self, code: str) -> str | None:
        for entry in self.entries:
            if entry.code == code:
                return entry.label
        return None

    def choices(self) -> list[tuple[str, str]]:
        """`(code, label)` pairs in the printed order, for a select widget."""
        return [(entry.code, entry.label) for entry in self.entries]

    def grouped_choices(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """Django-style option groups `[(group, [(code, label), …]), …]`; entries without a group go in a "" group."""
        groups: dict[str, list[tuple[str, str]]] = {}
        for entry in self.entries:
            groups.setdefault(entry.group, []).append((entry.code, entry.label))
        return list(groups.items())


def _list(name: str, title: str, rows: list[tuple[str, str]] | list[tuple[str, str, str]], closed: bool = True):
    return CodeList(name, title, tuple(CodeEntry(*row) for row in rows), closed)


# §3.1
MODE_CONTRACTUEL = _list(
    "mode_contractuel",
    "Mode contractuel de l'apprentissage",
    [
        ("1", "À durée limitée"),
        ("2", "Dans le cadre d'un CDI"),
        ("3", "Entreprise de travail temporaire"),
        ("4", "Activités saisonnières à deux employeurs"),
    ],
)

# §2.1 (two boxes, exactly one ticked)
EMPLOYEUR_PRIVE_PUBLIC = _list(
    "employeur_prive_public",
    "Employeur privé ou public",
    [("prive", "Employeur privé"), ("public", "Employeur « public »")],
)

# §3.2 — group = sector
EMPLOYEUR_TYPE = _list(
    "employeur_type",
    "Type d'employeur",
    [
        (
            "11",
            "Entreprise inscrite au répertoire des métiers ou au registre des entreprises pour l'Alsace-Moselle",
            "Privé",
        ),
        ("12", "Entreprise inscrite uniquement au registre du commerce et des sociétés", "Privé"),
        ("13", "Entreprises dont les salariés relèvent de la mutualité sociale agricole", "Privé"),
        ("14", "Profession libérale", "Privé"),
        ("15", "Association", "Privé"),
        ("16", "Autre employeur privé", "Privé"),
        (
            "21",
            "Service de l'État (administrations centrales et leurs services déconcentrés de la fonction publique "
            "d'État)",
            "Public",
        ),
        ("22", "Commune", "Public"),
        ("23", "Département", "Public"),
        ("24", "Région", "Public"),
        ("25", "Établissement public hospitalier", "Public"),
        ("26", "Établissement public local d'enseignement", "Public"),
        ("27", "Établissement public administratif de l'État", "Public"),
        (
            "28",
            "Établissement public administratif local (y compris établissement public de coopération "
            "intercommunale EPCI)",
            "Public",
        ),
        ("29", "Autre employeur public", "Public"),
        ("30", "Établissement public industriel et commercial (EPIC)", "Public"),
    ],
)
PRIVATE_EMPLOYER_TYPES = frozenset({"11", "12", "13", "14", "15", "16"})
PUBLIC_EMPLOYER_TYPES = frozenset({"21", "22", "23", "24", "25", "26", "27", "28", "29", "30"})
# Public employers whose contracts go to the DDETS, not to the OPCO (EMP-PUBLIC-SCOPE); 30 (EPIC) stays with the OPCO.
DDETS_EMPLOYER_TYPES = PUBLIC_EMPLOYER_TYPES - {"30"}

# §3.2: employer type suggested from the INSEE legal-form code (W-TYPE-SUGGESTION); partial, as in the spec.
LEGAL_FORM_EMPLOYER_TYPE: dict[str, str] = {
    "5710": "12",
    "6521": "14",
    "8170": "15",
    "9220": "15",
    "6316": "13",
    "6317": "13",
    "5426": "16",
}

# §3.3
EMPLOYEUR_SPECIFIQUE = _list(
    "employeur_specifique",
    "Employeur spécifique",
    [
        ("0", "Aucun de ces cas"),
        ("1", "Entreprise de travail temporaire"),
        ("2", "Groupement d'employeurs"),
        ("3", "Employeur saisonnier"),
        ("4", "Apprentissage familial : l'employeur est un ascendant de l'apprenti"),
    ],
)

# §3.4
NATIONALITE = _list(
    "nationalite",
    "Nationalité",
    [("1", "Française"), ("2", "Union Européenne"), ("3", "Étranger hors Union Européenne")],
)

# §3.5
REGIME_SOCIAL = _list("regime_social", "Régime social", [("1", "MSA"), ("2", "URSSAF")])

# §2.2
SEXE = _list("sexe", "Sexe", [("M", "Masculin"), ("F", "Féminin")])

# §3.6
SITUATION_AVANT_CONTRAT = _list(
    "situation_avant_contrat",
    "Situation avant ce contrat",
    [
        ("1", "Scolaire"),
        ("2", "Prépa apprentissage"),
        ("3", "Étudiant"),
        ("4", "Contrat d'apprentissage"),
        ("5", "Contrat de professionnalisation"),
        ("6", "Contrat aidé"),
        (
            "7",
            "En formation au CFA sous statut de stagiaire de la formation professionnelle, avant signature d'un "
            "contrat d'apprentissage (art. L. 6222-12-1 du code du travail)",
        ),
        (
            "8",
            "En formation au CFA sans contrat, sous statut de stagiaire de la formation professionnelle, suite à "
            "rupture (5° de l'art. L. 6231-2 du code du travail)",
        ),
        ("9", "Autres situations sous statut de stagiaire de la formation professionnelle"),
        ("10", "Salarié"),
        ("11", "Personne à la recherche d'un emploi (inscrite ou non à France Travail)"),
        ("12", "Inactif"),
    ],
)

# §3.7 — the 10103*14 table (notice 51649#09), the only one accepted for new entries; group = level heading.
DIPLOME = _list(
    "diplome",
    "Diplôme ou titre",
    [
        ("25", "Diplôme national du Brevet (DNB)", "Aucun diplôme ni titre"),
        ("26", "Certificat de formation générale (CFG)", "Aucun diplôme ni titre"),
        ("13", "Aucun diplôme ni titre professionnel", "Aucun diplôme ni titre"),
        ("33", "CAP", "Diplôme ou titre de niveau CAP/BEP"),
        ("34", "BEP", "Diplôme ou titre de niveau CAP/BEP"),
        ("35", "Certificat de spécialisation", "Diplôme ou titre de niveau CAP/BEP"),
        ("38", "Autre diplôme ou titre de niveau CAP/BEP", "Diplôme ou titre de niveau CAP/BEP"),
        ("41", "Baccalauréat professionnel", "Diplôme ou titre de niveau bac"),
        ("42", "Baccalauréat général", "Diplôme ou titre de niveau bac"),
        ("43", "Baccalauréat technologique", "Diplôme ou titre de niveau bac"),
        ("44", "Diplôme de spécialisation professionnelle (DSP)", "Diplôme ou titre de niveau bac"),
        ("49", "Autre diplôme ou titre de niveau bac", "Diplôme ou titre de niveau bac"),
        ("54", "Brevet de Technicien Supérieur (BTS)", "Diplôme ou titre de niveau bac +2"),
        ("55", "Diplôme Universitaire de Technologie (DUT)", "Diplôme ou titre de niveau bac +2"),
        ("58", "Autre diplôme ou titre de niveau bac +2", "Diplôme ou titre de niveau bac +2"),
        ("62", "Licence professionnelle", "Diplôme ou titre de niveau bac +3 et 4"),
        ("63", "Licence générale", "Diplôme ou titre de niveau bac +3 et 4"),
        ("64", "Bachelor universitaire de technologie (BUT)", "Diplôme ou titre de niveau bac +3 et 4"),
        ("69", "Autre diplôme ou titre de niveau bac +3 ou 4", "Diplôme ou titre de niveau bac +3 et 4"),
        ("73", "Master", "Diplôme ou titre de niveau bac +5 et plus"),
        ("75", "Diplôme d'ingénieur", "Diplôme ou titre de niveau bac +5 et plus"),
        ("76", "Diplôme d'école de commerce", "Diplôme ou titre de niveau bac +5 et plus"),
        ("79", "Autre diplôme ou titre de niveau bac +5 ou plus", "Diplôme ou titre de niveau bac +5 et plus"),
        ("80", "Doctorat", "Diplôme ou titre de niveau bac +5 et plus"),
    ],
)

# §3.7: national qualification level of each diploma code (W-MA-NIVEAU).
DIPLOMA_LEVEL: dict[str, int] = {
    **dict.fromkeys(("13", "25", "26"), 0),
    **dict.fromkeys(("33", "34", "35", "38"), 3),
    **dict.fromkeys(("41", "42", "43", "44", "49"), 4),
    **dict.fromkeys(("54", "55", "58"), 5),
    **dict.fromkeys(("62", "63", "64", "69"), 6),
    **dict.fromkeys(("73", "75", "76", "79"), 7),
    "80": 8,
}

# §3.7: legacy 10103*12 codes → acceptable *14 codes, for importing old data (not accepted for new entries).
# Two targets (74) mean "ask the user".
LEGACY_DIPLOMA_MAP: dict[str, tuple[str, ...]] = {
    **{code: (code,) for code in ("13", "25", "26", "33", "34", "38", "41", "42", "43", "49")},
    **{code: (code,) for code in ("54", "55", "58", "62", "63", "69", "79", "80")},
    "35": ("35",),
    "61": ("69",),
    "71": ("73",),
    "72": ("73",),
    "73": ("73",),
    "74": ("75", "76"),
}


def _prefixes(codes: str, targets: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    return dict.fromkeys(codes.split(), targets)


# §3.7: first 3 characters of the code diplôme (CFD) → expected *14 diploma code(s) (W-DIPLOME-PREFIX).
# Legacy targets are read with the *14 table: 71 → 73, 74 → 75 or 76.
# The code the portal records when the diploma is not in the referential (user guide: "99 – Certification non
# trouvée"). It is accepted in place of a CFD, and the checks that read a CFD's structure skip it.
CFD_NOT_FOUND = "99"
CFD_NOT_FOUND_LABEL = "Certification non trouvée"

CFD_PREFIX_DIPLOMA: dict[str, tuple[str, ...]] = {
    **_prefixes("010 013", ("35",)),
    **_prefixes("100", ("80",)),
    **_prefixes("135 155", ("73",)),
    **_prefixes("140 146 160 16A 16C 16N 16Q 16R 16X", ("79",)),
    **_prefixes("165 170", ("75", "76")),
    **_prefixes("200 201 205", ("63",)),
    **_prefixes("230 236 241 246 255 260 264 265 26A 26C 26M 26N 26Q 26R 26S 26T 26U 26X", ("69",)),
    **_prefixes("250", ("62",)),
    **_prefixes("251", ("64",)),
    **_prefixes("320 323", ("54",)),
    **_prefixes("321 322 336 346 355 360 363 364 36C 36E 36M 36N 36Q 36R 36S 36T 36U 36X", ("58",)),
    **_prefixes("350", ("55",)),
    **_prefixes("400 403", ("41",)),
    **_prefixes("430 433", ("43",)),
    **_prefixes("401 420 446 450 453 460 463 464 46A 46C 46E 46M 46N 46R 46S 46T 46X", ("49",)),
    **_prefixes("500 503", ("33",)),
    **_prefixes("510", ("34",)),
    **_prefixes("553 560 563 564 56C 56E 56J 56M 56R 56T 56X", ("38",)),
    **_prefixes("671", ("25",)),
    **_prefixes("672", ("26",)),
}

# §3.8
DERNIERE_CLASSE = _list(
    "derniere_classe",
    "Dernière classe / année suivie",
    [
        ("01", "L'apprenti a suivi la dernière année du cycle de formation et a obtenu le diplôme ou titre"),
        ("11", "L'apprenti a suivi la 1re année du cycle et l'a validée (examens réussis mais année non diplômante)"),
        ("12", "L'apprenti a suivi la 1re année du cycle mais ne l'a pas validée (échec, interruption ou abandon)"),
        ("21", "L'apprenti a suivi la 2e année du cycle et l'a validée (examens réussis mais année non diplômante)"),
        ("22", "L'apprenti a suivi la 2e année du cycle mais ne l'a pas validée (échec, interruption ou abandon)"),
        ("31", "L'apprenti a suivi la 3e année du cycle et l'a validée (examens réussis, cycles adaptés)"),
        ("32", "L'apprenti a suivi la 3e année du cycle mais ne l'a pas validée (échec, interruption ou abandon)"),
        ("40", "L'apprenti a achevé le 1er cycle de l'enseignement secondaire (collège)"),
        ("41", "L'apprenti a interrompu ses études en classe de 3e"),
        ("42", "L'apprenti a interrompu ses études en classe de 4e"),
    ],
)

# §3.9
NIVEAU_DIPLOME = _list(
    "niveau_diplome",
    "Niveau de diplôme ou titre le plus élevé obtenu",
    [
        ("0", "Aucun diplôme ou titre"),
        ("3", "CAP, BEP"),
        ("4", "Baccalauréat"),
        ("5", "DEUG, BTS, DUT, DEUST"),
        ("6", "Licence, licence professionnelle, BUT, Maîtrise"),
        ("7", "Master, DEA, DESS, diplôme d'ingénieur"),
        ("8", "Doctorat, habilitation à diriger des recherches"),
    ],
)

# §3.10 — group = printed heading
CONTRAT_TYPE = _list(
    "contrat_type",
    "Type de contrat ou d'avenant",
    [
        ("11", "Premier contrat d'apprentissage de l'apprenti", "Contrat initial"),
        (
            "21",
            "Nouveau contrat avec un apprenti qui a terminé son précédent contrat auprès d'un même employeur",
            "Succession de contrats",
        ),
        (
            "22",
            "Nouveau contrat avec un apprenti qui a terminé son précédent contrat auprès d'un autre employeur",
            "Succession de contrats",
        ),
        ("23", "Nouveau contrat avec un apprenti dont le précédent contrat a été rompu", "Succession de contrats"),
        (
            "31",
            "Modification de la situation juridique de l'employeur",
            "Avenant : modification des conditions du contrat",
        ),
        (
            "32",
            "Changement d'employeur dans le cadre d'un contrat saisonnier",
            "Avenant : modification des conditions du contrat",
        ),
        (
            "33",
            "Prolongation du contrat suite à un échec à l'examen de l'apprenti",
            "Avenant : modification des conditions du contrat",
        ),
        (
            "34",
            "Prolongation du contrat suite à la reconnaissance de l'apprenti comme travailleur handicapé",
            "Avenant : modification des conditions du contrat",
        ),
        (
            "35",
            "Diplôme supplémentaire préparé par l'apprenti (art. L. 6222-22-1 du code du travail)",
            "Avenant : modification des conditions du contrat",
        ),
        (
            "36",
            "Autres changements : changement de maître d'apprentissage, de durée de travail hebdomadaire, "
            "réduction de durée, etc.",
            "Avenant : modification des conditions du contrat",
        ),
        ("37", "Modification du lieu d'exécution du contrat", "Avenant : modification des conditions du contrat"),
        (
            "38",
            "Modification du lieu principal de réalisation de la formation théorique",
            "Avenant : modification des conditions du contrat",
        ),
    ],
)
INITIAL_CONTRACT_TYPES = frozenset({"11", "21", "22", "23"})
SUCCESSION_CONTRACT_TYPES = frozenset({"21", "22", "23"})
AVENANT_TYPES = frozenset({"31", "32", "33", "34", "35", "36", "37", "38"})

# The rupture of an apprenticeship contract, as the employer declares it to the OPCO (the "déclaration de rupture
# du contrat d'apprentissage" of the State's platform): the reason (with the article of the code du travail that
# allows it) and who took the initiative. Not printed on the FA13: kept out of CODES.
# The reasons of an early rupture of an apprenticeship contract, as the code du travail lists them (the employer
# notifies the rupture to the OPCO, which tells the CFA; R. 6222-21). Sources, on Légifrance:
# - L. 6222-18 al. 1: either party, during the first 45 days, consecutive or not, of practical training in the
#   company; al. 2: afterwards, by a written agreement signed by both parties; al. 3: dismissal for force majeure,
#   serious misconduct of the apprentice, inaptitude found by the occupational doctor (L. 4624-4), or the death of
#   an employer who was the maître d'apprentissage in a one-person business; al. 4 and D. 6222-21-1: the apprentice's
#   resignation after referral to the mediator (L. 6222-39: at least 5 days, then 7 days' notice); al. 5-6: judicial
#   liquidation without continued activity (or its end), notified by the liquidator;
# - L. 6222-18-1: dismissal after the CFA's definitive exclusion of the apprentice;
# - L. 6222-19 and R. 6222-23: the apprentice who obtained the diploma or title, having told the employer in
#   writing at least one month before;
# - L. 6225-4 to L. 6225-6: the administration suspends or forbids the contract's execution;
# - and the apprentice's death, which ends the contract (service-public.fr, "Rupture du contrat d'apprentissage").
# R. 6222-21: every early rupture is set down in writing; RUPTURE_DOCUMENTS says which writing the OPCO receives.
# The codes are the portal's own (the CERFA FA13 has no rupture section); they never change meaning.
RUPTURE_MOTIF = _list(
    "rupture_motif",
    "Motif de la rupture",
    [
        (
            "01",
            "Rupture pendant les 45 premiers jours, consécutifs ou non, de formation pratique en entreprise "
            "(art. L. 6222-18 al. 1)",
        ),
        ("02", "Rupture d'un commun accord écrit des deux parties (art. L. 6222-18 al. 2)"),
        (
            "03",
            "Démission de l'apprenti(e) après saisine du médiateur de l'apprentissage "
            "(art. L. 6222-18 al. 4 et D. 6222-21-1)",
        ),
        ("04", "Licenciement pour faute grave de l'apprenti(e) (art. L. 6222-18 al. 3)"),
        (
            "05",
            "Licenciement pour inaptitude constatée par le médecin du travail (art. L. 6222-18 al. 3 et L. 4624-4)",
        ),
        ("06", "Licenciement pour force majeure (art. L. 6222-18 al. 3)"),
        (
            "07",
            "Licenciement suite au décès de l'employeur maître d'apprentissage dans une entreprise unipersonnelle "
            "(art. L. 6222-18 al. 3)",
        ),
        ("08", "Licenciement suite à l'exclusion définitive de l'apprenti(e) par le CFA (art. L. 6222-18-1)"),
        (
            "09",
            "Obtention du diplôme ou du titre préparé avant le terme du contrat, à l'initiative de l'apprenti(e) "
            "(art. L. 6222-19 et R. 6222-23)",
        ),
        (
            "10",
            "Liquidation judiciaire sans maintien d'activité ou fin du maintien d'activité, rupture notifiée par le "
            "liquidateur (art. L. 6222-18 al. 5)",
        ),
        (
            "11",
            "Décision de l'administration : suspension ou interdiction de l'exécution du contrat "
            "(art. L. 6225-4 à L. 6225-6)",
        ),
        ("12", "Décès de l'apprenti(e)"),
    ],
)
RUPTURE_FIRST_45_DAYS = "01"
RUPTURE_MUTUAL_AGREEMENT = "02"
# The reasons that need a signed document, and which one (the upload is then required). R. 6222-21: the rupture is
# set down in writing; the apprentice's death needs no document from the parties.
RUPTURE_DOCUMENTS = {
    "01": "l'écrit par lequel la rupture a été notifiée à l'autre partie (art. R. 6222-21)",
    "02": "la convention de rupture signée par l'employeur et l'apprenti(e) "
    "(et son représentant légal s'il est mineur)",
    "03": "la lettre de démission de l'apprenti(e) et la preuve de la saisine du médiateur",
    "04": "la lettre de licenciement",
    "05": "la lettre de licenciement et l'avis d'inaptitude du médecin du travail",
    "06": "la lettre de licenciement",
    "07": "la lettre de licenciement",
    "08": "la décision d'exclusion du CFA et la lettre de licenciement",
    "09": "la lettre de l'apprenti(e) informant l'employeur de l'obtention du diplôme et de la date de fin "
    "(art. R. 6222-23)",
    "10": "le jugement de liquidation judiciaire et la lettre de rupture du liquidateur",
    "11": "la décision de l'administration",
}
RUPTURE_INITIATIVE = _list(
    "rupture_initiative",
    "Rupture à l'initiative de",
    [
        ("employeur", "L'employeur"),
        ("apprenti", "L'apprenti(e) (ou son représentant légal)"),
        ("commun", "L'employeur et l'apprenti(e), d'un commun accord"),
        ("tiers", "Ni l'un ni l'autre (décision de justice ou de l'administration, décès)"),
    ],
)
# Who can take the initiative for each reason (the articles above): a resignation or the diploma is the
# apprentice's, a dismissal the employer's, a liquidation, a decision of the administration or a death nobody's.
_EMPLOYER, _APPRENTICE, _BOTH, _THIRD = "employeur", "apprenti", "commun", "tiers"
RUPTURE_INITIATIVES_BY_MOTIF = {
    "01": {_EMPLOYER, _APPRENTICE},
    "02": {_BOTH},
    "03": {_APPRENTICE},
    "04": {_EMPLOYER},
    "05": {_EMPLOYER},
    "06": {_EMPLOYER},
    "07": {_EMPLOYER, _THIRD},
    "08": {_EMPLOYER},
    "09": {_APPRENTICE},
    "10": {_EMPLOYER, _THIRD},
    "11": {_THIRD},
    "12": {_THIRD},
}
# L. 6222-18 al. 1: during the first 45 days of practical training, consecutive or not.
RUPTURE_TRIAL_PRACTICAL_DAYS = 45

# §3.11 (empty = no derogation)
TYPE_DEROGATION = _list(
    "type_derogation",
    "Type de dérogation",
    [
        ("11", "Âge de l'apprenti inférieur à 16 ans"),
        ("12", "Âge supérieur à 29 ans : cas spécifiques prévus dans le code du travail"),
        ("21", "Réduction de la durée du contrat ou de la période d'apprentissage"),
        ("22", "Allongement de la durée du contrat ou de la période d'apprentissage"),
        ("50", "Cumul de dérogations"),
        ("60", "Autre dérogation"),
    ],
)

# §3.12 — then the COM codes accepted with a warning [CHOICE]
_DEPARTEMENTS = [
    ("01", "Ain"),
    ("02", "Aisne"),
    ("03", "Allier"),
    ("04", "Alpes-de-Haute-Provence"),
    ("05", "Hautes-Alpes"),
    ("06", "Alpes-Maritimes"),
    ("07", "Ardèche"),
    ("08", "Ardennes"),
    ("09", "Ariège"),
    ("10", "Aube"),
    ("11", "Aude"),
    ("12", "Aveyron"),
    ("13", "Bouches-du-Rhône"),
    ("14", "Calvados"),
    ("15", "Cantal"),
    ("16", "Charente"),
    ("17", "Charente-Maritime"),
    ("18", "Cher"),
    ("19", "Corrèze"),
    ("2A", "Corse-du-Sud"),
    ("2B", "Haute-Corse"),
    ("21", "Côte-d'Or"),
    ("22", "Côtes-d'Armor"),
    ("23", "Creuse"),
    ("24", "Dordogne"),
    ("25", "Doubs"),
    ("26", "Drôme"),
    ("27", "Eure"),
    ("28", "Eure-et-Loir"),
    ("29", "Finistère"),
    ("30", "Gard"),
    ("31", "Haute-Garonne"),
    ("32", "Gers"),
    ("33", "Gironde"),
    ("34", "Hérault"),
    ("35", "Ille-et-Vilaine"),
    ("36", "Indre"),
    ("37", "Indre-et-Loire"),
    ("38", "Isère"),
    ("39", "Jura"),
    ("40", "Landes"),
    ("41", "Loir-et-Cher"),
    ("42", "Loire"),
    ("43", "Haute-Loire"),
    ("44", "Loire-Atlantique"),
    ("45", "Loiret"),
    ("46", "Lot"),
    ("47", "Lot-et-Garonne"),
    ("48", "Lozère"),
    ("49", "Maine-et-Loire"),
    ("50", "Manche"),
    ("51", "Marne"),
    ("52", "Haute-Marne"),
    ("53", "Mayenne"),
    ("54", "Meurthe-et-Moselle"),
    ("55", "Meuse"),
    ("56", "Morbihan"),
    ("57", "Moselle"),
    ("58", "Nièvre"),
    ("59", "Nord"),
    ("60", "Oise"),
    ("61", "Orne"),
    ("62", "Pas-de-Calais"),
    ("63", "Puy-de-Dôme"),
    ("64", "Pyrénées-Atlantiques"),
    ("65", "Hautes-Pyrénées"),
    ("66", "Pyrénées-Orientales"),
    ("67", "Bas-Rhin"),
    ("68", "Haut-Rhin"),
    ("69", "Rhône"),
    ("70", "Haute-Saône"),
    ("71", "Saône-et-Loire"),
    ("72", "Sarthe"),
    ("73", "Savoie"),
    ("74", "Haute-Savoie"),
    ("75", "Paris"),
    ("76", "Seine-Maritime"),
    ("77", "Seine-et-Marne"),
    ("78", "Yvelines"),
    ("79", "Deux-Sèvres"),
    ("80", "Somme"),
    ("81", "Tarn"),
    ("82", "Tarn-et-Garonne"),
    ("83", "Var"),
    ("84", "Vaucluse"),
    ("85", "Vendée"),
    ("86", "Vienne"),
    ("87", "Haute-Vienne"),
    ("88", "Vosges"),
    ("89", "Yonne"),
    ("90", "Territoire de Belfort"),
    ("91", "Essonne"),
    ("92", "Hauts-de-Seine"),
    ("93", "Seine-Saint-Denis"),
    ("94", "Val-de-Marne"),
    ("95", "Val-d'Oise"),
    ("971", "Guadeloupe"),
    ("972", "Martinique"),
    ("973", "Guyane"),
    ("974", "La Réunion"),
    ("976", "Mayotte"),
    ("99", "Né(e) à l'étranger"),
]
_COLLECTIVITES = [
    ("975", "Saint-Pierre-et-Miquelon"),
    ("977", "Saint-Barthélemy"),
    ("978", "Saint-Martin"),
    ("984", "Terres australes et antarctiques françaises"),
    ("986", "Wallis-et-Futuna"),
    ("987", "Polynésie française"),
    ("988", "Nouvelle-Calédonie"),
]
DEPARTEMENT_NAISSANCE = _list(
    "departement_naissance",
    "Département de naissance",
    [(code, label, "Départements") for code, label in _DEPARTEMENTS[:-1]]
    + [(code, label, "Collectivités d'outre-mer") for code, label in _COLLECTIVITES]
    + [(*_DEPARTEMENTS[-1], "Étranger")],
)
# Accepted with a warning (W-DEPT-COM): absent from the 2024 government list.
DEPARTEMENTS_COM = frozenset(code for code, _ in _COLLECTIVITES)


@dataclass(frozen=True)
class FormerNirDepartement:
    """A NIR keeps the département code in force at birth (service-public F33078; §5.3 NIR-DEPT, corrected
    December 2026): births in `departements` before `born_before` (1 January of that year) may carry one of `codes`."""

    departements: frozenset[str]
    born_before: int
    codes: tuple[str, ...]


FORMER_NIR_DEPARTEMENTS: tuple[FormerNirDepartement, ...] = (
    # Corsica was split into 2A and 2B on 1 January 1976.
    FormerNirDepartement(frozenset({"2A", "2B"}), 1976, ("20",)),
    # Seine (75) and Seine-et-Oise (78) were divided on 1 January 1968.
    FormerNirDepartement(frozenset({"75", "77", "78", "91", "92", "93", "94", "95"}), 1968, ("75", "78")),
    # Algeria, Morocco and Tunisia before independence: 91 to 96.
    FormerNirDepartement(frozenset({"99"}), 1963, ("91", "92", "93", "94", "95", "96")),
)

# §3.13
BASE_REMUNERATION = _list(
    "base_remuneration",
    "Base de rémunération",
    [
        ("SMIC", "SMIC (salaire minimum interprofessionnel de croissance)"),
        ("SMC", "SMC (salaire minimum conventionnel de l'emploi occupé)"),
    ],
)

# §3.14 — suggestions only: free text allowed.
_CAISSES = """AG2R Agirc-Arrco|Agrica (Alliance professionnelle) Agirc-Arrco|Apicil Agirc-Arrco|
Audiens (Alliance professionnelle) Agirc-Arrco|B2V (Alliance professionnelle) Agirc-Arrco|Banque de France|
BTPR Agirc-Arrco|CARCDSF|CARMF|CARPIMKO|CARPV|CAVAMAC|CAVEC|CAVOM|CAVP|CGRR Agirc-Arrco|CIPAV|CNAV|CNAVPL|CNBF|
CNIEG|CNRACL|CPRN|CPRP SNCF|Cropera|CRP RATP|CRPCEN|CRPCF|CRPN|CRR Agirc-Arrco|ENIM|FSPOEIE|IRCANTEC|IRCEC|
Ircem Agirc-Arrco|Ircom Agirc-Arrco|IRP Auto (Alliance professionnelle) Agirc-Arrco|Klesia Carcept Agirc-Arrco|
Lourmel (Alliance professionnelle) Agirc-Arrco|Malakoff Humanis Agirc-Arrco|Mutualité sociale agricole (MSA)|
Port autonome de Strasbourg|PRO BTP (Alliance professionnelle) Agirc-Arrco|Retraite des mines|SSI"""
CAISSE_RETRAITE_COMPLEMENTAIRE = _list(
    "caisse_retraite_complementaire",
    "Caisse de retraite complémentaire",
    [(name, name) for name in (part.strip() for part in _CAISSES.split("|"))],
    closed=False,
)
CAISSE_RETRAITE_BTP = "PRO BTP (Alliance professionnelle) Agirc-Arrco"

# §3.15 (portal only)
DEROGATION_HORAIRE_MINEUR = _list(
    "derogation_horaire_mineur",
    "Dérogation horaire pour apprenti mineur",
    [
        ("aucune", "Aucune dérogation (35 h par semaine, 8 h par jour au plus)"),
        (
            "chantier_btp_paysage",
            "Travail sur chantiers de bâtiment, de travaux publics ou d'aménagement paysager "
            "(art. R. 3162-1 : 40 h par semaine, 10 h par jour au plus)",
        ),
        (
            "inspection_travail",
            "Autorisation de l'inspection du travail après avis du médecin du travail "
            "(art. L. 3162-1 : 5 h par semaine de plus au plus)",
        ),
    ],
)
# Weekly ceiling in minutes for a minor under each derogation.
MINOR_WEEKLY_CEILING_MINUTES: dict[str, int] = {
    "aucune": 35 * 60,
    "chantier_btp_paysage": 40 * 60,
    "inspection_travail": 40 * 60,
}

# §3.16: IDCC of the conventions attached to Constructys (W-IDCC-OPCO).
IDCC_CONSTRUCTYS = _list(
    "idcc_constructys",
    "Conventions collectives relevant de Constructys",
    [
        ("1596", "Bâtiment ouvriers (entreprises occupant jusqu'à 10 salariés)"),
        ("1597", "Bâtiment ouvriers (entreprises occupant plus de 10 salariés)"),
        ("1702", "Travaux publics ouvriers"),
        ("1947", "Négoce de bois d'œuvre et produits dérivés"),
        ("2420", "Bâtiment cadres"),
        ("2609", "Bâtiment ETAM"),
        ("2614", "Travaux publics ETAM"),
        ("3212", "Travaux publics cadres"),
        ("3216", "Négoce des matériaux de construction"),
    ],
)
IDCC_NONE = "9999"  # no collective agreement
IDCC_NEGOTIATING = "9998"  # agreement being negotiated
IDCC_SPECIAL = frozenset({IDCC_NONE, IDCC_NEGOTIATING})

# §5.7: IDCC to which the BTP branch pay grid applies (W-BTP-GRID) — an assumption of the spec (§7.6).
IDCC_BTP_GRID = frozenset({"1596", "1597", "2420", "2609", "1702", "2614", "3212"})


# ---------------------------------------------------------------------------------------------------------------
# Remuneration reference data (§5.7). Data, not code: revalue here.


@dataclass(frozen=True)
class SmicValue:
    since: date
    monthly: Decimal
    monthly_mayotte: Decimal | None
    hourly: Decimal | None = None
    hourly_mayotte: Decimal | None = None


SMIC: tuple[SmicValue, ...] = (
    SmicValue(date(2018, 1, 1), Decimal("1498.47"), None),
    SmicValue(date(2019, 1, 1), Decimal("1521.22"), None),
    SmicValue(date(2020, 1, 1), Decimal("1539.42"), None),
    SmicValue(date(2021, 1, 1), Decimal("1554.58"), None),
    SmicValue(date(2021, 10, 1), Decimal("1589.47"), None),
    SmicValue(date(2022, 1, 1), Decimal("1603.12"), None),
    SmicValue(date(2022, 5, 1), Decimal("1645.58"), None),
    SmicValue(date(2022, 8, 1), Decimal("1678.95"), None),
    SmicValue(date(2023, 1, 1), Decimal("1709.28"), Decimal("1290.68"), Decimal("11.27"), Decimal("8.51")),
    SmicValue(date(2023, 5, 1), Decimal("1747.20"), Decimal("1319.50"), Decimal("11.52"), Decimal("8.70")),
    SmicValue(date(2024, 1, 1), Decimal("1766.92"), Decimal("1334.67"), Decimal("11.65"), Decimal("8.80")),
    SmicValue(date(2024, 11, 1), Decimal("1801.80"), Decimal("1361.97"), Decimal("11.88"), Decimal("8.98")),
    SmicValue(date(2026, 1, 1), Decimal("1823.03"), Decimal("1415.05"), Decimal("12.02"), Decimal("9.33")),
)
MAYOTTE_POSTCODE_PREFIX = "976"


def smic_monthly(on: date, *, mayotte: bool = False) -> Decimal | None:
    """Monthly gross SMIC (35 h) in force on a day; None before the first known value."""
    current: SmicValue | None = None
    for value in SMIC:
        if value.since <= on:
            current = value
    if current is None:
        return None
    return current.monthly_mayotte if mayotte else current.monthly


# Age bands (§5.7): 0 = under 18 (under-16 paid as 16-17), 1 = 18-20, 2 = 21-25, 3 = 26 and over.
AGE_BAND_THRESHOLDS = (18, 21, 26)
AGE_BAND_LABELS = ("moins de 18 ans", "18 à 20 ans", "21 à 25 ans", "26 ans et plus")

# Legal minimum (% of SMIC, or of the SMC when more favourable from 21) by year of execution and age band
# (art. D. 6222-26); a 4th year keeps the 3rd-year rates (the last year's percentage, D. 6222-28-1: avenant 33 after
# a failed exam) unless it is the extra year of a disabled apprentice (DISABILITY_EXTRA_YEAR_RATES).
LEGAL_MINIMUM_RATES: dict[int, tuple[Decimal, Decimal, Decimal, Decimal]] = {
    1: (Decimal(27), Decimal(43), Decimal(53), Decimal(100)),
    2: (Decimal(39), Decimal(51), Decimal(61), Decimal(100)),
    3: (Decimal(55), Decimal(67), Decimal(78), Decimal(100)),
    4: (Decimal(55), Decimal(67), Decimal(78), Decimal(100)),
}
# §5.7 (corrected December 2026): the year a disabled apprentice's contract is extended by (RQTH, BOE, équivalence
# jeunes; R. 6222-47/48) pays the 3rd-year percentage + 15 points, never more than 100 %: 70 / 82 / 93 / 100 %.
DISABILITY_EXTRA_YEAR_POINTS = Decimal(15)
DISABILITY_EXTRA_YEAR_RATES: tuple[Decimal, ...] = tuple(
    min(rate + DISABILITY_EXTRA_YEAR_POINTS, Decimal(100)) for rate in LEGAL_MINIMUM_RATES[3]
)
# BTP branch grid (accord du 8 février 2005): bands under 18, 18-20, 21 and over; year 4 = year 3 [CHOICE].
BTP_MINIMUM_RATES: dict[int, tuple[Decimal, Decimal, Decimal]] = {
    1: (Decimal(40), Decimal(50), Decimal(55)),
    2: (Decimal(50), Decimal(60), Decimal(65)),
    3: (Decimal(60), Decimal(70), Decimal(80)),
    4: (Decimal(60), Decimal(70), Decimal(80)),
}

# L. 6211-2: CFA training is at least 25 % of the contract, counted on the legal annual working time.
LEGAL_ANNUAL_HOURS = 1607
MIN_TRAINING_SHARE = Decimal("0.25")


# ---------------------------------------------------------------------------------------------------------------

CODES: dict[str, CodeList] = {
    code_list.name: code_list
    for code_list in (
        MODE_CONTRACTUEL,
        EMPLOYEUR_PRIVE_PUBLIC,
        EMPLOYEUR_TYPE,
        EMPLOYEUR_SPECIFIQUE,
        NATIONALITE,
        REGIME_SOCIAL,
        SEXE,
        SITUATION_AVANT_CONTRAT,
        DIPLOME,
        DERNIERE_CLASSE,
        NIVEAU_DIPLOME,
        CONTRAT_TYPE,
        TYPE_DEROGATION,
        DEPARTEMENT_NAISSANCE,
        BASE_REMUNERATION,
        CAISSE_RETRAITE_COMPLEMENTAIRE,
        DEROGATION_HORAIRE_MINEUR,
        IDCC_CONSTRUCTYS,
    )
}


def label_for(list_name: str, code: str | None) -> str | None:
    """The printed label of a code in a list (`label_for("contrat_type", "11")`); None for an unknown code.

    Raises KeyError for an unknown list name (a programming error, not a data one)."""
    if code is None:
        return None
    return CODES[list_name].label(str(code))


def choices(list_name: str) -> list[tuple[str, str]]:
    """`(code, label)` pairs of a list in the printed order."""
    return CODES[list_name].choices()
