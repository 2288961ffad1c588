"""Codes of the referentials: how they are written, normalised and checked, and what a diploma code says.

Everything here is pure Python (no database): the CERFA wizard and its validator use the same functions as the
loader, so that what a user types and what a file holds are compared in the same form (spec §1, §3.7, §4).
"""

import re
import unicodedata

from django.core.exceptions import ValidationError

from dossiers.cerfa.codes import CFD_NOT_FOUND, CFD_NOT_FOUND_LABEL
from dossiers.cerfa.identifiers import CFD_RE, RNCP_RE

# Spec §4.6.
IDCC_RE = re.compile(r"^\d{4}$")

# IDCC codes the CERFA accepts outside the KALI list (spec §2.1).
IDCC_NONE = "9999"  # no collective agreement
IDCC_NEGOTIATING = "9998"  # agreement being negotiated

# What the wizard offers when the certification the apprentice prepares is not in the referential (user guide).
CERTIFICATION_NOT_FOUND = (CFD_NOT_FOUND, CFD_NOT_FOUND_LABEL)

# Spec §3.7, the 10103*14 table: the codes `formation_diplome_vise_code` accepts.
DIPLOMA_TYPES = {
    "25": "Diplôme national du Brevet (DNB)",
    "26": "Certificat de formation générale (CFG)",
    "13": "Aucun diplôme ni titre professionnel",
    "33": "CAP",
    "34": "BEP",
    "35": "Certificat de spécialisation (ex-Mention complémentaire)",
    "38": "Autre diplôme ou titre de niveau CAP/BEP",
    "41": "Baccalauréat professionnel",
    "42": "Baccalauréat général",
    "43": "Baccalauréat technologique",
    "44": "Diplôme de spécialisation professionnelle (DSP)",
    "49": "Autre diplôme ou titre de niveau bac",
    "54": "Brevet de Technicien Supérieur (BTS)",
    "55": "Diplôme Universitaire de Technologie (DUT)",
    "58": "Autre diplôme ou titre de niveau bac+2",
    "62": "Licence professionnelle",
    "63": "Licence générale",
    "64": "Bachelor universitaire de technologie (BUT)",
    "69": "Autre diplôme ou titre de niveau bac+3 ou 4",
    "73": "Master",
    "75": "Diplôme d'ingénieur",
    "76": "Diplôme d'école de commerce",
    "79": "Autre diplôme ou titre de niveau bac+5 ou plus",
    "80": "Doctorat",
}

# Spec §3.7, first 3 characters of a CFD -> diploma code of the 10103*14 table. The legacy targets of the
# government tool are read with the *14 table: 71 -> 73; 74 -> 75 or 76 (ambiguous: both are accepted).
_PREFIXES = {
    ("35",): "010 013",
    ("80",): "100",
    ("73",): "135 155",
    ("79",): "140 146 160 16A 16C 16N 16Q 16R 16X",
    ("75", "76"): "165 170",
    ("63",): "200 201 205",
    ("69",): "230 236 241 246 255 260 264 265 26A 26C 26M 26N 26Q 26R 26S 26T 26U 26X",
    ("62",): "250",
    ("64",): "251",
    ("54",): "320 323",
    ("58",): "321 322 336 346 355 360 363 364 36C 36E 36M 36N 36Q 36R 36S 36T 36U 36X",
    ("55",): "350",
    ("41",): "400 403",
    ("43",): "430 433",
    ("49",): "401 420 446 450 453 460 463 464 46A 46C 46E 46M 46N 46R 46S 46T 46X",
    ("33",): "500 503",
    ("34",): "510",
    ("38",): "553 560 563 564 56C 56E 56J 56M 56R 56T 56X",
    ("25",): "671",
    ("26",): "672",
}
CFD_PREFIX_TO_DIPLOMA_CODES: dict[str, tuple[str, ...]] = {
    prefix: codes for codes, prefixes in _PREFIXES.items() for prefix in prefixes.split()
}

# Spec §3.7, qualification level (national framework 3-8) of each diploma code; 0 = no qualification.
DIPLOMA_CODE_LEVELS = {
    **dict.fromkeys(("13", "25", "26"), 0),
    **dict.fromkeys(("33", "34", "35", "38"), 3),
    **dict.fromkeys(("41", "42", "43", "44", "49"), 4),
    **dict.fromkeys(("54", "55", "58"), 5),
    **dict.fromkeys(("62", "63", "64", "69"), 6),
    **dict.fromkeys(("73", "75", "76", "79"), 7),
    "80": 8,
}

