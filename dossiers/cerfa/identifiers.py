"""Identifier formats and check-digit algorithms of §4 of the CERFA specification. Pure functions, no Django."""

from __future__ import annotations

import re

SIRET_RE = re.compile(r"^\d{14}$")
SIREN_RE = re.compile(r"^\d{9}$")
LA_POSTE_SIREN = "356000000"

# 13 characters (sex, year, month, département incl. 2A/2B, commune, order) and an optional 2-digit key.
NIR_RE = re.compile(r"^[12]\d{4}(\d{2}|2[AB])\d{6}(\d{2})?$")

UAI_RE = re.compile(r"^\d{7}[A-Z]$")
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
