"""Form fields shared by the portals."""

from django import forms

from common.formats import parse_decimal


class AmountField(forms.DecimalField):
    """An amount (or a quantity) as people type it: "1 234 567,89", "1234567.89", "1 234 567 €"."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    def to_python(self, value):
        if isinstance(value, str):
            number = parse_decimal(value.replace("€", ""))
            if number is not None:
                value = number
        return super().to_python(value)
