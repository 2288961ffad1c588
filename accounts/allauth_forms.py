"""allauth's forms with the portal's wording (settings.ACCOUNT_FORMS)."""

from allauth.account.forms import ResetPasswordKeyForm as AllauthResetPasswordKeyForm

from accounts.passwords import password_rules
from common.forms import CleanTextFormMixin


class ResetPasswordKeyForm(CleanTextFormMixin, AllauthResetPasswordKeyForm):
    """The new password after a "forgotten password" email: the same rules as everywhere (AUTH_PASSWORD_VALIDATORS,
    checked by allauth), listed next to the fields instead of allauth's help text."""

    rules = staticmethod(password_rules)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password1"].label = "Saisissez le nouveau mot de passe"
        self.fields["password1"].help_text = ""
        self.fields["password1"].widget.attrs["aria-describedby"] = "password-rules"
        self.fields["password2"].label = "Confirmez le nouveau mot de passe"
