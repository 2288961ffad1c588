from django import forms
from django.core.exceptions import ValidationError

from accounts import validators
from banking.services import normalise_iban
from common.forms import CleanTextFormMixin
from dossiers.uploads import check_upload


class BankDetailsRequestForm(CleanTextFormMixin, forms.Form):
    iban = forms.CharField(
        label="Nouvel IBAN",
        max_length=42,
        help_text="Par exemple FR76 3000 4008 2300 0123 4567 890.",
        widget=forms.TextInput({"autocomplete": "off", "spellcheck": "false"}),
    )
    bic = forms.CharField(label="Nouveau BIC", max_length=11, help_text="8 ou 11 caractères, par exemple BNPAFRPPXXX.")
    rib = forms.FileField(label="RIB (PDF, JPEG ou PNG, 10 Mo au plus)")
    confirm = forms.BooleanField(
        label="Je certifie que ces coordonnées bancaires sont celles de l'établissement.", required=True
    )

    def clean_iban(self):
        value = normalise_iban(self.cleaned_data["iban"])
        validators.validate_iban(value)
        return value

    def clean_bic(self):
        value = self.cleaned_data["bic"].strip().upper()
        validators.validate_bic(value)
        return value

    def clean_rib(self):
        try:
            return check_upload(self.cleaned_data["rib"])
        except ValidationError as error:
            raise ValidationError(error.messages) from None
