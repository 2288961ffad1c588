"""Gérer les utilisateurs: the company's manager ("gestionnaire du compte") invites colleagues, chooses the
establishments each one sees, gives access to those who signed up, deactivates and reactivates accounts, and hands
the manager role over.

Every user is looked up among the managed company's users (services.company_users): a user of another
organisation answers 404. Users who are not the manager of the company they are looking at get a 403 page that
names the manager. A manager of several companies works on one at a time: the one of the entity chosen in the
header, else the one picked on the list (kept in the session)."""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import invitations, services
from accounts.models import AccountEvent, AccountEventKind, Establishment, Membership, Portal, Role
from egestion.access import egestion_required
from egestion.users.forms import EstablishmentsForm, InviteForm, UserFilterForm

USERS_PER_PAGE = 20
MANAGED_ORGANISATION_SESSION_KEY = "egestion_managed_organisation"
# What the user's page shows of their history: what happened to the account in this company, and its password.
HISTORY_KINDS_WITHOUT_ORGANISATION = (AccountEventKind.EMAIL_CONFIRMED, AccountEventKind.PASSWORD_SET)


def _managed_organisations(request):
    """The companies, among those the user is looking at, of which they are the manager."""
    organisations = {
        m.establishment.organisation_id: m.establishment.organisation
        for m in request.memberships
        if m.role == Role.COMPANY_MANAGER
    }
    return sorted(organisations.values(), key=lambda organisation: organisation.name)


def _pick_organisation(request, organisations):
    if len(organisations) == 1:
        return organisations[0]
    by_id = {str(organisation.pk): organisation for organisation in organisations}
    chosen = request.GET.get("entreprise")
    if chosen in by_id:
        request.session[MANAGED_ORGANISATION_SESSION_KEY] = int(chosen)
        return by_id[chosen]
    return by_id.get(str(request.session.get(MANAGED_ORGANISATION_SESSION_KEY)), organisations[0])


def manager_required(view_func):
    """eGestion members only (accounts.access), and among them the company's manager: others get a 403 page that
    names their manager. Sets `request.managed_organisations` and `request.organisation`, the company worked on."""

    @egestion_required
    @wraps(view_func)
    def wrapper(request, *args, **kwargs):
        organisations = _managed_organisations(request)
        if not organisations:
            managers = [
                (organisation, services.organisation_manager(organisation)) for organisation in request.organisations
            ]
            return render(
                request, "egestion/users/manager_only.html", {"managers": managers, "active_menu": ""}, status=403
            )
        request.managed_organisations = organisations
        request.organisation = _pick_organisation(request, organisations)
        return view_func(request, *args, **kwargs)

    return wrapper


def _render(request, template, context=None, status=200):
    return render(request, template, {"active_menu": "users", **(context or {})}, status=status)


def _scoped_user(request, pk):
    return get_object_or_404(services.company_users(request.organisation), pk=pk)


def _establishments(request):
    return Establishment.objects.filter(organisation=request.organisation).order_by("name", "siret")


def _status(account) -> str:
    if account.is_active_here:
        return "active"
    return "deactivated" if account.was_deactivated else "pending"


@manager_required
@require_GET
def users(request):
    form = UserFilterForm(request.GET)
    page = Paginator(form.filter(services.company_users(request.organisation)), USERS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {"form": form, "page": page}
    if request.htmx:
        return _render(request, "egestion/users/list.html#results", context)
    context["invitations"] = invitations.sent_by([request.organisation], Portal.EGESTION)[:50]
    return _render(request, "egestion/users/list.html", context)


@manager_required
@require_http_methods(["GET", "POST"])
def user_invite(request):
    organisation = request.organisation
    establishments = _establishments(request)
    initial = {}
    if len(establishments) == 1:
        initial["establishments"] = list(establishments)
    form = InviteForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        establishments=establishments,
        users=services.organisation_users(organisation),
    )
    if request.method == "POST" and form.is_valid():
        invitation = invitations.invite_from_form(
            form, actor=request.user, organisations=[organisation], portal=Portal.EGESTION, role=Role.COMPANY_USER
        )
        if invitation is not None:
            messages.success(request, invitations.sent_message(invitation))
            return redirect("egestion:users")
    return _render(request, "egestion/users/invite.html", {"form": form})


