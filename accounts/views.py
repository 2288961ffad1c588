"""Account pages shared by both portals: the "Créer mon mot de passe" link, the RGPD / CGU acceptance, and the
back office's login (allauth's, so that staff enter their second factor)."""

from functools import wraps
from urllib.parse import urlencode

from allauth.account.views import LoginView
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, logout
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import invitations, services, staff_mfa
from accounts.forms import CreatePasswordForm
from accounts.login_limits import LoginLimitMixin
from accounts.middleware import remember_consents
from accounts.models import ConsentKind, ConsentVersion, Membership, User
from common.redirects import next_path


@login_not_required
@never_cache
@sensitive_post_parameters("password1", "password2")
def create_password(request, token):
    account_token = services.find_token(token)
    if account_token is None or not account_token.is_usable:
        status = "used" if account_token and account_token.used_at else "expired" if account_token else "unknown"
        return render(
            request,
            "accounts/link_invalid.html",
            {"status": status, "token": token, "hours": settings.ACCOUNT_TOKEN_HOURS},
            status=410,
        )
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


# --- Invitations: nothing is attached until the owner of the address accepts (accounts/invitations.py) ----------


def _accepted(request, invitation, signed_in):
    messages.success(
        request,
        f"Invitation acceptée : vous avez désormais accès aux données de {invitation.organisation} dans "
        f"{invitations.portal_label(invitation)}.",
    )
    if signed_in:
        return redirect(f"{invitation.portal}:home")
    messages.info(request, f"Connectez-vous avec votre identifiant {invitation.email}.")
    return redirect(f"{invitation.portal}:login")


def _declined(request):
    messages.info(request, "Vous avez refusé l'invitation : rien n'a été rattaché à votre adresse.")


@login_not_required
@never_cache
@sensitive_post_parameters("password", "password1", "password2")
@require_http_methods(["GET", "POST"])
def invitation(request, token):
    """The link of an invitation email. A new address accepts by creating its password; an existing account
    accepts signed in as itself, or with its own password (always for an account without access to that portal).
    Either may refuse."""
    found = invitations.find(token)
    account = invitations.account_for(found) if found is not None else None
    if found is None or not invitations.is_acceptable(found) or (account is not None and account.is_staff):
        return render(request, "accounts/invitation_invalid.html", status=410)
    signed_in = request.user.is_authenticated and account is not None and request.user.pk == account.pk
    decision = request.POST.get("decision") if request.method == "POST" else None
    if decision == "decline":
        try:
            invitations.decline(found, user=request.user if signed_in else None)
        except ValidationError:
            return render(request, "accounts/invitation_invalid.html", status=410)
        _declined(request)
        return redirect(f"{found.portal}:home" if signed_in else "landing")
    context = {"invitation": found, "portal_label": invitations.portal_label(found), "new_account": account is None}
    status = 200
    if account is None:
        prospective = User(email=found.email, first_name=found.first_name, last_name=found.last_name)
        form = CreatePasswordForm(request.POST if decision == "accept" else None, user=prospective)
        if decision == "accept" and form.is_valid():
            try:
                invitations.accept_with_new_account(found, form.cleaned_data["password1"])
            except ValidationError:
                return render(request, "accounts/invitation_invalid.html", status=410)
            return _accepted(request, found, signed_in=False)
        context["form"] = form
        status = 400 if form.errors else 200
    else:
        ask_password = not signed_in or invitations.needs_password(found, account)
        if decision == "accept":
            try:
                invitations.accept(found, account, password=request.POST.get("password"), signed_in=signed_in)
            except ValidationError as error:
                if not invitations.is_acceptable(found):
                    return render(request, "accounts/invitation_invalid.html", status=410)
                context["error"] = " ".join(error.messages)
                status = 400
            else:
                return _accepted(request, found, signed_in)
        context.update(ask_password=ask_password, signed_in=signed_in)
    return render(request, "accounts/invitation.html", context, status=status)


@never_cache
@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
def my_invitations(request):
    """The signed-in user's pending invitations, with "Accepter" and "Refuser" (their password too when they have
    no access to that portal yet). An invitation of another address answers 404."""
    pending = invitations.open_invitations_for(request.user)
    errors = {}
    if request.method == "POST":
        pk = request.POST.get("invitation", "")
        found = get_object_or_404(pending, pk=pk if pk.isdigit() else 0)
        if request.POST.get("decision") == "decline":
            invitations.decline(found, user=request.user)
            _declined(request)
            return redirect("accounts:invitations")
        try:
            invitations.accept(found, request.user, password=request.POST.get("password"))
        except ValidationError as error:
            errors[found.pk] = " ".join(error.messages)
        else:
            return _accepted(request, found, signed_in=True)
    rows = [
        {
            "invitation": item,
            "ask_password": invitations.needs_password(item, request.user),
            "error": errors.get(item.pk),
        }
        for item in pending
    ]
    return render(request, "accounts/invitations.html", {"rows": rows}, status=400 if errors else 200)


def terms(request):
    """The RGPD and CGU texts in force, readable at any time from the portal menu."""
    portal = request.resolver_match.app_name
    return render(
        request,
        "accounts/terms.html",
        {"versions": ConsentVersion.objects.current(), "portal_base": f"{portal}/base.html"},
    )


# --- RGPD and CGU at first login (and after a new version) ------------------------------------------------------


def _safe_next(request) -> str:
    return next_path(request)


