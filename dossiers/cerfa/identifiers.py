"""Identifier formats and check-digit algorithms of §4 of the CERFA specification. Pure functions, no Django."""

from __future__ import annotations

import re
from datetime import date

from .codes import FORMER_NIR_DEPARTEMENTS

SIRET_RE = re.compile(r"^\d{14}$")
SIREN_RE = re.compile(r"^\d{9}$")
LA_POSTE_SIREN = "356000000"

# 13 characters (sex, year, month, département incl. 2A/2B, commune, order) and an optional 2-digit key.
NIR_RE = re.compile(r"^[12]\d{4}(\d{2}|2[AB])\d{6}(\d{2})?$")

UAI_RE = re.compile(r"^\d{7}[A-Z]$")
CFD_RE = re.compile(r"^[A-Z0-9]{3}\d{3}[A-Z0-9]{2}$")  # code formation diplôme (§4.6)
RNCP_RE = re.compile(r"^RNCP\d{3,5}$")
UAI_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"  # 23 letters: no I, O, Q

# Département of deposit on 3 characters + year + month + NC or 2 digits + 4-digit sequence [CHOICE §4.5].
CONTRACT_NUMBER_RE = re.compile(r"^(0\d{2}|02[AB]|97[1-6])\d{4}(0[1-9]|1[0-2])(NC|\d{2})\d{4}$", re.IGNORECASE)


def luhn_is_valid(digits: str) -> bool:
    """Luhn: from the rightmost digit, double every second digit (minus 9 above 9); the sum is a multiple of 10."""
    total = 0
    for position, char in enumerate(reversed(digits), start=1):
        digit = int(char)
        if position % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def siret_has_valid_format(value: str) -> bool:
    return bool(SIRET_RE.match(value))


def siret_has_valid_checksum(value: str) -> bool:
    """Luhn over the 14 digits, or — for La Poste establishments (SIREN 356000000) — a digit sum multiple of 5."""
    if not siret_has_valid_format(value):
        return False
    if luhn_is_valid(value):
        return True
    return value.startswith(LA_POSTE_SIREN) and sum(int(char) for char in value) % 5 == 0


def is_valid_siret(value: str) -> bool:
    return siret_has_valid_checksum(value)


def is_valid_siren(value: str) -> bool:
    return bool(SIREN_RE.match(value)) and luhn_is_valid(value)


def nir_has_valid_format(value: str) -> bool:
    return bool(NIR_RE.match(value))


def nir_key(nir13: str) -> int:
    """Control key of the 13 first characters: 97 − (N mod 97), Corsica 2A → 19 and 2B → 18 (§4.2)."""
    number = nir13[:5] + nir13[5:7].replace("2A", "19").replace("2B", "18") + nir13[7:13]
    return 97 - int(number) % 97


def nir_has_valid_key(value: str) -> bool:
    """True for a 13-character NIR (no key to check) or a 15-character NIR whose key matches."""
    if not nir_has_valid_format(value):
        return False
    if len(value) == 13:
        return True
    return int(value[13:]) == nir_key(value[:13])


def uai_check_letter(digits: str) -> str:
    return UAI_LETTERS[int(digits) % 23]


def uai_has_valid_format(value: str) -> bool:
    return bool(UAI_RE.match(value))


def uai_has_valid_letter(value: str) -> bool:
    return uai_has_valid_format(value) and uai_check_letter(value[:7]) == value[7]


def is_valid_contract_number(value: str) -> bool:
    return bool(CONTRACT_NUMBER_RE.match(value))


def is_valid_iban(value: str) -> bool:
    """ISO 13616 (§4.4 — not a CERFA field; for the portal's other forms)."""
    compact = re.sub(r"\s", "", value).upper()
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{1,30}", compact):
        return False
    if compact.startswith("FR") and len(compact) != 27:
        return False
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(char, 36)) for char in rearranged)) % 97 == 1


# NIR consistency with the person's sex and birth date (§5.3): the rule engine's NIR-* rules and the skills-plan
# trainees use the same checks. Each answers the French message, or None when consistent. `nir` has a valid format.


def nir_sex_mismatch(nir: str, sex: str) -> str | None:
    """`sex`: "M" or "F"."""
    expected = {"M": "1", "F": "2"}[sex]
    if nir[0] == expected:
        return None
    label = "masculin" if expected == "1" else "féminin"
    return (
        f"Le NIR commence par {nir[0]} alors que le sexe indiqué est « {label} » : il devrait commencer "
        f"par {expected} (1 = homme, 2 = femme)."
    )


def nir_year_mismatch(nir: str, birth: date) -> str | None:
    if nir[1:3] == f"{birth.year % 100:02d}":
        return None
    return f"Les 2e et 3e caractères du NIR ({nir[1:3]}) ne correspondent pas à l'année de naissance ({birth.year})."


def nir_month_mismatch(nir: str, birth: date) -> str | None:
    """Months 20-42 and 50+ (unknown month, foreign-born registrations) are never a mismatch."""
    month = nir[3:5]
    if not 1 <= int(month) <= 12 or int(month) == birth.month:
        return None
    return f"Les 4e et 5e caractères du NIR ({month}) ne correspondent pas au mois de naissance ({birth.month:02d})."


def former_nir_departements(departement: str, birth: date | None) -> tuple[str, ...]:
    """The département codes in force at birth that a NIR may still carry instead of `departement` (§5.3 NIR-DEPT):
    20 for Corsica before 1976, 75 or 78 for the Paris region before 1968, 91-96 for a birth in Algeria, Morocco or
    Tunisia (99) before 1963. None without a birth date."""
    if birth is None:
        return ()
    return tuple(
        code
        for former in FORMER_NIR_DEPARTEMENTS
        if departement in former.departements and birth.year < former.born_before
        for code in former.codes
    )


def nir_departement_mismatch(nir: str, departement: str, birth: date | None) -> str | None:
    """Chars 6-7 of the NIR against the département of birth (chars 6-8 for 97x, `99` for a birth abroad), or one of
    the codes in force at birth (former_nir_departements)."""
    in_nir = nir[5 : 5 + len(departement)]
    former = former_nir_departements(departement, birth)
    if in_nir == departement or nir[5:7] in former:
        return None
    message = (
        f"Le département de naissance inscrit dans le NIR ({in_nir}) ne correspond pas au département de naissance "
        f"indiqué ({departement})"
    )
    if former:
        message += f" ni au code en vigueur à la naissance ({' ou '.join(former)})"
    return message + "."
