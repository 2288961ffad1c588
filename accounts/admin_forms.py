"""Forms of the back office's own pages (custom admin views), kept out of the portals' forms."""

from django import forms

from accounts.models import Civility
from common.forms import CleanTextFormMixin


class CreateReferentForm(CleanTextFormMixin, forms.Form):
    """The first référent of a training provider, created by Constructys staff."""

    civility = forms.ChoiceField(label="Civilité", choices=[("", "—"), *Civility.choices])
    last_name = forms.CharField(label="Nom", max_length=150)
    first_name = forms.CharField(label="Prénom", max_length=150)
    email = forms.EmailField(label="Adresse e-mail", help_text="Ce sera son identifiant oGestion.")
    establishments = forms.ModelMultipleChoiceField(
        label="Établissements",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text="Les établissements (SIRET) auxquels le référent aura accès.",
        error_messages={"required": "Cochez au moins un établissement."},
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        establishments = organisation.establishments.order_by("name", "siret")
        self.fields["establishments"].queryset = establishments
        self.fields["establishments"].label_from_instance = lambda e: f"{e.siret} — {e.name} ({e.postal_code} {e.city})"
        if not self.is_bound:
            self.initial.setdefault("establishments", [e.pk for e in establishments])


class PortalAccountCreationForm(CleanTextFormMixin, forms.ModelForm):
    """An account created by staff who are not superusers: an address only, no password (its owner creates it from
    the activation email, "Renvoyer l'e-mail d'activation"), so that nobody but the owner knows it."""

    class Meta:
        from accounts.models import User

        model = User
        fields = ["email"]

    def save(self, commit=True):
        user = super().save(commit=False)
        user.set_unusable_password()
        if commit:
            user.save()
        return user