def _detail(request, account, form=None, status=200):
    organisation = request.organisation
    memberships = list(
        Membership.include_inactive.filter(user=account, establishment__organisation=organisation).select_related(
            "establishment"
        )
    )
    account_status = _status(account)
    if form is None:
        shown = [m for m in memberships if m.is_active] if account_status == "active" else memberships
        form = EstablishmentsForm(
            initial={"establishments": [m.establishment_id for m in shown]}, establishments=_establishments(request)
        )
    if account_status == "deactivated" or account.is_manager_here:
        form.fields["establishments"].disabled = True
    history = (
        AccountEvent.objects.filter(user=account)
        .filter(Q(organisation=organisation) | Q(kind__in=HISTORY_KINDS_WITHOUT_ORGANISATION))
        .select_related("actor")[:10]
    )
    context = {
        "account": account,
        "account_status": account_status,
        "form": form,
        "history": history,
        "is_self": account == request.user,
    }
    return _render(request, "egestion/users/detail.html", context, status=status)


@manager_required
@require_GET
def user_detail(request, pk):
    return _detail(request, _scoped_user(request, pk))


@manager_required
@require_POST
def user_establishments(request, pk):
    """Save the establishments a user sees; for a sign-up waiting for access, this is "Donner l'accès"."""
    account = _scoped_user(request, pk)
    form = EstablishmentsForm(request.POST, establishments=_establishments(request))
    account_status = _status(account)
    if account_status == "deactivated" or account.is_manager_here:
        return redirect("egestion:user", account.pk)
    if not form.is_valid():
        return _detail(request, account, form)
    kwargs = {
        "actor": request.user,
        "user": account,
        "organisation": request.organisation,
        "establishments": form.cleaned_data["establishments"],
    }
    try:
        if account_status == "pending":
            services.grant_company_access(**kwargs)
        else:
            services.set_company_user_establishments(**kwargs)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if account_status == "pending":
            messages.success(
                request,
                f"{account} a désormais accès à eGestion pour les établissements choisis : un e-mail l'en informe.",
            )
        else:
            messages.success(request, f"Les établissements consultés par {account} sont enregistrés.")
    return redirect("egestion:user", account.pk)


@manager_required
@require_http_methods(["GET", "POST"])
def user_deactivate(request, pk):
    """GET asks for a confirmation; POST deactivates."""
    account = _scoped_user(request, pk)
    if request.method == "GET":
        return _render(
            request,
            "egestion/users/deactivate.html",
            {"account": account, "is_self": account == request.user},
        )
    try:
        services.deactivate_user(actor=request.user, user=account, organisation=request.organisation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, f"{account} est désactivé(e) : il ou elle n'a plus accès aux données de {request.organisation}."
        )
    return redirect("egestion:user", account.pk)


@manager_required
@require_POST
def user_reactivate(request, pk):
    account = _scoped_user(request, pk)
    services.reactivate_user(actor=request.user, user=account, organisation=request.organisation)
    messages.success(request, f"{account} est réactivé(e) : il ou elle retrouve l'accès à ses établissements.")
    return redirect("egestion:user", account.pk)


@manager_required
@require_http_methods(["GET", "POST"])
def user_transfer(request, pk):
    """Hand the manager role to this user: GET asks for a confirmation, POST hands it over."""
    account = _scoped_user(request, pk)
    allowed = account.is_active_here and not account.is_manager_here and account != request.user
    if request.method == "GET" or not allowed:
        status = 200 if request.method == "GET" else 400
        return _render(request, "egestion/users/transfer.html", {"account": account, "allowed": allowed}, status=status)
    try:
        services.transfer_manager(actor=request.user, organisation=request.organisation, new_manager=account)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("egestion:user", account.pk)
    messages.success(
        request,
        f"{account} est désormais le gestionnaire du compte de {request.organisation} ; vous restez utilisateur "
        "de l'entreprise.",
    )
    return redirect("egestion:home")
