"""The forms of the manager's "Gérer les utilisateurs"."""

from django import forms
from django.db.models import Q

from accounts.models import Civility, User
from common.forms import AccessibleForm, CleanTextFormMixin


class UserFilterForm(CleanTextFormMixin, forms.Form):
    ACTIVE = "actif"
    INACTIVE = "inactif"

    q = forms.CharField(label="Nom ou adresse e-mail", required=False, max_length=254)
    statut = forms.ChoiceField(
        label="Statut",
        required=False,
        choices=[("", "Tous"), (ACTIVE, "Actif"), (INACTIVE, "Inactif")],
    )

    def filter(self, users):
        """`users` (services.company_users) narrowed by the valid filters: each word of the search matches the
        last name, the first name or the email."""
        if not self.is_valid():
            return users
        for word in self.cleaned_data["q"].split():
            users = users.filter(
                Q(last_name__icontains=word) | Q(first_name__icontains=word) | Q(email__icontains=word)
            )
        if self.cleaned_data["statut"] == self.ACTIVE:
            users = users.filter(is_active_here=True)
        elif self.cleaned_data["statut"] == self.INACTIVE:
            users = users.filter(is_active_here=False)
        return users

    @property
    def is_filtered(self) -> bool:
        return self.is_valid() and any(self.cleaned_data.values())


class EstablishmentsField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Établissements consultés")
        kwargs.setdefault(
            "error_messages",
            {
                "required": "Cochez au moins un établissement que l'utilisateur pourra consulter.",
                "invalid_choice": "Cet établissement ne fait pas partie de votre entreprise.",
                "invalid_pk_value": "Cet établissement ne fait pas partie de votre entreprise.",
            },
        )
        super().__init__(queryset=None, **kwargs)

    def label_from_instance(self, establishment):
        place = f" — {establishment.postal_code} {establishment.city}".rstrip() if establishment.city else ""
        return f"{establishment.name}{place} (SIRET {establishment.siret})"


class EstablishmentsForm(AccessibleForm):
    """The establishments of the company a user sees (`establishments`: the company's, so any other is refused)."""

    establishments = EstablishmentsField()

    def __init__(self, *args, establishments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["establishments"].queryset = establishments


class InviteForm(EstablishmentsForm):
    """Invite a colleague: they receive an email with the link to create their password."""

    civility = forms.ChoiceField(label="Civilité", choices=[("", "Choisir…"), *Civility.choices])
    last_name = forms.CharField(label="Nom", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "off"}))
    first_name = forms.CharField(label="Prénom", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "off"}))
    email = forms.EmailField(
        label="Adresse e-mail",
        max_length=254,
        help_text="L'invitation y sera envoyée ; elle sera l'identifiant de connexion de votre collègue.",
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "none"}),
    )

    field_order = ["civility", "last_name", "first_name", "email", "establishments"]

    def __init__(self, *args, users, **kwargs):
        """`users`: the company's users (services.company_users), to refuse an address that is already one."""
        super().__init__(*args, **kwargs)
        self.users = users

    def clean_email(self):
        email = User.objects.normalize_email(self.cleaned_data["email"]).lower()
        if self.users.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                "Cette personne a déjà un compte pour votre entreprise : retrouvez-la dans la liste des utilisateurs "
                "pour modifier ses établissements ou la réactiver.",
                code="exists",
            )
        return email
