"""Checks of the French identifiers the registries hold, with messages a user can act on."""

import re

from django.core.exceptions import ValidationError
from stdnum import bic as stdnum_bic
from stdnum import iban as stdnum_iban
from stdnum import luhn
from stdnum.exceptions import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
)
from stdnum.exceptions import (
    ValidationError as StdnumError,
)
from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret

UAI_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"


def compact_digits(value: str) -> str:
    """Remove the spaces, dots and dashes people type inside identifiers."""
    return re.sub(r"[\s.\-]", "", value or "")


def _raise_for(exc: StdnumError, label: str, length: int) -> None:
    if isinstance(exc, InvalidChecksum):
        raise ValidationError(f"Le {label} saisi n'est pas valide : sa clé de contrôle est erronée.", code="checksum")
    if isinstance(exc, (InvalidLength, InvalidFormat)):
        raise ValidationError(f"Le {label} doit comporter {length} chiffres.", code="format")
    raise ValidationError(f"Le {label} saisi n'est pas valide.", code="invalid")


def validate_siren(value: str) -> None:
    try:
        stdnum_siren.validate(compact_digits(value))
    except StdnumError as exc:
        _raise_for(exc, "SIREN", 9)


def validate_siret(value: str) -> None:
    try:
        stdnum_siret.validate(compact_digits(value))
    except StdnumError as exc:
        _raise_for(exc, "SIRET", 14)


def validate_member_number(value: str) -> None:
    if not re.fullmatch(r"\d{6}", value or ""):
        raise ValidationError("Le numéro d'adhérent comporte 6 chiffres.", code="format")


def validate_nda(value: str) -> None:
    if not re.fullmatch(r"\d{11}", value or ""):
        raise ValidationError("Le numéro de déclaration d'activité (NDA) comporte 11 chiffres.", code="format")


def uai_check_letter(digits: str) -> str:
    return UAI_LETTERS[int(digits) % 23]


def validate_uai(value: str) -> None:
    value = (value or "").upper()
    if not re.fullmatch(r"\d{7}[A-Z]", value):
        raise ValidationError("Le code UAI comporte 7 chiffres suivis d'une lettre.", code="format")
    if uai_check_letter(value[:7]) != value[7]:
        raise ValidationError(
            "Le code UAI saisi n'est pas valide : sa lettre de contrôle est erronée.", code="checksum"
        )


def validate_iban(value: str) -> None:
    try:
        stdnum_iban.validate(value)
    except InvalidChecksum:
        raise ValidationError(
            "L'IBAN saisi n'est pas valide : sa clé de contrôle est erronée.", code="checksum"
        ) from None
    except (InvalidLength, InvalidFormat, InvalidComponent):
        raise ValidationError("L'IBAN saisi n'a pas un format valide.", code="format") from None


def validate_bic(value: str) -> None:
    try:
        stdnum_bic.validate(value)
    except StdnumError:
        raise ValidationError("Le BIC comporte 8 ou 11 caractères (ex. : BNPAFRPPXXX).", code="format") from None


def luhn_complete(digits: str) -> str:
    """Append the Luhn check digit: how SIREN and SIRET numbers end."""
    return digits + luhn.calc_check_digit(digits)
