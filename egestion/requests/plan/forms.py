"""Forms of the skills-plan request ("Plan de développement des compétences"): the training, a trainee, a module.

Like the CERFA wizard, saving a draft refuses as little as possible: every field may stay empty and
funding.plan.plan_problems says what is missing; only values that cannot be stored (a malformed date or amount, a
NIR longer than 13 characters once normalised, an invalid SIRET) are refused with a message.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django import forms

from common.forms import ErrorSummaryMixin
from dossiers.cerfa.normalise import parse_date, parse_decimal
from egestion.requests.common import PersonForm
from funding.models import PlanModule, TraineeCategory
from funding.plan import TRAINING_FIELDS, normalise_nir

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _form_field(training_field) -> forms.Field:
    common = {"label": training_field.label, "required": False, "help_text": training_field.help}
    # The field is needed to transmit; the draft keeps whatever is typed.
    if training_field.kind == "choice":
        return forms.ChoiceField(choices=[("", "— Choisir —"), *training_field.choices], **common)
    if training_field.kind == "date":
        return forms.DateField(widget=DATE_INPUT, **common)
    if training_field.kind == "decimal":
        return forms.DecimalField(min_value=0, max_digits=7, decimal_places=2, **common)
    if training_field.kind == "textarea":
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, **common)
    return forms.CharField(max_length=255, **common)


class TrainingForm(ErrorSummaryMixin, forms.Form):
    """The training of the request: its fields are kept in the draft's data (ISO dates, decimals as text)."""

    def __init__(self, *args, data_values: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        for training_field in TRAINING_FIELDS:
            self.fields[training_field.id] = _form_field(training_field)
            self.fields[training_field.id].needed = True  # plan_lieu too: only a distance course goes without
            value = (data_values or {}).get(training_field.id)
            if training_field.kind == "date":
                value = parse_date(value)
            elif training_field.kind == "decimal":
                value = parse_decimal(value)
            self.initial[training_field.id] = value

    def draft_values(self) -> dict:
        values = {}
        for name, value in self.cleaned_data.items():
            if isinstance(value, date):
                value = value.isoformat()
            elif isinstance(value, Decimal):
                value = format(value.normalize(), "f")
            values[name] = value.strip() if isinstance(value, str) else value
        return values


PERSON_FIELDS = ["civility", "last_name", "first_name", "nir", "birth_date", "address_line1", "postal_code", "city"]


class TraineeForm(PersonForm):
    """A trainee: the company's record of the person (identity, NIR, birth date, full address, job) and, for this
    request, their category."""

    category = forms.ChoiceField(
        label="Catégorie", choices=[("", "Choisir…"), *TraineeCategory.choices], required=False
    )

    nir = forms.CharField(
        label="NIR",
        max_length=21,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text="Les 13 premiers caractères du n° de sécurité sociale (la clé peut être omise).",
    )

    class Meta(PersonForm.Meta):
        fields = [*PERSON_FIELDS, "job_title"]

    def __init__(self, *args, trainee=None, **kwargs):
        super().__init__(*args, instance=trainee.person if trainee else None, **kwargs)
        self.fields["civility"].help_text = "Le 1er caractère du NIR est vérifié avec elle (1 = homme, 2 = femme)."
        for name in [*PERSON_FIELDS, "job_title", "category"]:
            self.fields[name].needed = True  # required to transmit (the draft keeps what is typed)
        if trainee is not None:
            self.initial.update(
                {"job_title": trainee.job_title or trainee.person.job_title, "category": trainee.category}
            )

    def clean_nir(self):
        nir = normalise_nir(self.cleaned_data.get("nir", ""))
        if len(nir) > 13:
            raise forms.ValidationError("Le NIR comporte 13 caractères (sans la clé).")
        return nir

    def person_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in PERSON_FIELDS}


class ModuleForm(ErrorSummaryMixin, forms.ModelForm):
    """A module: dates, hours, costs, and which of the request's trainees follow it."""

    trainees = forms.MultipleChoiceField(
        label="Stagiaires qui suivent ce module", required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = PlanModule
        fields = [
            "title",
            "start_date",
            "end_date",
            "hours",
            "teaching_cost",
            "travel_cost",
            "meal_cost",
            "lodging_cost",
        ]
        widgets = {"start_date": DATE_INPUT, "end_date": DATE_INPUT}

    def __init__(self, *args, trainees, selected=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.trainee_list = list(trainees)
        field = self.fields["trainees"]
        # The choices from the request's trainees already loaded: no query of their own.
        field.choices = [(trainee.pk, str(trainee.person)) for trainee in self.trainee_list]
        field.initial = [trainee.pk for trainee in selected]
        for name in ("start_date", "end_date", "hours", "teaching_cost", "trainees"):
            self.fields[name].needed = True
        for name in ("hours", "teaching_cost", "travel_cost", "meal_cost", "lodging_cost"):
            self.fields[name].min_value = 0
            self.fields[name].widget.attrs.update({"min": "0", "step": "0.01", "inputmode": "decimal"})

    def clean_trainees(self):
        by_pk = {str(trainee.pk): trainee for trainee in self.trainee_list}
        return [by_pk[pk] for pk in self.cleaned_data["trainees"]]

    def module_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class UnknownProviderForm(ErrorSummaryMixin, forms.Form):
    siret = forms.CharField(label="SIRET de l'organisme", max_length=20, required=True)
    name = forms.CharField(label="Raison sociale de l'organisme", max_length=200, required=False)
