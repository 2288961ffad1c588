"""The CERFA FA13 (contrat d'apprentissage, 10103*14) rule engine: a pure module, no ORM, no settings, no I/O.

    from dossiers.cerfa import validate
    result = validate(payload, today=date(2025, 8, 20))
    result.is_valid, result.errors, result.warnings   # dicts: field id → French messages

`FIELDS` (field id → `Field`) and `CODES` (list name → `CodeList`) describe the form for the wizard and the PDF:
`FIELDS[id].choices`, `label_for(list_name, code)`.
"""

from .codes import CODES, CodeEntry, CodeList, choices, label_for
from .engine import ignored_fields, validate
from .fields import FIELDS, RETAKE_AFTER_FAILURE, SECTIONS, Field, fields_in
from .normalise import normalise
from .referentials import Referentials
from .remuneration import RemunerationRow, Timeline, is_btp_agreement, is_disability_extension, suggest_rows
from .result import Issue, ValidationResult
from .rules import RULE_IDS

__all__ = [
    "CODES",
    "FIELDS",
    "RETAKE_AFTER_FAILURE",
    "RULE_IDS",
    "SECTIONS",
    "CodeEntry",
    "CodeList",
    "Field",
    "Issue",
    "Referentials",
    "RemunerationRow",
    "Timeline",
    "ValidationResult",
    "choices",
    "fields_in",
    "is_btp_agreement",
    "is_disability_extension",
    "ignored_fields",
    "label_for",
    "normalise",
    "suggest_rows",
    "validate",
]