def _portal_of(next_url, user) -> str:
    """The portal the user came from: the one of the page they asked for, else the one they work in."""
    for portal in settings.PORTAL_MENUS:
        if next_url.startswith(reverse(f"{portal}:home")):
            return portal
    return services.portal_of_user(user)


@never_cache
@require_http_methods(["GET", "POST"])
def consent(request):
    """The texts in force with "Refuser" and "Accepter". Accepting records who accepted which version and when,
    then goes on to the page asked for; refusing logs out, back to the login page of the portal."""
    user = request.user
    next_url = _safe_next(request)
    pending = services.versions_to_accept(user)
    if not pending:
        remember_consents(request)
        return redirect(next_url or f"{_portal_of(next_url, user)}:home")
    if request.method == "POST":
        decision = request.POST.get("decision")
        if decision == "accept":
            shown = set(request.POST.getlist("version"))
            accepted = [version for version in pending if str(version.pk) in shown]
            if accepted:
                services.accept_consents(user, accepted)
            if len(accepted) == len(pending):
                remember_consents(request)
                return redirect(next_url or f"{_portal_of(next_url, user)}:home")
            # A new version came out while the page was open: show the texts again.
            return redirect(f"{reverse('accounts:consent')}?{urlencode({REDIRECT_FIELD_NAME: next_url})}")
        if decision == "refuse":
            services.refuse_consents(user, pending)
            login_url = reverse(f"{_portal_of(next_url, user)}:login")
            logout(request)
            messages.info(
                request,
                "Vous avez refusé le RGPD et les CGU : l'accès à votre espace nécessite de les accepter. "
                "Vous pourrez les relire à votre prochaine connexion.",
            )
            return redirect(login_url)
    membership = (
        Membership.objects.filter(user=user)
        .select_related("establishment")
        .order_by("establishment__name", "establishment__siret")
        .first()
    )
    return render(
        request,
        "accounts/consent.html",
        {
            # The RGPD first, then the CGU, as in the user guide.
            "versions": sorted(ConsentVersion.objects.current(), key=lambda v: v.kind != ConsentKind.RGPD),
            "pending": pending,
            "establishment": membership.establishment if membership else None,
            "next_url": next_url,
        },
    )


# --- Back office login ----------------------------------------------------------------------------------------


class AccountLoginView(LoginLimitMixin, LoginView):
    """allauth's own login page (/comptes/login/, where allauth sends a login it had to abandon), with the login
    limits of the portals' pages."""


class StaffLoginView(LoginLimitMixin, LoginView):
    """allauth's login for the back office: after the password, staff with an authenticator app enter its code."""

    template_name = "account/staff_login.html"
    success_url = reverse_lazy("admin:index")


def admin_login(admin_site_login):
    """Replace the admin's own login form (which would skip the second factor) with allauth's, as allauth's
    secure_admin_login does; it is not used as is because it sends visitors to settings.LOGIN_URL, whose router
    sends /admin/ back to the admin's login.

    A visitor gets StaffLoginView at /admin/login/; logged-in staff are sent to the index (the admin's own form is
    never used: a POST to it would log in another account with a password alone); any other logged-in user is told
    that the back office is for Constructys staff (403).
    """
    if getattr(admin_site_login, "is_allauth_admin_login", False):
        return admin_site_login  # config.urls imported again
    staff_login = StaffLoginView.as_view()

    @wraps(admin_site_login)
    def view(request, extra_context=None):
        user = request.user
        if not user.is_authenticated:
            return staff_login(request)
        if not (user.is_active and user.is_staff):
            return render(request, "account/staff_only.html", status=403)
        return redirect("admin:index")

    view.is_allauth_admin_login = True
    return login_not_required(never_cache(view))


# --- Staff second factor: set up only through the emailed link (accounts/staff_mfa.py) -----------------------


@never_cache
@require_GET
def totp_enrolment_pending(request):
    """Where the admin sends a staff member without an authenticator app."""
    user = request.user
    if not staff_mfa.needs_enrolment(user):
        return redirect("admin:index")
    staff_mfa.send_first_link_if_none(user)
    return render(
        request,
        "accounts/totp_enrolment_pending.html",
        {"link": staff_mfa.last_link(user), "hours": staff_mfa.TOTP_LINK_HOURS},
    )


@login_not_required
@never_cache
@require_GET
def totp_enrolment(request, token):
    """The emailed link: logged in as its owner (the back office's login first), it opens the set-up once."""
    user = request.user
    if not user.is_authenticated:
        return redirect(f"{reverse('admin:login')}?{urlencode({REDIRECT_FIELD_NAME: request.path})}")
    if not staff_mfa.needs_enrolment(user):
        return redirect("admin:index")
    status = staff_mfa.redeem(token, user)
    if status != "ok":
        return render(
            request,
            "accounts/totp_enrolment_pending.html",
            {"link": staff_mfa.last_link(user), "hours": staff_mfa.TOTP_LINK_HOURS, "status": status},
            status=410,
        )
    staff_mfa.allow_setup_in_session(request)
    return redirect("mfa_activate_totp")


# --- Too many attempts (allauth's rate limits answer 429 with this page) -------------------------------------


@login_not_required
def too_many_requests(request, exception=None):
    return render(request, "account/too_many_requests.html", status=429)


# --- allauth's pages the portals do not use ------------------------------------------------------------------


@login_not_required
def not_routed(request, *args, **kwargs):
    """allauth builds links to some of its pages (e.g. sign-up in the "unknown account" email): the name stays
    reversible, the page answers 404 (accounts/allauth_urls.py)."""
    raise Http404("Cette page n'existe pas.")
