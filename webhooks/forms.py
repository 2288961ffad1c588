from django import forms

from common.forms import AccessibleForm
from webhooks.addresses import validate_webhook_url
from webhooks.models import SUBSCRIBABLE


class EndpointForm(AccessibleForm):
    """A new endpoint: its HTTPS address, what it is for, the events it receives (and, for a manager of several
    organisations, which one)."""

    organisation = forms.TypedChoiceField(label="Organisation", coerce=int)
    url = forms.URLField(
        label="Adresse de réception (URL HTTPS)",
        max_length=500,
        assume_scheme="https",
        validators=[validate_webhook_url],
        help_text="L'adresse de votre logiciel qui recevra les événements, par exemple "
        "https://logiciel.exemple.fr/webhooks/constructys.",
    )
    description = forms.CharField(
        label="Description", max_length=120, required=False, help_text="Par exemple : « Logiciel de paie »."
    )
    events = forms.MultipleChoiceField(
        label="Événements envoyés",
        choices=SUBSCRIBABLE,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choisissez au moins un événement."},
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisations = {organisation.pk: organisation for organisation in organisations}
        if len(self.organisations) == 1:
            del self.fields["organisation"]
        else:
            self.fields["organisation"].choices = [(pk, org.name) for pk, org in self.organisations.items()]

    def chosen_organisation(self):
        if "organisation" not in self.fields:
            return next(iter(self.organisations.values()))
        return self.organisations[self.cleaned_data["organisation"]]
