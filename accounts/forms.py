from django import forms
from django.contrib.auth import password_validation

from accounts.passwords import password_rules
from common.forms import CleanTextFormMixin


class CreatePasswordForm(CleanTextFormMixin, forms.Form):
    """Choose a password that meets the portal's rules (each unmet rule is named)."""

    password1 = forms.CharField(
        label="Saisissez le nouveau mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "aria-describedby": "password-rules"}),
    )
    password2 = forms.CharField(
        label="Confirmez le nouveau mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    rules = staticmethod(password_rules)

    def clean_password1(self):
        password = self.cleaned_data["password1"]
        password_validation.validate_password(password, self.user)
        return password

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password1") and cleaned.get("password2") and cleaned["password1"] != cleaned["password2"]:
            self.add_error("password2", "Les deux mots de passe ne sont pas identiques.")
        return cleaned
