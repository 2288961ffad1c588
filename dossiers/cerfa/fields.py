"""Metadata of every field of the CERFA FA13 (10103*14), section by section (§2 of the specification).

The wizard builds its forms from `FIELDS`, the PDF prints the labels, the rule engine checks the types, formats and
requirements. Requirement: Y = always, C = conditional (the condition is a rule of §5), N = optional,
D = derived by the portal (never validated).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from .codes import CODES

FieldType = Literal["text", "date", "bool", "code", "int", "decimal"]

# The portal's yes/no answer "l'apprenti(e) prépare à nouveau le même diplôme après un échec, avec un autre employeur"
# (L. 6222-11 2°): no field id in the specification, a key of the portal's own (issue 19).
RETAKE_AFTER_FAILURE = "apprenti_meme_diplome_apres_echec"
Requirement = Literal["Y", "C", "N", "D"]

SECTIONS: dict[str, str] = {
    "entete": "En-tête",
    "employeur": "L'employeur",
    "apprenti": "L'apprenti(e)",
    "representant_legal": "Représentant légal",
    "maitre_apprentissage": "Le maître d'apprentissage",
    "contrat": "Le contrat",
    "remuneration": "Rémunération",
    "formation": "La formation",
    "signature": "Attestations et signature",
    "depot": "Cadre réservé à l'organisme en charge du dépôt du contrat",
}

# Formats checked by the engine (see checks.py): a format name → the rule id reported when it fails.
FORMAT_RULES: dict[str, str] = {
    "siret": "FMT-SIRET",
    "nir": "FMT-NIR",
    "uai": "FMT-UAI",
    "numero_contrat": "FMT-NUMPREC",
    "code_postal": "FMT-CP",
    "naf": "FMT-NAF",
    "idcc": "FMT-IDCC",
    "rncp": "FMT-RNCP",
    "cfd": "FMT-CFD",
    "email": "FMT-EMAIL",
    "telephone": "FMT-TEL",
    "nom": "FMT-NOM",
    "numero_voie": "FMT-NUMERO",
    "indice_repetition": "FMT-INDICE",
}


@dataclass(frozen=True)
class Field:
    id: str
    section: str
    label: str
    type: FieldType
    requirement: Requirement
    codes: str | None = None  # name of a list of CODES
    format: str | None = None  # a key of FORMAT_RULES
    max_length: int | None = None
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    # rule id reported when the value is not of the type or outside min/max (default: FMT-<TYPE>)
    range_rule: str | None = None
    must_be_true: bool = False  # attestation boxes (rule ATTEST)
    condition: str = ""  # for requirement C: when the field is required
    help: str = ""

    @property
    def required(self) -> bool:
        return self.requirement == "Y"

    @property
    def choices(self) -> list[tuple[str, str]] | None:
        """`(code, label)` pairs for a select widget, or None when the field has no code list."""
        return CODES[self.codes].choices() if self.codes else None

    @property
    def closed_list(self) -> bool:
        return bool(self.codes) and CODES[self.codes].closed


def _d(value: int | str) -> Decimal:
    return Decimal(value)


def _text(fid, section, label, req, max_length=80, **kwargs) -> Field:
    return Field(fid, section, label, "text", req, max_length=max_length, **kwargs)


def _name(fid, section, label, req, **kwargs) -> Field:
    return Field(fid, section, label, "text", req, format="nom", max_length=80, **kwargs)


def _date(fid, section, label, req, **kwargs) -> Field:
    return Field(fid, section, label, "date", req, **kwargs)


def _bool(fid, section, label, req, **kwargs) -> Field:
    return Field(fid, section, label, "bool", req, **kwargs)


def _code(fid, section, label, req, codes, **kwargs) -> Field:
    return Field(fid, section, label, "code", req, codes=codes, **kwargs)


def _email(fid, section, label, req, **kwargs) -> Field:
    return Field(fid, section, label, "text", req, format="email", max_length=80, **kwargs)


def _phone(fid, section, label, req) -> Field:
    return Field(
        fid, section, label, "text", req, format="telephone", help="Format international : +33 suivi de 9 chiffres."
    )


def _address(prefix: str, section: str, owner: str, req: Requirement, *, indice: bool, condition: str = ""):
    """N°, (indice), voie, complément, code postal, commune: only voie, code postal and commune follow `req`."""
    fields = [Field(f"{prefix}_numero", section, f"Adresse {owner} : N°", "text", "N", format="numero_voie")]
    if indice:
        fields.append(
            Field(
                f"{prefix}_indice_repetition",
                section,
                f"Adresse {owner} : indice de répétition (B, T, Q, C…)",
                "text",
                "N",
                format="indice_repetition",
            )
        )
    return [
        *fields,
        _text(f"{prefix}_voie", section, f"Adresse {owner} : voie", req, condition=condition),
        _text(f"{prefix}_complement", section, f"Adresse {owner} : complément", "N"),
        Field(
            f"{prefix}_code_postal",
            section,
            f"Adresse {owner} : code postal",
            "text",
            req,
            format="code_postal",
            condition=condition,
        ),
        _text(f"{prefix}_commune", section, f"Adresse {owner} : commune", req, condition=condition),
    ]


ORDINALS = {1: "1re", 2: "2e", 3: "3e", 4: "4e"}
REMUNERATION_YEARS = (1, 2, 3, 4)
REMUNERATION_PERIODS = (1, 2)
REMUNERATION_PARTS = ("du", "au", "taux", "base")


def remuneration_id(year: int, period: int, part: str) -> str:
    return f"remuneration_{year}_{period}_{part}"


def _remuneration_fields() -> list[Field]:
    fields = []
    for year in REMUNERATION_YEARS:
        for period in REMUNERATION_PERIODS:
            req: Requirement = "Y" if (year, period) == (1, 1) else "C"
            condition = "" if req == "Y" else "une ligne par année couverte (2e période si la tranche d'âge change)"
            head = f"Rémunération {ORDINALS[year]} année, période {period}"
            fields += [
                _date(remuneration_id(year, period, "du"), "remuneration", f"{head} : du", req, condition=condition),
                _date(remuneration_id(year, period, "au"), "remuneration", f"{head} : au", req, condition=condition),
                Field(
                    remuneration_id(year, period, "taux"),
                    "remuneration",
                    f"{head} : taux (%)",
                    "decimal",
                    req,
                    min_value=_d(0),
                    max_value=_d(999),
                    condition=condition,
                ),
                _code(
                    remuneration_id(year, period, "base"),
                    "remuneration",
                    f"{head} : base (SMIC ou SMC)",
                    req,
                    "base_remuneration",
                    condition=condition,
                ),
            ]
    return fields


def _maitre_fields(number: int) -> list[Field]:
    section = "maitre_apprentissage"
    req: Requirement = "Y" if number == 1 else "C"
    condition = "" if number == 1 else "tous les champs dès que l'un d'eux est rempli"
    prefix = f"maitre{number}"
    suffix = f"du maître d'apprentissage n°{number}"
    return [
        _name(f"{prefix}_nom_naissance", section, f"Nom de naissance {suffix}", req, condition=condition),
        _name(f"{prefix}_prenom", section, f"Prénom {suffix}", req, condition=condition),
        _date(f"{prefix}_date_naissance", section, f"Date de naissance {suffix}", req, condition=condition),
        _email(f"{prefix}_courriel", section, f"Courriel {suffix}", req, condition=condition),
        _text(f"{prefix}_emploi_occupe", section, f"Emploi occupé {suffix}", req, condition=condition),
        _text(
            f"{prefix}_diplome_intitule",
            section,
            f"Diplôme ou titre le plus élevé obtenu {suffix}",
            req,
            max_length=255,
            condition=condition,
        ),
        _code(
            f"{prefix}_niveau_diplome",
            section,
            f"Niveau de diplôme ou titre le plus élevé obtenu {suffix}",
            req,
            "niveau_diplome",
            condition=condition,
        ),
    ]


_MINOR = "apprenti(e) mineur(e) non émancipé(e) à la date de conclusion"

_FIELD_LIST: list[Field] = [
    # §2.0
    _code("mode_contractuel", "entete", "Mode contractuel de l'apprentissage", "Y", "mode_contractuel"),
    # §2.1
    _code("employeur_prive_public", "employeur", "Employeur privé ou public", "Y", "employeur_prive_public"),
    _text("employeur_denomination", "employeur", "Nom et prénom ou dénomination", "Y"),
    Field(
        "employeur_siret",
        "employeur",
        "N° SIRET de l'établissement d'exécution du contrat",
        "text",
        "Y",
        format="siret",
        help="SIRET du lieu d'exécution du contrat (pas nécessairement du siège).",
    ),
    *_address("employeur_adresse", "employeur", "de l'établissement d'exécution du contrat", "Y", indice=True),
    _phone("employeur_telephone", "employeur", "Téléphone de l'employeur", "Y"),
    _email("employeur_courriel", "employeur", "Courriel de l'employeur", "Y"),
    _code("employeur_type", "employeur", "Type d'employeur", "Y", "employeur_type"),
    _code("employeur_specifique", "employeur", "Employeur spécifique", "N", "employeur_specifique"),
    Field("employeur_code_naf", "employeur", "Code activité de l'entreprise (NAF)", "text", "Y", format="naf"),
    Field(
        "employeur_effectif",
        "employeur",
        "Effectif total salariés de l'entreprise",
        "int",
        "Y",
        min_value=_d(0),
        max_value=_d(9_999_999),
        range_rule="FMT-EFFECTIF",
        help="Effectif de l'ensemble de l'entreprise, pas seulement de l'établissement.",
    ),
    Field(
        "employeur_code_idcc",
        "employeur",
        "Code IDCC de la convention collective applicable",
        "text",
        "Y",
        format="idcc",
        help="9999 : aucune convention collective ; 9998 : convention en cours de négociation.",
    ),
    _text("employeur_libelle_idcc", "employeur", "Libellé de la convention collective", "D", max_length=None),
    _bool(
        "employeur_regime_assurance_chomage_public",
        "employeur",
        "Pour les employeurs du secteur public, adhésion de l'apprenti au régime spécifique d'assurance chômage",
        "C",
        condition="employeur public uniquement",
    ),
    # §2.2
    _name("apprenti_nom_naissance", "apprenti", "Nom de naissance de l'apprenti(e)", "Y"),
    _name("apprenti_nom_usage", "apprenti", "Nom d'usage", "N"),
    _name("apprenti_prenom", "apprenti", "Le premier prénom de l'apprenti(e) selon l'état civil", "Y"),
    Field(
        "apprenti_nir",
        "apprenti",
        "NIR de l'apprenti(e)",
        "text",
        "N",
        format="nir",
        help="13 caractères (ou 15 avec la clé). Fortement recommandé.",
    ),
    *_address("apprenti_adresse", "apprenti", "de l'apprenti(e)", "Y", indice=True),
    _phone("apprenti_telephone", "apprenti", "Téléphone de l'apprenti(e)", "Y"),
    _email("apprenti_courriel", "apprenti", "Courriel de l'apprenti(e)", "Y"),
    _date("apprenti_date_naissance", "apprenti", "Date de naissance", "Y"),
    _code("apprenti_sexe", "apprenti", "Sexe", "Y", "sexe"),
    _code("apprenti_departement_naissance", "apprenti", "Département de naissance", "Y", "departement_naissance"),
    _text("apprenti_commune_naissance", "apprenti", "Commune de naissance", "Y"),
    _code("apprenti_nationalite", "apprenti", "Nationalité", "Y", "nationalite"),
    _code("apprenti_regime_social", "apprenti", "Régime social", "Y", "regime_social"),
    _bool(
        "apprenti_sportif_haut_niveau",
        "apprenti",
        "Déclare être inscrit sur la liste des sportifs de haut niveau",
        "Y",
    ),
    _bool("apprenti_rqth", "apprenti", "Déclare bénéficier de la reconnaissance travailleur handicapé", "Y"),
    _bool(
        "apprenti_equivalence_jeunes",
        "apprenti",
        "Équivalence jeunes (droits attachés à la RQTH pour les 15-20 ans bénéficiaires de l'AEEH, de la PCH "
        "ou d'un PPS)",
        "Y",
        help="Répondre « non » si l'apprenti(e) bénéficie de la RQTH.",
    ),
    _bool(
        "apprenti_extension_boe",
        "apprenti",
        "Extension BOE (bénéficiaire de l'obligation d'emploi, autre qu'ayant droit)",
        "Y",
        help="Répondre « non » si l'apprenti(e) bénéficie de la RQTH.",
    ),
    _bool(
        "apprenti_projet_creation_reprise",
        "apprenti",
        "Déclare avoir un projet de création ou de reprise d'entreprise",
        "Y",
    ),
    # Portal only (not on the CERFA; issue 19): a new contract with another employer after a failed exam
    # (L. 6222-11 2°) has no upper age limit.
    _bool(
        RETAKE_AFTER_FAILURE,
        "apprenti",
        "L'apprenti(e) prépare à nouveau le même diplôme après un échec, avec un autre employeur",
        "N",
        help="Art. L. 6222-11 : après un échec à l'examen, l'apprentissage peut être prolongé d'un an au plus par "
        "un nouveau contrat avec un autre employeur ; la limite d'âge de 29 ans ne s'applique pas.",
    ),
    _code("apprenti_situation_avant_contrat", "apprenti", "Situation avant ce contrat", "Y", "situation_avant_contrat"),
    _code("apprenti_dernier_diplome_prepare", "apprenti", "Dernier diplôme ou titre préparé", "Y", "diplome"),
    _code("apprenti_derniere_classe", "apprenti", "Dernière classe / année suivie", "Y", "derniere_classe"),
    _text(
        "apprenti_intitule_dernier_diplome",
        "apprenti",
        "Intitulé précis du dernier diplôme ou titre préparé",
        "Y",
        max_length=255,
    ),
    _code("apprenti_diplome_plus_eleve", "apprenti", "Diplôme ou titre le plus élevé obtenu", "Y", "diplome"),
    _bool("apprenti_mineur", "apprenti", "Apprenti(e) mineur(e) à la date de conclusion", "D"),
    _bool(
        "apprenti_mineur_non_emancipe",
        "apprenti",
        "Apprenti(e) mineur(e) non émancipé(e)",
        "C",
        condition="apprenti(e) mineur(e) à la date de conclusion",
    ),
    # §2.3
    _name(
        "representant_legal_nom_naissance",
        "representant_legal",
        "Nom de naissance du représentant légal",
        "C",
        condition=_MINOR,
    ),
    _name("representant_legal_prenom", "representant_legal", "Prénom du représentant légal", "C", condition=_MINOR),
    _bool(
        "representant_legal_meme_adresse",
        "representant_legal",
        "Le représentant légal habite à l'adresse de l'apprenti(e)",
        "C",
        condition=_MINOR,
    ),
    *_address(
        "representant_legal_adresse",
        "representant_legal",
        "du représentant légal",
        "C",
        indice=False,
        condition=f"{_MINOR}, s'il n'habite pas à l'adresse de l'apprenti(e)",
    ),
    _email(
        "representant_legal_courriel", "representant_legal", "Courriel du représentant légal", "C", condition=_MINOR
    ),
    # §2.4
    *_maitre_fields(1),
    *_maitre_fields(2),
    _bool(
        "employeur_atteste_eligibilite_maitre",
        "maitre_apprentissage",
        "L'employeur atteste sur l'honneur que le maître d'apprentissage répond à l'ensemble des critères "
        "d'éligibilité à cette fonction",
        "Y",
        must_be_true=True,
    ),
    # §2.5
    _code("contrat_type", "contrat", "Type de contrat ou d'avenant", "Y", "contrat_type"),
    _code(
        "contrat_type_derogation",
        "contrat",
        "Type de dérogation",
        "C",
        "type_derogation",
        condition="apprenti(e) de 15 ans ou de plus de 29 ans au début du contrat ; autres dérogations le cas échéant",
    ),
    Field(
        "contrat_numero_precedent",
        "contrat",
        "Numéro du contrat précédent ou du contrat sur lequel porte l'avenant",
        "text",
        "C",
        format="numero_contrat",
        condition="avenants (types 31 à 38) ; attendu pour une succession de contrats (21 à 23)",
    ),
    _date("contrat_date_conclusion", "contrat", "Date de conclusion (date de signature du présent contrat)", "Y"),
    _date("contrat_date_debut_execution", "contrat", "Date de début d'exécution du contrat", "Y"),
    _date(
        "contrat_date_debut_formation_pratique", "contrat", "Date de début de formation pratique chez l'employeur", "Y"
    ),
    _date(
        "contrat_date_effet_avenant",
        "contrat",
        "Si avenant, date d'effet",
        "C",
        condition="avenants (types 31 à 38)",
    ),
    _date("contrat_date_fin", "contrat", "Date de fin du contrat ou de la période d'apprentissage", "Y"),
    Field(
        "contrat_duree_hebdo_heures",
        "contrat",
        "Durée hebdomadaire du travail : heures",
        "int",
        "Y",
        min_value=_d(0),
        max_value=_d(40),
        range_rule="HEB-MAX40",
    ),
    Field(
        "contrat_duree_hebdo_minutes",
        "contrat",
        "Durée hebdomadaire du travail : minutes",
        "int",
        "N",
        min_value=_d(0),
        max_value=_d(59),
        range_rule="HEB-MINUTES",
    ),
    _bool(
        "contrat_travail_risque",
        "contrat",
        "Travail sur machines dangereuses ou exposition à des risques particuliers",
        "Y",
    ),
    *_remuneration_fields(),
    Field(
        "contrat_salaire_brut_embauche",
        "contrat",
        "Salaire brut mensuel à l'embauche (€)",
        "decimal",
        "Y",
        min_value=_d(0),
    ),
    _text(
        "contrat_caisse_retraite_complementaire",
        "contrat",
        "Caisse de retraite complémentaire",
        "Y",
        codes="caisse_retraite_complementaire",
    ),
    Field(
        "contrat_avantage_nourriture",
        "contrat",
        "Avantages en nature : nourriture (€ par repas)",
        "decimal",
        "N",
        min_value=Decimal("0.01"),
        max_value=_d(10_000),
    ),
    Field(
        "contrat_avantage_logement",
        "contrat",
        "Avantages en nature : logement (€ par mois)",
        "decimal",
        "N",
        min_value=Decimal("0.01"),
        max_value=_d(10_000),
    ),
    _text("contrat_avantage_autre", "contrat", "Avantages en nature : autre", "N"),
    Field(
        "contrat_smc_montant",
        "contrat",
        "Salaire minimum conventionnel mensuel de l'emploi occupé (€)",
        "decimal",
        "C",
        min_value=_d(0),
        condition="apprenti(e) âgé(e) de 21 ans ou plus à la fin du contrat (0 s'il n'y a pas de SMC)",
    ),
    _code(
        "contrat_derogation_horaire_mineur",
        "contrat",
        "Dérogation horaire pour apprenti(e) mineur(e)",
        "C",
        "derogation_horaire_mineur",
        condition="apprenti(e) de moins de 18 ans au début du contrat travaillant plus de 35 heures",
    ),
    Field(
        "contrat_precedent_dernier_taux",
        "contrat",
        "Dernier taux de rémunération du contrat précédent (%)",
        "decimal",
        "N",
        min_value=_d(0),
        max_value=_d(999),
    ),
    # §2.6
    _bool("formation_cfa_entreprise", "formation", "CFA d'entreprise", "Y"),
    _text("cfa_denomination", "formation", "Dénomination du CFA responsable", "Y"),
    Field("cfa_uai", "formation", "N° UAI du CFA", "text", "Y", format="uai"),
    Field("cfa_siret", "formation", "N° SIRET du CFA", "text", "Y", format="siret"),
    _code("formation_diplome_vise_code", "formation", "Diplôme ou titre visé par l'apprenti(e)", "Y", "diplome"),
    _text("formation_intitule_precis", "formation", "Intitulé précis du diplôme ou titre visé", "Y", max_length=255),
    Field("formation_code_diplome", "formation", "Code du diplôme", "text", "Y", format="cfd"),
    Field("formation_code_rncp", "formation", "Code RNCP", "text", "Y", format="rncp"),
    *_address("cfa_adresse", "formation", "du CFA responsable", "Y", indice=False),
    _bool(
        "formation_cfa_est_lieu_principal",
        "formation",
        "Le CFA responsable est le lieu de formation principal",
        "Y",
    ),
    _date("formation_date_debut", "formation", "Date de début de formation en CFA", "Y"),
    _date("formation_date_fin_epreuves", "formation", "Date prévue de fin des épreuves ou examens", "Y"),
    Field(
        "formation_duree_heures",
        "formation",
        "Durée de la formation (heures)",
        "int",
        "Y",
        min_value=_d(1),
        max_value=_d(9999),
        range_rule="FOR-HEURES",
    ),
    Field(
        "formation_duree_heures_distance",
        "formation",
        "Dont durée de formation à distance (heures)",
        "int",
        "N",
        min_value=_d(0),
        max_value=_d(9999),
        range_rule="FOR-DISTANCE",
    ),
    _text(
        "lieu_formation_denomination",
        "formation",
        "Dénomination du lieu de formation principal",
        "C",
        condition="le CFA responsable n'est pas le lieu de formation principal",
    ),
    Field("lieu_formation_uai", "formation", "N° UAI du lieu de formation principal", "text", "N", format="uai"),
    Field(
        "lieu_formation_siret",
        "formation",
        "N° SIRET du lieu de formation principal",
        "text",
        "C",
        format="siret",
        condition="le CFA responsable n'est pas le lieu de formation principal",
    ),
    *_address(
        "lieu_formation_adresse",
        "formation",
        "du lieu de formation principal",
        "C",
        indice=False,
        condition="le CFA responsable n'est pas le lieu de formation principal",
    ),
    # §2.7
    _bool(
        "employeur_atteste_pieces_justificatives",
        "signature",
        "L'employeur atteste disposer de l'ensemble des pièces justificatives nécessaires au dépôt du contrat",
        "Y",
        must_be_true=True,
    ),
    _text("signature_fait_a", "signature", "Fait à", "Y"),
    _date(
        "signature_fait_le",
        "signature",
        "Fait le",
        "D",
        help="Toujours égale à la date de conclusion du contrat.",
    ),
    # §2.8 — filled by the OPCO back office
    _text("depot_organisme_nom", "depot", "Nom de l'organisme", "N"),
    Field("depot_organisme_siret", "depot", "N° SIRET de l'organisme", "text", "N", format="siret"),
    _date("depot_date_reception", "depot", "Date de réception du dossier complet", "N"),
    _date("depot_date_decision", "depot", "Date de la décision", "N"),
    Field("depot_numero", "depot", "N° de dépôt", "text", "N", format="numero_contrat"),
    Field("depot_numero_avenant", "depot", "Numéro d'avenant", "text", "N", format="numero_contrat"),
]

FIELDS: dict[str, Field] = {field.id: field for field in _FIELD_LIST}
assert len(FIELDS) == len(_FIELD_LIST), "duplicate field id"


def fields_in(section: str) -> list[Field]:
    """The fields of a form section, in the printed order."""
    return [field for field in FIELDS.values() if field.section == section]


def label(field_id: str) -> str:
    return FIELDS[field_id].label
