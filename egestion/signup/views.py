"""Créer mon compte: a company's employee signs up with a SIRET and the member number."""

from allauth.core import ratelimit
from allauth.decorators import rate_limit
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts import services
from accounts.models import ConsentKind, ConsentVersion
from egestion.signup.forms import SignupForm

SIGNUP_EMAIL_SESSION_KEY = "egestion_signup_email"


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
@rate_limit(action="signup")
def signup(request):
    """A company's employee creates their account with a SIRET of the company and its member number; the email
    that follows confirms the address and leads to "Créer mon mot de passe"."""
    form = SignupForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # Every sign-up sends an email: bounded per address (and per IP, see the decorator).
        if not ratelimit.consume(request, action="signup_email", key=data["email"].lower()):
            return ratelimit.respond_429(request)
        try:
            services.register_company_user(
                siret=data["siret"],
                member_number=data["member_number"],
                civility=data["civility"],
                last_name=data["last_name"],
                first_name=data["first_name"],
                function=data["function"],
                email=data["email"],
            )
        except ValidationError as error:
            form.add_error(None, error)
            form.fields["siret"].widget.attrs["autofocus"] = True
        else:
            request.session[SIGNUP_EMAIL_SESSION_KEY] = data["email"]
            return redirect("egestion:signup_done")
    terms = ConsentVersion.objects.current().filter(kind=ConsentKind.CGU).first()
    return render(request, "egestion/signup.html", {"form": form, "terms": terms})


@login_not_required
@never_cache
def signup_done(request):
    """The same page whether the address had an account or not: nothing tells which."""
    context = {
        "email": request.session.get(SIGNUP_EMAIL_SESSION_KEY),
        "link_validity_hours": settings.ACCOUNT_TOKEN_HOURS,  # the same figure as the email's
    }
    return render(request, "egestion/signup_done.html", context)