# Words too common to narrow a title search down; they are dropped from the terms (not from the titles).
STOP_WORDS = frozenset(
    {"a", "au", "aux", "d", "de", "des", "du", "en", "et", "l", "la", "le", "les", "par", "pour", "sur", "un", "une"}
)

_SEPARATORS = re.compile(r"[^0-9a-z]+")
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})


def compact(value) -> str:
    """Upper-case, without the spaces, dots and dashes people type inside codes."""
    return re.sub(r"[\s.\-_/]", "", str(value or "")).upper()


def normalise_uai(value) -> str:
    return compact(value)


def normalise_siret(value) -> str:
    return compact(value)


def normalise_cfd(value) -> str:
    return compact(value)


def normalise_rncp(value) -> str:
    """`34567`, `rncp 34567`, `RNCP-34567` -> `RNCP34567` (spec §1: bare digits get the RNCP prefix)."""
    code = compact(value)
    return f"RNCP{code}" if code.isdigit() else code


def normalise_idcc(value) -> str:
    """`1597`, `IDCC 1597`, `16` -> 4 digits, left-padded (spec §1). Anything else is returned compacted."""
    code = compact(value)
    code = code.removeprefix("IDCC")
    return code.zfill(4) if code.isdigit() and len(code) <= 4 else code


def diploma_codes_for_cfd(cfd: str) -> tuple[str, ...]:
    """The 10103*14 diploma codes (§3.7) a CFD's first 3 characters allow; empty when the prefix is unknown."""
    return CFD_PREFIX_TO_DIPLOMA_CODES.get(normalise_cfd(cfd)[:3], ())


def diploma_code_for_cfd(cfd: str) -> str:
    """The single §3.7 diploma code of a CFD, or "" when the prefix is unknown or ambiguous (75 or 76)."""
    codes = diploma_codes_for_cfd(cfd)
    return codes[0] if len(codes) == 1 else ""


def level_for_diploma_code(code: str) -> int | None:
    """European level (3-8) of a §3.7 diploma code; None for the codes without qualification and unknown ones."""
    return DIPLOMA_CODE_LEVELS.get(code) or None


def normalise_text(value) -> str:
    """Lower-case, unaccented words separated by single spaces: the form titles are searched in.

    "Maçonnerie & Génie-Climatique d'œuvre" -> "maconnerie genie climatique d oeuvre".
    """
    text = unicodedata.normalize("NFKD", str(value or "").translate(_LIGATURES))
    text = "".join(char for char in text if not unicodedata.combining(char)).lower()
    return " ".join(_SEPARATORS.split(text)).strip()


def search_text(*parts) -> str:
    """The stored search column: the normalised words of every part, with a leading space so that
    `LIKE '% word%'` matches any word that starts with `word` (pg_trgm can serve that pattern from its index)."""
    words = " ".join(filter(None, (normalise_text(part) for part in parts)))
    return f" {words}" if words else ""


def search_words(terms) -> list[str]:
    """The words of a user's search in the order typed, normalised like the titles, duplicates and stop words
    removed (the stop words are kept when nothing else is left)."""
    words = normalise_text(terms).split()
    meaningful = [word for word in words if word not in STOP_WORDS] or words
    return list(dict.fromkeys(meaningful))


def validate_cfd(value) -> None:
    if not CFD_RE.fullmatch(value or ""):
        raise ValidationError(
            "Le code diplôme (CFD) comporte 8 caractères : 3 lettres ou chiffres, 3 chiffres, puis 2 lettres ou "
            "chiffres (ex. : 50023311).",
            code="format",
        )


def validate_rncp(value) -> None:
    if not RNCP_RE.fullmatch(value or ""):
        raise ValidationError("Le code RNCP s'écrit RNCP suivi de 3 à 5 chiffres (ex. : RNCP34567).", code="format")


def validate_idcc(value) -> None:
    if not IDCC_RE.fullmatch(value or "") or value == "0000":
        raise ValidationError("Le code IDCC comporte 1 à 4 chiffres (ex. : 1597).", code="format")
