"""Forms of eGestion: the company sign-up ("Créer mon compte") and the manager's "Gérer les utilisateurs"."""

from django import forms
from django.db.models import Q

from accounts import validators
from accounts.models import Civility, User
from common.forms import CleanTextFormMixin


class AccessibleForm(CleanTextFormMixin, forms.Form):
    """Once validated, the first invalid field takes the focus (autofocus), so that a keyboard or screen-reader
    user lands on what to correct without JavaScript, and `field_errors` feeds the summary above the form.

    Django ties an input to its error text (id `<auto_id>_error`, as common/form_field.html renders it) through
    aria-describedby, except for a group of checkboxes or a widget with its own aria-describedby: done here."""

    def full_clean(self):
        super().full_clean()
        first = True
        for name, field in self.fields.items():
            if name not in self.errors:
                continue
            bound = self[name]
            own = field.widget.attrs.get("aria-describedby", "")
            if own or bound.use_fieldset:
                described = own.split() or ([f"{bound.auto_id}_helptext"] if field.help_text else [])
                field.widget.attrs["aria-describedby"] = " ".join([*described, f"{bound.auto_id}_error"])
            if first:
                field.widget.attrs["autofocus"] = True
                first = False

    @property
    def field_errors(self):
        """(label, first error, id of the input to go to) of each invalid field, for the summary above the form."""
        summary = []
        for bound in self:
            if bound.errors:
                anchor = bound.id_for_label or f"{bound.auto_id}_0"  # a group of checkboxes: its first box
                summary.append((bound.label, bound.errors[0], anchor))
        return summary


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


# --- Gérer les utilisateurs ----------------------------------------------------------------------------------


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
