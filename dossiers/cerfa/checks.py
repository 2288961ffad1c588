"""Field rules (§6 step 2): REQ, ATTEST, LIST, FMT-* and CHK-*, one field at a time.

A field gets at most one field-level error (the first that applies); a field with such an error is "unparseable"
for the cross-field rules that follow.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import identifiers
from .codes import CFD_NOT_FOUND, CODES
from .fields import FORMAT_RULES, Field
from .normalise import decimal_places, is_empty, parse_bool, parse_date, parse_decimal, parse_int

_NAME_RE = re.compile(r"^[A-Za-zÀ-ÖØ-öø-ÿŒœŸ '’´ˆ`-]+$")
_EMAIL_RE = re.compile(r"^[^\s@]+@[^\s@]+\.[^\s@]+$")
_PHONE_FR_RE = re.compile(r"^\+33[1-9]\d{8}$")
_PHONE_OTHER_RE = re.compile(r"^\+(?!33)[1-9]\d{6,14}$")


@dataclass(frozen=True)
class FieldError:
    rule_id: str
    message: str


def _matches(pattern: str) -> Callable[[str], bool]:
    compiled = re.compile(pattern)
    return lambda value: bool(compiled.match(value))


def _is_name(value: str) -> bool:
    return len(value) <= 80 and bool(_NAME_RE.match(value)) and any(char.isalpha() for char in value)


def _is_email(value: str) -> bool:
    return len(value) <= 80 and bool(_EMAIL_RE.match(value))


def _is_phone(value: str) -> bool:
    return bool(_PHONE_FR_RE.match(value) or _PHONE_OTHER_RE.match(value))


# format → (format test, message)
FORMATS: dict[str, tuple[Callable[[str], bool], str]] = {
    "siret": (identifiers.siret_has_valid_format, "Le numéro SIRET comporte 14 chiffres."),
    "nir": (
        identifiers.nir_has_valid_format,
        "Le NIR comporte 13 caractères (15 avec la clé) : sexe (1 ou 2), année et mois de naissance, "
        "département (2A/2B pour la Corse), commune et numéro d'ordre.",
    ),
    "uai": (
        identifiers.uai_has_valid_format,
        "Le numéro UAI comporte 7 chiffres suivis d'une lettre (ex. : 0351234B).",
    ),
    "numero_contrat": (
        identifiers.is_valid_contract_number,
        "Le numéro de contrat comporte 15 caractères : département (3 caractères, ex. 035 ou 02A), année (4), "
        "mois (2), « NC » ou 2 chiffres, puis 4 chiffres (ex. : 035202509NC0123).",
    ),
    "code_postal": (_matches(r"^\d{5}$"), "Le code postal comporte 5 chiffres."),
    "naf": (_matches(r"^\d{2}\.?\d{2}[A-Z]$"), "Le code NAF comporte 4 chiffres et une lettre (ex. : 43.99C)."),
    "idcc": (
        _matches(r"^\d{1,4}$"),
        "Le code IDCC comporte 4 chiffres au plus (9999 : aucune convention collective ; 9998 : convention en "
        "cours de négociation).",
    ),
    "rncp": (
        lambda value: bool(identifiers.RNCP_RE.match(value)),
        "Le code RNCP s'écrit « RNCP » suivi de 3 à 5 chiffres (ex. : RNCP34862).",
    ),
    "cfd": (
        lambda value: value == CFD_NOT_FOUND or bool(identifiers.CFD_RE.match(value)),
        "Le code diplôme (code formation diplôme de l'Éducation nationale) comporte 8 caractères (ex. : 50023214) ; "
        f"{CFD_NOT_FOUND} si le diplôme n'est pas trouvé.",
    ),
    "email": (_is_email, "Saisissez une adresse électronique valide (ex. : nom@domaine.fr), de 80 caractères au plus."),
    "telephone": (
        _is_phone,
        "Saisissez le numéro au format international : +33 suivi des 9 chiffres sans le 0 initial "
        "(ex. : +33612345678), ou l'indicatif d'un autre pays.",
    ),
    "nom": (
        _is_name,
        "Seuls les lettres (accentuées ou non), les espaces, les traits d'union et les apostrophes sont acceptés, "
        "80 caractères au plus.",
    ),
    "numero_voie": (
        _matches(r"^[1-9]\d{0,4}$"),
        "Le numéro de voie est un nombre de 1 à 5 chiffres qui ne commence pas par 0 (l'indice bis, ter… se saisit à "
        "part).",
    ),
    "indice_repetition": (
        _matches(r"^[A-Z]$"),
        "L'indice de répétition est une lettre majuscule : B (bis), T (ter), Q (quater), C (quinquies)…",
    ),
}

# format → (check-digit test, rule id, message), applied once the format is right
CHECKSUMS: dict[str, tuple[Callable[[str], bool], str, str]] = {
    "siret": (
        identifiers.siret_has_valid_checksum,
        "CHK-SIRET",
        "Le numéro SIRET n'est pas valide : sa clé de contrôle est erronée. Vérifiez les 14 chiffres.",
    ),
    "nir": (
        identifiers.nir_has_valid_key,
        "CHK-NIR-KEY",
        "La clé du NIR (2 derniers chiffres) ne correspond pas aux 13 premiers caractères : vérifiez le numéro.",
    ),
    "uai": (
        identifiers.uai_has_valid_letter,
        "CHK-UAI",
        "Le numéro UAI n'est pas valide : sa lettre de contrôle est erronée. Vérifiez les 7 chiffres et la lettre.",
    ),
}

RANGE_MESSAGES: dict[str, str] = {
    "FMT-EFFECTIF": "L'effectif est un nombre entier de salariés entre 0 et 9 999 999.",
    "HEB-MAX40": "La durée hebdomadaire du travail est un nombre entier d'heures entre 0 et 40.",
    "HEB-MINUTES": "Les minutes de la durée hebdomadaire sont un nombre entier entre 0 et 59.",
    "FOR-HEURES": "La durée de la formation est un nombre entier d'heures entre 1 et 9 999.",
    "FOR-DISTANCE": "La durée de formation à distance est un nombre entier d'heures, positif ou nul.",
}

REQUIRED_MESSAGE = "Ce champ est obligatoire."
REQUIRED_BOOL_MESSAGE = "Répondez par oui ou par non."
ATTEST_MESSAGE = "Cette attestation doit être cochée pour pouvoir déposer le contrat."


def _format_number(number: Any) -> str:
    text = f"{number:,}".replace(",", "\u202f").replace(".", ",")
    return text


def _range_message(field: Field) -> str:
    if field.range_rule in RANGE_MESSAGES:
        return RANGE_MESSAGES[field.range_rule]
    kind = "un nombre entier" if field.type == "int" else "un nombre d'au plus 2 décimales"
    bounds = []
    if field.min_value is not None:
        bounds.append(f"au moins {_format_number(field.min_value)}")
    if field.max_value is not None:
        bounds.append(f"au plus {_format_number(field.max_value)}")
    return f"Saisissez {kind}" + (f" ({', '.join(bounds)})" if bounds else "") + "."


def _out_of_range(field: Field, number: Any) -> bool:
    return (field.min_value is not None and number < field.min_value) or (
        field.max_value is not None and number > field.max_value
    )


def check_field(field: Field, value: Any) -> tuple[Any, FieldError | None]:
    """Parse one normalised value: `(typed value or None, the field-level error or None)`."""
    if is_empty(value):
        if field.must_be_true:
            return None, FieldError("ATTEST", ATTEST_MESSAGE)
        if field.required:
            return None, FieldError("REQ", REQUIRED_BOOL_MESSAGE if field.type == "bool" else REQUIRED_MESSAGE)
        return None, None

    if field.type == "bool":
        parsed = parse_bool(value)
        if parsed is None:
            return None, FieldError("FMT-BOOL", REQUIRED_BOOL_MESSAGE)
        if field.must_be_true and not parsed:
            return None, FieldError("ATTEST", ATTEST_MESSAGE)
        return parsed, None

    if field.type == "date":
        parsed_date = parse_date(value)
        if parsed_date is None:
            return None, FieldError("FMT-DATE", "La date saisie n'est pas une date valide (JJ/MM/AAAA).")
        return parsed_date, None

    if field.type == "int":
        parsed_int = parse_int(value)
        if parsed_int is None or _out_of_range(field, parsed_int):
            return None, FieldError(field.range_rule or "FMT-INT", _range_message(field))
        return parsed_int, None

    if field.type == "decimal":
        parsed_decimal = parse_decimal(value)
        if parsed_decimal is None or decimal_places(parsed_decimal) > 2 or _out_of_range(field, parsed_decimal):
            return None, FieldError(field.range_rule or "FMT-DECIMAL", _range_message(field))
        return parsed_decimal, None

    if field.type == "code":
        code_list = CODES[field.codes or ""]
        if not isinstance(value, str) or (code_list.closed and value not in code_list):
            return None, FieldError(
                "LIST", f"Valeur non reconnue : choisissez une valeur de la liste « {code_list.title} »."
            )
        return value, None

    if not isinstance(value, str):
        return None, FieldError("FMT-TEXTE", "Saisissez un texte.")
    if field.format:
        test, message = FORMATS[field.format]
        if not test(value):
            return None, FieldError(FORMAT_RULES[field.format], message)
        if field.format in CHECKSUMS:
            checksum, rule_id, checksum_message = CHECKSUMS[field.format]
            if not checksum(value):
                return None, FieldError(rule_id, checksum_message)
    if field.max_length is not None and len(value) > field.max_length:
        return None, FieldError("FMT-LONGUEUR", f"{field.max_length} caractères au plus ({len(value)} saisis).")
    return value, None
