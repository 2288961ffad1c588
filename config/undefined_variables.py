"""Tests only: a template of the project that prints an undefined variable fails the test.

Django prints an empty string for `{{ typo }}`, so a misspelt or forgotten variable ships unnoticed. The test
settings set `string_if_invalid` to `FAIL_ON_UNDEFINED`: Django formats it with the variable's name whenever a
`{{ variable }}` (or a `{% blocktranslate %}` placeholder) cannot be resolved, and the formatting raises
`UndefinedTemplateVariable` when the template node comes from this project (templates/, the apps' templates/)
and the variable has no `|default:…` (which says it is optional).
Third-party templates (Django's admin, allauth) keep Django's behaviour: an empty string, filters applied.
`{% if %}` and `{% for %}` never reach it: testing a variable that may be missing stays allowed.
"""

import copy
import sys
from pathlib import Path

from django.template.base import FilterExpression, Node

PROJECT_DIR = Path(__file__).resolve().parent.parent
THIRD_PARTY_DIRS = (PROJECT_DIR / ".venv",)


class UndefinedTemplateVariable(Exception):
    pass


def _rendering_node(frame):
    """The template node being rendered (its `origin` says which file it was parsed from)."""
    while frame is not None:
        candidate = frame.f_locals.get("self")
        if isinstance(candidate, Node) and getattr(candidate, "origin", None) is not None:
            return candidate
        frame = frame.f_back
    return None


def _is_project_template(origin) -> bool:
    path = Path(str(origin.name))
    return path.is_relative_to(PROJECT_DIR) and not any(path.is_relative_to(d) for d in THIRD_PARTY_DIRS)


def _says_it_is_optional(expression) -> bool:
    """`{{ label|default:field.label }}`: the template expects the variable may be missing."""
    filters = getattr(expression, "filters", ())
    return any(getattr(func, "__name__", "") == "default" for func, _ in filters)


class _FailOnUndefined(str):
    """An empty string that Django formats with the missing variable's name (`"%s" in it` is true)."""

    def __new__(cls):
        return super().__new__(cls, "")

    def __bool__(self):
        return True

    def __contains__(self, item):
        return item == "%s" or super().__contains__(item)

    def __mod__(self, variable):
        caller = sys._getframe(1)
        expression = caller.f_locals.get("self")
        node = _rendering_node(caller)
        if node is not None and _is_project_template(node.origin) and not _says_it_is_optional(expression):
            raise UndefinedTemplateVariable(
                f"{{{{ {variable} }}}} is undefined in {node.origin.name} (line {getattr(node.token, 'lineno', '?')})"
            )
        # Django's default: the empty string, then the variable's filters (`|default:"…"`, `|length`…).
        if isinstance(expression, FilterExpression):
            empty = copy.copy(expression)
            empty.var, empty.is_var = "", False
            return empty.resolve(caller.f_locals["context"])
        return ""


FAIL_ON_UNDEFINED = _FailOnUndefined()
