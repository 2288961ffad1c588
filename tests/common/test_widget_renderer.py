"""The widgets rendered in Python (common/widget_renderer.py) give what Django's own templates give, character for
character, including escaping, boolean attributes, option groups, selected options and localized values."""

import datetime
from decimal import Decimal
from pathlib import Path

import django
import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from common import widget_renderer
from common.widget_renderer import WidgetRenderer

pytestmark = pytest.mark.no_database

CHOICES = [
    ("", "Tous"),
    ("x", 'X <b>"guillemets"</b> & co'),
    (3, gettext_lazy("Trois")),
    ("Un groupe", [("1", "un"), (2, "deux"), ("", "vide")]),
    (None, [("7", "sans nom de groupe")]),
]


class EveryWidget(forms.Form):
    text = forms.CharField(max_length=20, help_text="aide")
    optional = forms.CharField(required=False, widget=forms.TextInput({"placeholder": 'ex. "12" <b>', "x": True}))
    disabled = forms.CharField(disabled=True, required=False, widget=forms.TextInput({"autofocus": False}))
    email = forms.EmailField(required=False)
    number = forms.DecimalField(required=False, widget=forms.NumberInput({"step": Decimal("0.01"), "min": 0}))
    date = forms.DateField(required=False, widget=forms.DateInput({"type": "date"}))
    when = forms.DateTimeField(required=False)
    secret = forms.CharField(required=False, widget=forms.PasswordInput(render_value=True))
    hidden = forms.CharField(required=False, widget=forms.HiddenInput)
    check = forms.BooleanField(required=False)
    upload = forms.FileField(required=False, widget=forms.FileInput)
    choice = forms.ChoiceField(choices=CHOICES, required=False)
    typed = forms.TypedChoiceField(choices=[(1, "un"), (2, "deux")], coerce=int, required=False)
    several = forms.MultipleChoiceField(choices=[("a", "A"), ("b", "B"), ("c", "C")], required=False)
    yes_no = forms.NullBooleanField(required=False)
    notes = forms.CharField(required=False, widget=forms.Textarea({"rows": 3}))
    empty_choices = forms.ChoiceField(choices=[], required=False)


BOUND = {
    "text": 'a "quoted" <script>&amp;',
    "optional": mark_safe("<i>sûr</i>"),
    "disabled": "x",
    "email": "pas un email",
    "number": "12.5",
    "date": "2026-12-05",
    "when": "05/12/2026 10:30",
    "secret": "motdepasse",
    "hidden": "caché \x00",
    "check": "on",
    "choice": "2",
    "typed": "1",
    "several": ["a", "c"],
    "yes_no": "true",
    "notes": "ligne 1\nligne <2>",
}
INITIAL = {"date": datetime.date(2026, 2, 28), "number": Decimal("1234.50"), "choice": 3, "notes": ""}


def renderings(form_class, *args, **kwargs):
    """(field, our HTML, the HTML of Django's templates) for each field of the form."""
    ours, djangos = form_class(*args, **kwargs), form_class(*args, renderer=DjangoTemplates(), **kwargs)
    assert isinstance(ours.renderer, WidgetRenderer)
    for field in ours:
        yield field.name, field.as_widget(), djangos[field.name].as_widget()


@pytest.mark.parametrize(
    "arguments",
    [{}, {"data": BOUND}, {"initial": INITIAL}, {"data": {}}],
    ids=["unbound", "bound", "initial", "invalid"],
)
def test_python_widgets_give_the_html_of_djangos_templates(arguments, settings):
    assert settings.FORM_RENDERER == "common.widget_renderer.WidgetRenderer"
    compared = 0
    for name, ours, djangos in renderings(EveryWidget, **arguments):
        assert ours == djangos, name
        compared += 1
    assert compared == len(EveryWidget.base_fields)


def test_localized_values_are_rendered_as_the_templates_do(settings):
    settings.USE_THOUSAND_SEPARATOR = True
    for name, ours, djangos in renderings(EveryWidget, initial={"number": Decimal("1234.50"), "choice": 1234}):
        assert ours == djangos, name


class Radio(forms.Form):
    radio = forms.ChoiceField(choices=[("a", "A")], widget=forms.RadioSelect)


