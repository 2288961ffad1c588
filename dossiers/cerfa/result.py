"""What `validate()` returns: the issues found, aggregated per field (§6)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Issue:
    rule_id: str
    field: str
    message: str
    severity: Severity = "error"


@dataclass(frozen=True)
class ValidationResult:
    """`errors` / `warnings`: field id → French messages (one per rule); `is_valid` when there is no error.

    `rule_ids` / `warning_rule_ids`: field id → the rule ids behind those messages (same order), for debugging and
    tests. `data`: the normalised payload that was checked.
    """

    issues: tuple[Issue, ...]
    data: Mapping[str, Any] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(init=False)
    warnings: dict[str, list[str]] = field(init=False)
    rule_ids: dict[str, list[str]] = field(init=False)
    warning_rule_ids: dict[str, list[str]] = field(init=False)

    def __post_init__(self) -> None:
        for severity, messages_name, ids_name in (
            ("error", "errors", "rule_ids"),
            ("warning", "warnings", "warning_rule_ids"),
        ):
            messages: dict[str, list[str]] = {}
            ids: dict[str, list[str]] = {}
            for issue in self.issues:
                if issue.severity == severity:
                    messages.setdefault(issue.field, []).append(issue.message)
                    ids.setdefault(issue.field, []).append(issue.rule_id)
            object.__setattr__(self, messages_name, messages)
            object.__setattr__(self, ids_name, ids)

    @property
    def is_valid(self) -> bool:
        return not self.errors

    valid = is_valid

    @property
    def flagged_fields(self) -> frozenset[str]:
        """The fields carrying at least one error: what the acceptance cases compare (§6)."""
        return frozenset(self.errors)

    def fields_for(self, rule_id: str) -> set[str]:
        """The fields a rule (error or warning) was reported on."""
        return {issue.field for issue in self.issues if issue.rule_id == rule_id}

    def fired(self, rule_id: str) -> bool:
        return any(issue.rule_id == rule_id for issue in self.issues)

    def for_fields(self, field_ids: Iterable[str]) -> ValidationResult:
        """The same result restricted to some fields (e.g. one wizard step, or the field being typed)."""
        wanted = set(field_ids)
        return ValidationResult(tuple(issue for issue in self.issues if issue.field in wanted), self.data)
