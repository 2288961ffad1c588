"""Django's commonest form widgets (inputs, selects, textareas) rendered in Python, byte for byte what Django's own
widget templates give, without the template engine (issue 18).

A filter form of a list renders each field through three to five nested templates, and a select one more per
option: on the dossier list that was about as long as the SQL of the page. A field's <label> (label_tag, two
templates) is written here too. Every other template (forms, error lists, radio buttons, the admin's widgets...)
still goes through Django's templates.
tests/common/test_widget_renderer.py compares the two renderings and checks that Django's templates are still the
ones reproduced here.
"""

from django.forms.renderers import DjangoTemplates
from django.template import Context
from django.template.base import render_value_in_context
from django.template.defaultfilters import stringformat
from django.utils.safestring import SafeData, mark_safe

WIDGETS = "django/forms/widgets/"
# The widget templates that are only `{% include "django/forms/widgets/input.html" %}`.
INPUT_TEMPLATES = frozenset(
    f"{WIDGETS}{name}.html"
    for name in ("input", "text", "email", "number", "password", "hidden", "url", "date", "datetime", "time")
    + ("checkbox", "search", "tel", "color", "file")
)
SELECT_OPTION = f"{WIDGETS}select_option.html"

_AUTOESCAPE = Context()  # what {{ value }} does in the widget templates: localized, then escaped


def _text(value) -> str:
    """{{ value }}"""
    return render_value_in_context(value, _AUTOESCAPE)


def _as_string(value) -> str:
    """{{ value|stringformat:'s' }} (a filter that keeps a safe string safe)."""
    text = stringformat(value, "s")
    return _text(mark_safe(text) if isinstance(value, SafeData) else text)


def _attrs(attrs) -> str:
    """django/forms/widgets/attrs.html"""
    return "".join(
        f" {_text(name)}" if value is True else f' {_text(name)}="{_as_string(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _input(widget) -> str:
    value = f' value="{_as_string(widget["value"])}"' if widget["value"] is not None else ""
    return f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"{value}{_attrs(widget["attrs"])}>'


def _option(option) -> str:
    # An included template keeps its final newline.
    return f'<option value="{_as_string(option["value"])}"{_attrs(option["attrs"])}>{_text(option["label"])}</option>\n'


def _select(widget) -> str | None:
    parts = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in group_choices:
            if option["template_name"] != SELECT_OPTION:
                return None  # an option template of its own: Django's templates render it
            parts.append(f"\n  {_option(option)}")
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _textarea(widget) -> str:
    value = _text(widget["value"]) if widget["value"] else ""
    return f'<textarea name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>'


LABEL = "django/forms/label.html"
_LABEL_CONTEXT = frozenset({"label", "attrs", "use_tag", "tag"})


def _label(context) -> str:
    """django/forms/label.html (BoundField.label_tag and legend_tag): django/forms/attrs.html is the widgets'
    attrs.html for the label's own attributes."""
    if not context["use_tag"]:
        return _text(context["label"])
    tag = _text(context["tag"])
    return f"<{tag}{_attrs(context['attrs'] or {})}>{_text(context['label'])}</{tag}>"


RENDERERS = dict.fromkeys(INPUT_TEMPLATES, _input)
RENDERERS[f"{WIDGETS}select.html"] = _select
RENDERERS[f"{WIDGETS}textarea.html"] = _textarea


class WidgetRenderer(DjangoTemplates):
    """settings.FORM_RENDERER: the widgets above in Python, everything else with Django's templates."""

    def render(self, template_name, context, request=None):
        if template_name == LABEL and context.keys() >= _LABEL_CONTEXT:
            return _label(context).strip()
        render = RENDERERS.get(template_name)
        html = render(context["widget"]) if render is not None and "widget" in context else None
        if html is None:
            return super().render(template_name, context, request)
        return html.strip()  # as BaseRenderer.render does
