"""allauth's forms with the portal's wording (settings.ACCOUNT_FORMS)."""

from allauth.account.adapter import get_adapter
from allauth.account.forms import ResetPasswordForm as AllauthResetPasswordForm
from allauth.account.forms import ResetPasswordKeyForm as AllauthResetPasswordKeyForm

from accounts.models import User
from accounts.passwords import password_rules
from accounts.services import deactivated_account_contacts
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


class ResetPasswordForm(CleanTextFormMixin, AllauthResetPasswordForm):
    """ "J'ai oublié mon mot de passe": the page says the same thing for every address (no account enumeration);
    the email tells the owner of the address what applies to them. An address whose account was deactivated gets
    an email saying so and whom to ask, instead of allauth's "no account uses this address"."""

    def save(self, request, **kwargs):
        email = self.cleaned_data["email"]
        deactivated = None if self.users else User.objects.filter(email__iexact=email, is_active=False).first()
        if deactivated is None:
            return super().save(request, **kwargs)
        get_adapter().send_mail(
            "account/email/account_deactivated",
            deactivated.email,
            {"user": deactivated, "contacts": deactivated_account_contacts(deactivated)},
        )
        return email
