"""The form of "Accès API" → "Créer une clé"; what a key may be is checked again by api.keys.create_key."""

from datetime import timedelta

from django import forms
from django.utils import timezone

from api.keys import MAX_VALIDITY_DAYS
from api.models import ApiScope
from common.forms import AccessibleForm

DEFAULT_VALIDITY_DAYS = 90


class EstablishmentChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} — {obj.siret}"


class ApiKeyForm(AccessibleForm):
    name = forms.CharField(
        label="Nom de la clé", max_length=100, help_text="Par exemple le logiciel qui l'utilisera : « Paie 2027 »."
    )
    scope = forms.ChoiceField(
        label="Droits",
        choices=ApiScope.choices,
        initial=ApiScope.READ,
        widget=forms.RadioSelect,
        help_text="En lecture et écriture, la clé peut aussi écrire, remplir et transmettre des demandes.",
    )
    establishments = EstablishmentChoice(
        label="Établissements couverts",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choisissez au moins un établissement."},
    )
    expires_on = forms.DateField(
        label="Date d'expiration",
        widget=forms.DateInput({"type": "date"}, format="%Y-%m-%d"),
        help_text=f"Au plus tard dans {MAX_VALIDITY_DAYS} jours.",
    )

    def __init__(self, data=None, *, establishments):
        super().__init__(data, initial={"expires_on": timezone.localdate() + timedelta(days=DEFAULT_VALIDITY_DAYS)})
        self.fields["establishments"].queryset = establishments
        if establishments.count() == 1:
            self.fields["establishments"].initial = list(establishments)

    def clean_expires_on(self):
        value = self.cleaned_data["expires_on"]
        today = timezone.localdate()
        if value <= today:
            raise forms.ValidationError("La date d'expiration doit être dans le futur.")
        if value > today + timedelta(days=MAX_VALIDITY_DAYS):
            raise forms.ValidationError(f"Une clé vaut au plus {MAX_VALIDITY_DAYS} jours.")
        return value
