"""Normalisation before validation (§1 of the specification) and parsing of the payload's values.

`normalise()` returns a payload of the same shape (JSON-like values: strings, booleans, numbers, None): it can be
stored back as the draft. Parsing into dates, Decimals and ints happens in the checks.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

# One number parser for the engine and the pages (pure Python too); re-exported for the engine's modules.
from common.formats import parse_decimal as parse_decimal

from .dates import age_on
from .fields import FIELDS

_TRUE = {"true", "oui", "1", "on", "yes"}
_FALSE = {"false", "non", "0", "off", "no"}
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_INT = re.compile(r"^[+-]?\d+$")

# Blocks copied by the portal (and then not validated on their own): target ← source.
REPRESENTANT_ADDRESS_COPY = {
    f"representant_legal_adresse_{part}": f"apprenti_adresse_{part}"
    for part in ("numero", "voie", "complement", "code_postal", "commune")
}
LIEU_FORMATION_COPY = {
    "lieu_formation_denomination": "cfa_denomination",
    "lieu_formation_uai": "cfa_uai",
    "lieu_formation_siret": "cfa_siret",
    **{
        f"lieu_formation_adresse_{part}": f"cfa_adresse_{part}"
        for part in ("numero", "voie", "complement", "code_postal", "commune")
    },
}


def is_empty(value: Any) -> bool:
    """Absent, None or a blank string (§1: `null` and `""` are "not filled")."""
    return value is None or (isinstance(value, str) and not value.strip())


def parse_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _ISO_DATE.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def parse_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
    return None


def parse_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float | Decimal):
        return int(value) if value == value and value == int(value) else None
    if isinstance(value, str) and _INT.match(value.strip()):
        return int(value)
    return None


def decimal_places(number: Decimal) -> int:
    exponent = number.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _compact_number(text: str) -> str:
    return re.sub(r"\s", "", text).replace(",", ".")


def _normalise_text(field_format: str | None, value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return value
    if field_format in ("siret", "nir", "uai", "telephone"):
        value = re.sub(r"\s", "", value)
    if field_format in ("nir", "uai", "numero_contrat"):
        value = value.upper()
    elif field_format == "naf":
        value = value.upper()
        if re.fullmatch(r"\d{4}[A-Z]", value):
            value = f"{value[:2]}.{value[2:]}"
    elif field_format == "idcc":
        if re.fullmatch(r"\d{1,4}", value):
            value = value.zfill(4)
    elif field_format == "rncp":
        if re.fullmatch(r"\d+", value):
            value = f"RNCP{value}"
        elif value[:4].upper() == "RNCP":
            value = "RNCP" + value[4:]
    return value


def _normalise_value(field_id: str, value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        if not value:
            return None
    if value is None:
        return None
    field = FIELDS.get(field_id)
    if field is None:
        return value
    if field.type == "text":
        return _normalise_text(field.format, value)
    if field.type == "code":
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value
    if field.type == "date":
        if isinstance(value, datetime):
            return value.date().isoformat()
        return value.isoformat() if isinstance(value, date) else value
    if field.type == "bool":
        parsed = parse_bool(value)
        return value if parsed is None else parsed
    if field.type == "decimal" and isinstance(value, str):
        return _compact_number(value)
    return value


def normalise(data: Mapping[str, Any]) -> dict[str, Any]:
    """Trim, compact and canonicalise the values (§1), then fill the derived fields.

    - empty strings become None; identifiers lose their spaces (SIRET, NIR, UAI, phone);
    - UAI, NIR, NAF, RNCP prefix and contract numbers are upper-cased; NAF is written `NN.NNL`;
      IDCC is left-padded to 4 digits; bare RNCP digits get the `RNCP` prefix;
    - booleans given as "oui"/"non"/"true"/"false" become booleans; dates given as `date` become ISO strings;
      decimals given as strings accept a decimal comma;
    - derived (D) fields and defaults: `employeur_specifique` = "0", `contrat_duree_hebdo_minutes` = 0 and
      `formation_duree_heures_distance` = 0 when empty, `signature_fait_le` = `contrat_date_conclusion`,
      `apprenti_mineur` from the age at conclusion; the representative's address is copied from the apprentice's
      when `representant_legal_meme_adresse` is true, the main training place from the CFA when
      `formation_cfa_est_lieu_principal` is true.
    """
    out = {key: _normalise_value(key, value) for key, value in data.items()}

    for field_id, default in (
        ("employeur_specifique", "0"),
        ("contrat_duree_hebdo_minutes", 0),
        ("formation_duree_heures_distance", 0),
    ):
        if out.get(field_id) is None:
            out[field_id] = default

    out["signature_fait_le"] = out.get("contrat_date_conclusion")
    birth = parse_date(out.get("apprenti_date_naissance"))
    concl = parse_date(out.get("contrat_date_conclusion"))
    out["apprenti_mineur"] = age_on(birth, concl) < 18 if birth and concl else None

    if out.get("representant_legal_meme_adresse") is True:
        for target, source in REPRESENTANT_ADDRESS_COPY.items():
            out[target] = out.get(source)
    if out.get("formation_cfa_est_lieu_principal") is True:
        for target, source in LIEU_FORMATION_COPY.items():
            out[target] = out.get(source)
    return out
