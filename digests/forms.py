from django import forms

from common.forms import CleanTextFormMixin
from digests.models import NotificationMode


class PreferenceForm(CleanTextFormMixin, forms.Form):
    mode = forms.ChoiceField(
        label="Notifications par e-mail",
        choices=NotificationMode.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choisissez comment être prévenu des nouveautés.",
            "invalid_choice": "Ce choix n'existe pas.",
        },
    )
    upcoming_deadlines = forms.BooleanField(
        label="Ajouter au récapitulatif la partie « À venir cette semaine » (les échéances de vos dossiers)",
        required=False,
    )


AGENDA_ACTIONS = {
    "create": "Créer mon adresse d'agenda",
    "renew": "Changer d'adresse",
    "revoke": "Supprimer mon adresse d'agenda",
}