def test_a_widget_of_another_template_still_goes_through_djangos_templates():
    [(_, ours, djangos)] = renderings(Radio)
    assert 'type="radio"' in ours and ours == djangos


@pytest.mark.parametrize(
    "arguments",
    [{}, {"data": BOUND}, {"auto_id": False}, {"label_suffix": ""}],
    ids=["unbound", "bound", "no-id", "no-suffix"],
)
def test_labels_give_the_html_of_djangos_templates(arguments):
    """label_tag and legend_tag: the `for` of the field's id, the required class, attributes, escaping, suffix."""

    class Labelled(EveryWidget):
        required_css_class = "required"
        quoted = forms.CharField(label='Nom & "prénom" <b>', required=False)
        safe = forms.CharField(label=mark_safe("<i>Déjà sûr</i>"), required=False)
        choice_radio = forms.ChoiceField(choices=[("a", "A")], widget=forms.RadioSelect)

    ours, djangos = Labelled(**arguments), Labelled(renderer=DjangoTemplates(), **arguments)
    for field in ours:
        other = djangos[field.name]
        assert field.label_tag() == other.label_tag(), field.name
        assert field.legend_tag() == other.legend_tag(), field.name
        attrs = {"class": "inline", "data-x": True, "hidden": False}
        assert field.label_tag(attrs=dict(attrs), label_suffix=" :") == other.label_tag(
            attrs=dict(attrs), label_suffix=" :"
        ), field.name
        assert field.label_tag(contents=mark_safe("<b>x</b>")) == other.label_tag(contents=mark_safe("<b>x</b>"))


def test_the_reproduced_templates_are_still_djangos():
    """A Django upgrade that changes these templates fails here instead of changing the portal's HTML unseen."""
    widgets = Path(django.__file__).parent / "forms" / "templates" / "django" / "forms" / "widgets"
    include_input = '{% include "django/forms/widgets/input.html" %}\n'
    for name in widget_renderer.INPUT_TEMPLATES - {"django/forms/widgets/input.html"}:
        assert (widgets / Path(name).name).read_text() == include_input, name
    assert (widgets / "input.html").read_text() == (
        '<input type="{{ widget.type }}" name="{{ widget.name }}"{% if widget.value != None %} '
        "value=\"{{ widget.value|stringformat:'s' }}\"{% endif %}"
        '{% include "django/forms/widgets/attrs.html" %}>\n'
    )
    assert (widgets / "attrs.html").read_text() == (
        "{% for name, value in widget.attrs.items %}{% if value is not False %} {{ name }}"
        "{% if value is not True %}=\"{{ value|stringformat:'s' }}\"{% endif %}{% endif %}{% endfor %}"
    )
    assert (widgets / "select_option.html").read_text() == (
        "<option value=\"{{ widget.value|stringformat:'s' }}\""
        '{% include "django/forms/widgets/attrs.html" %}>{{ widget.label }}</option>\n'
    )
    assert (widgets / "select.html").read_text() == (
        '<select name="{{ widget.name }}"{% include "django/forms/widgets/attrs.html" %}>'
        "{% for group_name, group_choices, group_index in widget.optgroups %}{% if group_name %}\n"
        '  <optgroup label="{{ group_name }}">{% endif %}{% for option in group_choices %}\n'
        "  {% include option.template_name with widget=option %}{% endfor %}{% if group_name %}\n"
        "  </optgroup>{% endif %}{% endfor %}\n</select>\n"
    )
    forms_templates = widgets.parent
    assert (forms_templates / "label.html").read_text() == (
        "{% if use_tag %}<{{ tag }}{% include 'django/forms/attrs.html' %}>{{ label }}</{{ tag }}>"
        "{% else %}{{ label }}{% endif %}\n"
    )
    assert (forms_templates / "attrs.html").read_text() == (widgets / "attrs.html").read_text().replace(
        "widget.attrs.items", "attrs.items"
    )
    assert (widgets / "textarea.html").read_text() == (
        '<textarea name="{{ widget.name }}"{% include "django/forms/widgets/attrs.html" %}>\n'
        "{% if widget.value %}{{ widget.value }}{% endif %}</textarea>\n"
    )
