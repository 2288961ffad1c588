"""Form fields shared by the portals, and the input hygiene every portal form and JSON draft goes through.

Input hygiene: text typed (or pasted, or forged) into the portal must not carry control characters. PostgreSQL
refuses NUL (U+0000) in text and JSON (a 500 before this check), and the other control characters are invisible
traps in PDFs, exports and emails. Multi-line text (a message's body) may hold line breaks and tabs; single-line
text (names, titles, subjects, addresses that end up in email headers or bodies) may not.
"""

import re
from collections.abc import Mapping

from django import forms
from django.core import validators
from django.core.exceptions import ValidationError

from common.formats import parse_decimal

# C0 controls except tab, line feed and carriage return; DEL; C1 controls (U+0080-U+009F, NEL included).
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# In single-line text, line breaks of any kind (CR, LF, Unicode line and paragraph separators) and tabs too.
_LINE_BREAKS = re.compile(r"[\t\n\r\u2028\u2029]")

CONTROL_CHARACTER_MESSAGE = (
    "Ce texte contient un caractère invisible non autorisé (caractère de contrôle) : retirez-le, par exemple en "
    "saisissant de nouveau le texte au lieu de le coller."
)
LINE_BREAK_MESSAGE = "Ce champ tient sur une seule ligne : retirez les retours à la ligne et les tabulations."


def text_problem(value: str, *, multiline: bool = False) -> ValidationError | None:
    """What is wrong with `value` for a text field, or None when it is clean."""
    if _CONTROL_CHARACTERS.search(value):
        return ValidationError(CONTROL_CHARACTER_MESSAGE, code="control_character")
    if not multiline and _LINE_BREAKS.search(value):
        return ValidationError(LINE_BREAK_MESSAGE, code="line_break")
    return None


def check_text(value: str, *, multiline: bool = False) -> None:
    """Raise a ValidationError with a French message when `value` holds a character it may not hold."""
    if isinstance(value, str) and (problem := text_problem(value, multiline=multiline)) is not None:
        raise problem


class CleanTextValidator:
    """The validator CleanTextFormMixin gives each text field (in place of Django's NUL-only one)."""

    def __init__(self, *, multiline: bool = False):
        self.multiline = multiline

    def __call__(self, value):
        check_text(value, multiline=self.multiline)

    def __eq__(self, other):
        return isinstance(other, CleanTextValidator) and other.multiline == self.multiline


def _has_problem(value, multiline: bool) -> ValidationError | None:
    if isinstance(value, str):
        return text_problem(value, multiline=multiline)
    if isinstance(value, Mapping):
        values = [*value.keys(), *value.values()]
    elif isinstance(value, list | tuple):
        values = value
    else:
        return None
    return next((problem for item in values if (problem := _has_problem(item, multiline)) is not None), None)


def data_errors(values: Mapping, *, multiline_keys=frozenset()) -> dict[str, list[str]]:
    """The JSON draft check: {key: [message]} for each value (strings, nested lists and mappings) that holds a
    character it may not hold. Every key is single-line text unless listed in `multiline_keys`."""
    errors = {}
    for key, value in values.items():
        problem = _has_problem(key, False) or _has_problem(value, key in multiline_keys)
        if problem is not None:
            errors[str(key)] = problem.messages
    return errors


def check_data(values: Mapping, *, multiline_keys=frozenset()) -> None:
    """Raise a ValidationError (per key) when a JSON draft's values hold a character they may not hold."""
    if errors := data_errors(values, multiline_keys=multiline_keys):
        raise ValidationError(errors)


def search_terms(value: str) -> str:
    """What the user typed in a search box, without control characters (a search never stores anything, so they
    are dropped rather than refused) and without the surrounding spaces."""
    return _LINE_BREAKS.sub(" ", _CONTROL_CHARACTERS.sub("", value or "")).strip()


class CleanTextFormMixin:
    """Every portal form: each text field refuses control characters with a French message; only a multi-line
    field (a Textarea, or a name listed in `multiline_fields`) accepts line breaks and tabs.

    Put it first among the bases (`class MyForm(CleanTextFormMixin, forms.Form)`); tests/reliability checks that
    every form of the project has it."""

    multiline_fields: tuple[str, ...] = ()

    def full_clean(self):
        # Here rather than in __init__: some forms add their fields after __init__ (the wizard's, the plan's).
        for name, field in self.fields.items():
            if isinstance(field, forms.CharField):
                multiline = name in self.multiline_fields or isinstance(field.widget, forms.Textarea)
                field.validators = [
                    CleanTextValidator(multiline=multiline),
                    *(
                        validator
                        for validator in field.validators
                        if not isinstance(validator, validators.ProhibitNullCharactersValidator | CleanTextValidator)
                    ),
                ]
        super().full_clean()


class AccessibleForm(CleanTextFormMixin, forms.Form):
    """Once validated, the first invalid field takes the focus (autofocus), so that a keyboard or screen-reader
    user lands on what to correct without JavaScript, and `field_errors` feeds the summary above the form.

    Django ties an input to its error text (id `<auto_id>_error`, as common/form_field.html renders it) through
    aria-describedby, except for a group of checkboxes or a widget with its own aria-describedby: done here."""

    def full_clean(self):
        super().full_clean()
        first = True
        for name, field in self.fields.items():
            if name not in self.errors:
                continue
            bound = self[name]
            own = field.widget.attrs.get("aria-describedby", "")
            if own or bound.use_fieldset:
                described = own.split() or ([f"{bound.auto_id}_helptext"] if field.help_text else [])
                field.widget.attrs["aria-describedby"] = " ".join([*described, f"{bound.auto_id}_error"])
            if first:
                field.widget.attrs["autofocus"] = True
                first = False

    @property
    def field_errors(self):
        """(label, first error, id of the input to go to) of each invalid field, for the summary above the form."""
        summary = []
        for bound in self:
            if bound.errors:
                anchor = bound.id_for_label or f"{bound.auto_id}_0"  # a group of checkboxes: its first box
                summary.append((bound.label, bound.errors[0], anchor))
        return summary


class ErrorSummaryMixin(CleanTextFormMixin):
    """A form whose invalid fields are tied to their message (aria) and listed by `field_errors` for the error
    summary at the top of the page; the first one takes the focus."""

    def full_clean(self):
        super().full_clean()
        first = True
        for name, bound_field in self.fields.items():
            if name in self.errors:
                bound_field.widget.attrs["aria-describedby"] = f"id_{name}_error"
                bound_field.widget.attrs["aria-invalid"] = "true"
                if first:
                    bound_field.widget.attrs["autofocus"] = True
                    first = False

    @property
    def field_errors(self):
        return [(bound.label, bound.errors[0], bound.id_for_label) for bound in self if bound.errors]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (`<input type="file" multiple>`): cleans to a list, empty when none is given.
    The files' content is checked by the form (common.uploads.check_uploads)."""

    widget = MultipleFileInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


class AmountField(forms.DecimalField):
    """An amount (or a quantity) as people type it: "1 234 567,89", "1234567.89", "1 234 567 €"."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    def to_python(self, value):
        if isinstance(value, str):
            number = parse_decimal(value.replace("€", ""))
            if number is not None:
                value = number
        return super().to_python(value)
