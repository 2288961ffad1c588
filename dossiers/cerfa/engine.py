"""`validate()`: normalise (§1), field rules, cross-field rules (§5), aggregated per field — in the order of §6."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from .checks import check_field
from .codes import SUCCESSION_CONTRACT_TYPES
from .fields import FIELDS
from .normalise import LIEU_FORMATION_COPY, REPRESENTANT_ADDRESS_COPY, normalise
from .referentials import Referentials
from .result import Issue, ValidationResult
from .rules import RULES, Context

REPRESENTANT_FIELDS = frozenset(field_id for field_id in FIELDS if field_id.startswith("representant_legal_"))


def ignored_fields(data: Mapping[str, Any]) -> set[str]:
    """Fields that are not asked, or are copies, given the other answers: not validated on their own (a warning may
    still say they are ignored).

    - previous-contract number and effective date for a first contract (type 11), effective date for 21-23;
    - the representative block when the apprentice is of age at conclusion or emancipated; the representative's
      address when it is the apprentice's;
    - the main training place when it is the CFA;
    - the public unemployment-insurance box for a private employer.
    """
    ignored: set[str] = set()
    contract_type = data.get("contrat_type")
    if contract_type == "11":
        ignored |= {"contrat_numero_precedent", "contrat_date_effet_avenant"}
    elif contract_type in SUCCESSION_CONTRACT_TYPES:
        ignored.add("contrat_date_effet_avenant")
    if data.get("apprenti_mineur") is False:
        ignored |= REPRESENTANT_FIELDS | {"apprenti_mineur_non_emancipe"}
    elif data.get("apprenti_mineur_non_emancipe") is False:
        ignored |= REPRESENTANT_FIELDS
    if data.get("representant_legal_meme_adresse") is True:
        ignored |= set(REPRESENTANT_ADDRESS_COPY)
    if data.get("formation_cfa_est_lieu_principal") is True:
        ignored |= set(LIEU_FORMATION_COPY)
    if data.get("employeur_prive_public") == "prive":
        ignored.add("employeur_regime_assurance_chomage_public")
    return ignored


def validate(
    data: Mapping[str, Any],
    *,
    today: date | str | None = None,
    referentials: Referentials | None = None,
) -> ValidationResult:
    """Check a CERFA FA13 payload (flat mapping keyed by the field ids of §2).

    1. normalise (§1); 2. field rules REQ, ATTEST, LIST, FMT-*, CHK-* (at most one per field); 3. the cross-field
    rules of §5, each skipped when one of its inputs is empty or failed step 2, REM-*/DUR-*/REQ-SMC only when
    start < end; 4. messages aggregated per field, one per rule. `today` (default: the current date) is the
    reference of the time-dependent rules; `referentials` plugs in the look-ups of §5.13 (skipped without it).
    """
    if today is None:
        today = date.today()
    elif isinstance(today, str):
        today = date.fromisoformat(today)

    normalised = normalise(data)
    ignored = ignored_fields(normalised)
    values: dict[str, Any] = {}
    broken: set[str] = set()
    issues: list[Issue] = []
    for field in FIELDS.values():
        if field.requirement == "D" or field.id in ignored:
            continue
        value, error = check_field(field, normalised.get(field.id))
        if error is not None:
            broken.add(field.id)
            issues.append(Issue(error.rule_id, field.id, error.message))
        elif value is not None:
            values[field.id] = value

    context = Context(normalised, values, broken, today, referentials)
    for rule in RULES:
        for field_id, message in rule.run(context):
            issues.append(Issue(rule.id, field_id, message, rule.severity))

    seen: set[tuple[str, str]] = set()
    unique = []
    for issue in issues:  # one message per rule and field
        if (issue.rule_id, issue.field) not in seen:
            seen.add((issue.rule_id, issue.field))
            unique.append(issue)
    return ValidationResult(tuple(unique), normalised)
