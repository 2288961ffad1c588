from django import forms
from django.core.exceptions import ValidationError

from accounts import validators
from accounts.models import Establishment
from banking.services import normalise_iban
from common.forms import CleanTextFormMixin
from common.uploads import check_upload


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


class StaffBankDetailsRequestForm(BankDetailsRequestForm):
    """The same request, entered in the admin by Constructys staff from the signed RIB the owner sent; another
    accounting member validates it."""

    establishment = forms.ModelChoiceField(label="Établissement", queryset=Establishment.objects.all())
    requester_name = forms.CharField(
        label="Demandeur",
        max_length=200,
        help_text="Nom et fonction de la personne de l'établissement qui a signé le RIB ou le courrier.",
    )
    confirm = forms.BooleanField(
        label="J'ai vérifié que le RIB est signé par une personne habilitée de l'établissement.", required=True
    )

    field_order = ["establishment", "requester_name", "iban", "bic", "rib", "confirm"]

    def __init__(self, *args, establishment_widget=None, **kwargs):
        super().__init__(*args, **kwargs)
        if establishment_widget is not None:
            establishment_widget.choices = self.fields["establishment"].choices
            self.fields["establishment"].widget = establishment_widget
