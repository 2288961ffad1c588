from decimal import Decimal

from django import forms

from common.forms import AmountField, CleanTextFormMixin


class ReturnForm(CleanTextFormMixin, forms.Form):
    """Saisie de votre bordereau de collecte: a year with configured rates, one of the user's establishments, and
    the payroll figures of that year."""

    annee = forms.TypedChoiceField(label="Année des salaires", coerce=int)
    etablissement = forms.TypedChoiceField(label="Établissement", coerce=int)
    effectif = forms.IntegerField(label="Effectif moyen annuel", min_value=0, max_value=1_000_000)
    masse_salariale = AmountField(
        label="Masse salariale brute annuelle (€)",
        min_value=Decimal("0"),
        max_digits=14,
        decimal_places=2,
    )
    masse_salariale_cdd = AmountField(
        label="Dont masse salariale brute des CDD (€)",
        min_value=Decimal("0"),
        max_digits=14,
        decimal_places=2,
        initial=Decimal("0"),
    )

    def __init__(self, data, *, years, establishments):
        super().__init__(data)
        self.fields["annee"].choices = [(year, str(year)) for year in years]
        self.fields["etablissement"].choices = [(e.pk, f"{e.name} — {e.siret}") for e in establishments]

    def clean(self):
        cleaned = super().clean()
        payroll, fixed_term = cleaned.get("masse_salariale"), cleaned.get("masse_salariale_cdd")
        if payroll is not None and fixed_term is not None and fixed_term > payroll:
            self.add_error(
                "masse_salariale_cdd", "La masse salariale des CDD ne peut pas dépasser la masse salariale totale."
            )
        return cleaned
