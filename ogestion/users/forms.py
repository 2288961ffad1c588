"""Forms of oGestion: the référent's user management ("Gérer mes utilisateurs")."""

from django import forms
from django.db.models import Q

from accounts import services
from accounts.models import Civility, User
from common.forms import CleanTextFormMixin


class UserFilterForm(CleanTextFormMixin, forms.Form):
    """The filters above the list of users: Nom, Mail, Statut utilisateur."""

    ACTIVE = "actif"
    INACTIVE = "inactif"

    nom = forms.CharField(label="Nom", required=False, max_length=150)
    mail = forms.CharField(label="Mail", required=False, max_length=254)
    statut = forms.ChoiceField(
        label="Statut utilisateur",
        required=False,
        choices=[("", "Tous"), (ACTIVE, "Actif"), (INACTIVE, "Inactif")],
    )

    def filter(self, users):
        """`users` (from services.users_of_organisations) narrowed by the valid filters."""
        if not self.is_valid():
            return users
        for word in self.cleaned_data["nom"].split():
            users = users.filter(Q(last_name__icontains=word) | Q(first_name__icontains=word))
        if mail := self.cleaned_data["mail"].strip():
            users = users.filter(email__icontains=mail)
        if self.cleaned_data["statut"] == self.ACTIVE:
            users = users.filter(is_active_here=True)
        elif self.cleaned_data["statut"] == self.INACTIVE:
            users = users.filter(is_active_here=False)
        return users

    @property
    def is_filtered(self) -> bool:
        return self.is_valid() and any(self.cleaned_data.values())


class PersonFilterForm(CleanTextFormMixin, forms.Form):
    nom = forms.CharField(label="Nom", required=False, max_length=150)

    def filter(self, persons):
        if self.is_valid():
            for word in self.cleaned_data["nom"].split():
                persons = persons.filter(Q(last_name__icontains=word) | Q(first_name__icontains=word))
        return persons


class UserSheetForm(CleanTextFormMixin, forms.Form):
    """The user sheet ("fiche utilisateur"): identity, profile, and the establishments the user is assigned to.

    `establishments` is the queryset of every establishment the référent may assign (those of the organisations
    they administer), so a posted establishment of another organisation is refused. `user` is the account being
    edited (None for a new one: then the email is asked, and must not be already one of the organisation's users).
    """

    civility = forms.ChoiceField(label="Civilité", choices=[("", "—"), *Civility.choices])
    last_name = forms.CharField(label="Nom", max_length=150)
    first_name = forms.CharField(label="Prénom", max_length=150)
    email = forms.EmailField(label="Email", max_length=254)
    portal_user = forms.BooleanField(
        label="Utilisateur portail OF",
        error_messages={"required": "Le profil « Utilisateur portail OF » est à cocher obligatoirement."},
    )
    referent = forms.BooleanField(label="Référents portail OF", required=False)
    establishments = forms.ModelMultipleChoiceField(
        label="Établissements",
        queryset=None,
        error_messages={
            "required": "Cochez au moins un établissement auquel l'utilisateur aura accès.",
            "invalid_choice": "Cet établissement ne fait pas partie de vos établissements.",
            "invalid_pk_value": "Cet établissement ne fait pas partie de vos établissements.",
        },
    )

    def __init__(self, *args, establishments, organisations, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisations = organisations
        self.user = user
        self.existing_user = None
        self.fields["establishments"].queryset = establishments
        self.fields["last_name"].widget.attrs["autocomplete"] = "family-name"
        self.fields["first_name"].widget.attrs["autocomplete"] = "given-name"
        self.fields["email"].widget.attrs.update(autocomplete="email", spellcheck="false", autocapitalize="none")
        if user is not None:
            # The email is the login: it is shown, not changed here.
            self.fields["email"].disabled = True

    def clean_email(self):
        if self.user is not None:
            return self.user.email
        email = User.objects.normalize_email(self.cleaned_data["email"]).lower()
        self.existing_user = services.users_of_organisations(self.organisations).filter(email__iexact=email).first()
        if self.existing_user is not None:
            raise forms.ValidationError(
                "Un utilisateur de votre organisme a déjà cette adresse : ouvrez sa fiche pour modifier ses accès.",
                code="exists",
            )
        return email

    @property
    def role(self) -> str:
        return services.provider_role(referent=self.cleaned_data["referent"])

    def checked_ids(self, default) -> set[int]:
        """The establishments to show ticked: what was posted, else `default` (the ones the user has)."""
        if not self.is_bound:
            return set(default)
        return {int(value) for value in self.data.getlist(self.add_prefix("establishments")) if value.isdecimal()}
