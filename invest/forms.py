from decimal import Decimal

from django import forms
from django.forms import inlineformset_factory

from common.forms import AmountField, CleanTextFormMixin
from invest.models import InvestmentRequest, RequestLine

MIN_LINE_ROWS = 3


class RequestForm(CleanTextFormMixin, forms.ModelForm):
    """The project: for a new request, also the CFA establishment (among the user's CFAs)."""

    establishment = forms.ModelChoiceField(label="CFA", queryset=None, empty_label=None)
    co_financing = AmountField(
        label="Cofinancements obtenus (€)",
        max_digits=12,
        decimal_places=2,
        min_value=0,
        initial=0,
        help_text=InvestmentRequest._meta.get_field("co_financing").help_text,
    )

    class Meta:
        model = InvestmentRequest
        fields = ["establishment", "title", "description", "category", "co_financing", "co_financing_details"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, establishments, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["establishment"]
        else:
            self.fields["establishment"].queryset = establishments
            self.fields["establishment"].label_from_instance = lambda e: f"{e.name} — UAI {e.uai} ({e.city})"
        self.fields["category"].queryset = campaign.categories.all()
        self.fields["category"].empty_label = "Choisir une catégorie"


class LineForm(CleanTextFormMixin, forms.ModelForm):
    quantity = AmountField(label="Quantité", max_digits=10, decimal_places=2, min_value=Decimal("0.01"))
    unit_price_ht = AmountField(label="Prix unitaire HT", max_digits=12, decimal_places=2, min_value=0)

    class Meta:
        model = RequestLine
        fields = ["designation", "quantity", "unit_price_ht", "vat_rate"]

    def has_changed(self):
        """A blank new row (the VAT rate keeps its default) is left out rather than refused."""
        if self.instance.pk is None:
            return any(
                (self.data.get(self.add_prefix(name)) or "").strip()
                for name in ("designation", "quantity", "unit_price_ht")
            )
        return super().has_changed()


def line_formset_class(extra):
    return inlineformset_factory(
        InvestmentRequest, RequestLine, form=LineForm, extra=extra, can_delete=True, max_num=50, validate_max=True
    )


def line_formset(request_obj, data=None):
    existing = request_obj.lines.count() if request_obj.pk else 0
    formset_class = line_formset_class(max(1, MIN_LINE_ROWS - existing))
    return formset_class(data, instance=request_obj, prefix="lines")


class QuoteForm(CleanTextFormMixin, forms.Form):
    """A file for one of the campaign's required pieces (`document`), or another document (`document` empty)."""

    file = forms.FileField(label="Fichier (PDF, JPEG ou PNG, 10 Mo au plus)")
    document = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)


class DecisionForm(CleanTextFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label="Décision", choices=[("accept", "Accepter"), ("refuse", "Refuser")], widget=forms.RadioSelect
    )
    granted_amount = AmountField(
        label="Montant accordé (€)", max_digits=12, decimal_places=2, min_value=0, required=False
    )
    reason = forms.CharField(label="Motif du refus", required=False, widget=forms.Textarea(attrs={"rows": 3}))
