"""Account pages shared by both portals: the "Créer mon mot de passe" link and the RGPD / CGU acceptance."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from accounts import services
from accounts.forms import CreatePasswordForm
from accounts.models import ConsentVersion


@login_not_required
@never_cache
@sensitive_post_parameters("password1", "password2")
def create_password(request, token):
    account_token = services.find_token(token)
    if account_token is None or not account_token.is_usable:
        status = "used" if account_token and account_token.used_at else "expired" if account_token else "unknown"
        return render(request, "accounts/link_invalid.html", {"status": status, "token": token}, status=410)
    user = account_token.user
    form = CreatePasswordForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.create_password_with_token(token, form.cleaned_data["password1"])
        except ValidationError:
            return render(request, "accounts/link_invalid.html", {"status": "used", "token": token}, status=410)
        messages.success(
            request, f"Votre mot de passe est enregistré. Connectez-vous avec votre identifiant {user.email}."
        )
        return redirect(f"{services.portal_of_user(user)}:login")
    return render(request, "accounts/create_password.html", {"form": form, "account_user": user})


@login_not_required
@require_POST
def resend_link(request, token):
    """An expired link can ask for a new one, sent to the account's own address only."""
    account_token = services.find_token(token)
    if account_token is not None and account_token.used_at is None and not account_token.is_usable:
        user = account_token.user
        services.send_password_link(user, account_token.purpose, portal=services.portal_of_user(user))
    messages.info(request, "Si ce lien était expiré, un nouveau lien vient d'être envoyé à l'adresse du compte.")
    return redirect("landing")


def terms(request):
    """The RGPD and CGU texts in force, readable at any time from the portal menu."""
    portal = request.resolver_match.app_name
    return render(
        request,
        "accounts/terms.html",
        {"versions": ConsentVersion.objects.current(), "portal_base": f"{portal}/base.html"},
    )
