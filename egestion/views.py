from allauth.account.views import LoginView
from allauth.core import ratelimit
from allauth.decorators import rate_limit
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts import services
from accounts.access import portal_member_required, set_current_entity
from accounts.login_limits import LoginLimitMixin
from accounts.models import ConsentKind, ConsentVersion, Portal
from common.redirects import safe_path
from content.models import Advisor, Announcement
from egestion.forms import SignupForm
from messaging.selectors import company_unread_count

egestion_required = portal_member_required(Portal.EGESTION)

SIGNUP_EMAIL_SESSION_KEY = "egestion_signup_email"


class EgestionLoginView(LoginLimitMixin, LoginView):
    template_name = "egestion/login.html"
    success_url = reverse_lazy("egestion:home")


@egestion_required
def home(request):
    unread_messages = company_unread_count(request.user, request.establishment_ids)
    return render(
        request,
        "egestion/home.html",
        {
            "unread_messages": unread_messages,
            "announcements": list(Announcement.objects.published(Portal.EGESTION)),
            "advisors": list(Advisor.objects.for_establishments(request.establishment_ids)),
        },
    )


# --- Créer mon compte -------------------------------------------------------------------------------------------


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
    return render(request, "egestion/signup_done.html", {"email": request.session.get(SIGNUP_EMAIL_SESSION_KEY)})


# --- Several entities under one login ----------------------------------------------------------------------------


@egestion_required
@require_POST
def choose_entity(request):
    """The header's switcher: look at one of the user's establishments, or at all of them ("")."""
    value = request.POST.get("etablissement", "")
    if value:
        chosen = next((m.establishment for m in request.all_memberships if str(m.establishment_id) == value), None)
        if chosen is None:
            raise Http404
        set_current_entity(request, Portal.EGESTION, chosen.pk)
        messages.success(request, f"Vous consultez désormais les données de {chosen.name} (SIRET {chosen.siret}).")
    else:
        set_current_entity(request, Portal.EGESTION, None)
        messages.success(request, "Vous consultez désormais les données de toutes vos entités.")
    next_url = safe_path(request, request.POST.get("next", ""), reverse("egestion:home"))
    users_url = reverse("egestion:users")
    if next_url.startswith(users_url) and next_url != users_url:
        # A user's page may belong to the company that is no longer shown.
        next_url = users_url
    return redirect(next_url)
