"""The form of "Créer mon compte"."""

from django import forms

from accounts import validators
from accounts.models import Civility, User
from common.forms import AccessibleForm


class SignupForm(AccessibleForm):
    """Créer mon compte: the SIRET of one of the company's establishments, its member number, who you are."""

    siret = forms.CharField(
        label="SIRET de votre établissement",
        max_length=20,
        help_text="14 chiffres, espaces acceptés (ex. : 732 829 320 00074).",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}),
    )
    member_number = forms.CharField(
        label="Numéro d'adhérent",
        max_length=10,
        help_text="6 chiffres : il figure sur vos avis de virement, ou votre Constructys régional peut vous le donner.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}),
    )
    civility = forms.ChoiceField(label="Civilité", choices=[("", "Choisir…"), *Civility.choices])
    last_name = forms.CharField(
        label="Nom", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )
    first_name = forms.CharField(
        label="Prénom", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    function = forms.CharField(
        label="Fonction",
        max_length=150,
        help_text="Par exemple : dirigeant, responsable des ressources humaines, assistante de direction.",
        widget=forms.TextInput(attrs={"autocomplete": "organization-title"}),
    )
    email = forms.EmailField(
        label="Adresse e-mail",
        max_length=254,
        help_text="Elle sera votre identifiant de connexion.",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false", "autocapitalize": "none"}),
    )
    email_confirmation = forms.EmailField(
        label="Confirmez votre adresse e-mail",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false", "autocapitalize": "none"}),
    )
    accept_terms = forms.BooleanField(
        label="J'ai lu et j'accepte les conditions générales d'utilisation",
        error_messages={
            "required": "Cochez cette case pour accepter les conditions générales d'utilisation : sans cela, le compte "
            "ne peut pas être créé."
        },
    )

    def clean_siret(self):
        siret = validators.compact_digits(self.cleaned_data["siret"])
        validators.validate_siret(siret)
        return siret

    def clean_member_number(self):
        number = validators.compact_digits(self.cleaned_data["member_number"])
        validators.validate_member_number(number)
        return number

    def clean_email(self):
        return User.objects.normalize_email(self.cleaned_data["email"]).lower()

    def clean_email_confirmation(self):
        return User.objects.normalize_email(self.cleaned_data["email_confirmation"]).lower()

    def clean(self):
        cleaned = super().clean()
        email, confirmation = cleaned.get("email"), cleaned.get("email_confirmation")
        if email and confirmation and email != confirmation:
            self.add_error("email_confirmation", "Les deux adresses e-mail ne sont pas identiques.")
        return cleaned
