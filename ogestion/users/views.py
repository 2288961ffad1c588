"""Gérer mes utilisateurs: a training provider's référent creates the accounts of colleagues, chooses their
establishments, and deactivates them. Every user, person and establishment is taken from the organisations that
the référent administers (services.administered_organisations): anything else answers 404."""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import OuterRef, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import invitations, services
from accounts.models import AccountTokenPurpose, Establishment, Membership, Person, Portal, Role
from ogestion.access import ogestion_required
from ogestion.users.forms import PersonFilterForm, UserFilterForm, UserSheetForm

USERS_PER_PAGE = 20
PERSONS_PER_PAGE = 20


def referent_required(view_func):
    """oGestion members only, and among them référents (403 otherwise, with a page that says why). Sets
    `request.admin_organisations`, the organisations whose users the référent manages."""

    @ogestion_required
    @wraps(view_func)
    def wrapper(request, *args, **kwargs):
        if not request.is_portal_admin:
            return render(request, "ogestion/users/referent_only.html", {"active_menu": "home"}, status=403)
        request.admin_organisations = services.administered_organisations(request.all_memberships)
        return view_func(request, *args, **kwargs)

    return wrapper


def _persons(request):
    """The provider's persons within the référent's scope (Person.objects.for_user): what "Sélection d'un salarié"
    lists and prefills a sheet from."""
    return Person.objects.for_user(request.user, request.establishment_ids).filter(
        organisation__in=request.admin_organisations
    )


def _render(request, template, context, status=200):
    return render(request, template, {"active_menu": "users", **context}, status=status)


def _scoped_user(request, pk):
    return get_object_or_404(services.users_of_organisations(request.admin_organisations), pk=pk)


def _establishments(request):
    return Establishment.objects.filter(organisation__in=request.admin_organisations).order_by("name", "siret")


def _establishment_table(request, form, assigned_ids, shown_ids=None):
    """The rows of the establishments table: by default those in `shown_ids` (the assigned ones unless said
    otherwise) and any ticked one; with "Voir tous" (?tous=1), every establishment of the référent's organisations.
    The ticks: what was posted (or sent by htmx with "Voir tous"), else `assigned_ids`."""
    shown_ids = assigned_ids if shown_ids is None else shown_ids
    every = list(form.fields["establishments"].queryset)
    show_all = "1" in (request.GET.get("tous"), request.POST.get("tous"))
    if request.htmx and request.GET.get("selection"):
        checked = {int(value) for value in request.GET.getlist("establishments") if value.isdecimal()}
    else:
        checked = form.checked_ids(assigned_ids)
    shown = every if show_all else [e for e in every if e.pk in checked or e.pk in shown_ids]
    return {
        "rows": [(establishment, establishment.pk in checked) for establishment in shown],
        "show_all": show_all or len(shown) == len(every),
        "total": len(every),
    }


@referent_required
@require_GET
def users(request):
    form = UserFilterForm(request.GET)
    if form.is_filtered:
        accounts = form.filter(services.users_of_organisations(request.admin_organisations))
    else:
        accounts = services.users_of_organisations_pages(request.admin_organisations)
    page = Paginator(accounts, USERS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page}
    if request.htmx:
        return _render(request, "ogestion/users/list.html#results", context)
    context["invitations"] = invitations.sent_by(request.admin_organisations, Portal.OGESTION)[:50]
    return _render(request, "ogestion/users/list.html", context)


@referent_required
@require_GET
def persons(request):
    """Sélection d'un salarié: the provider's known persons, to give one of them an account."""
    organisations = request.admin_organisations
    account = services.users_of_organisations(organisations).filter(email__iexact=OuterRef("email")).values("pk")
    form = PersonFilterForm(request.GET)
    known = _persons(request).annotate(account_id=Subquery(account[:1])).order_by("last_name", "first_name", "pk")
    page = Paginator(form.filter(known), PERSONS_PER_PAGE).get_page(request.GET.get("page"))
    return _render(request, "ogestion/users/persons.html", {"form": form, "page": page})


@referent_required
@require_http_methods(["GET", "POST"])
def user_create(request):
    organisations = request.admin_organisations
    initial = {"portal_user": True}
    person = None
    if person_id := request.GET.get("salarie"):
        if not person_id.isdecimal():
            raise Http404
        person = get_object_or_404(_persons(request), pk=person_id)
        initial.update(
            civility=person.civility, last_name=person.last_name, first_name=person.first_name, email=person.email
        )
    form = UserSheetForm(
        request.POST or None,
        initial=initial,
        establishments=_establishments(request),
        organisations=organisations,
    )
    if request.method == "POST" and form.is_valid():
        invitation = invitations.invite_from_form(
            form, actor=request.user, organisations=organisations, portal=Portal.OGESTION, role=form.role
        )
        if invitation is not None:
            messages.success(request, invitations.sent_message(invitation))
            return redirect("ogestion:users")
    # A blank sheet lists the référent's own establishments; "Voir tous" shows the others.
    own = {m.establishment_id for m in request.memberships if m.establishment.organisation in organisations}
    return _sheet(request, form, set(), {"person": person}, shown_ids=own)


@referent_required
@require_http_methods(["GET", "POST"])
def user_sheet(request, pk):
    organisations = request.admin_organisations
    account = _scoped_user(request, pk)
    memberships = list(Membership.include_inactive.filter(user=account, establishment__organisation__in=organisations))
    active = [m for m in memberships if m.is_active and account.is_active]
    form = UserSheetForm(
        request.POST or None,
        initial={
            "civility": account.civility,
            "last_name": account.last_name,
            "first_name": account.first_name,
            "email": account.email,
            "portal_user": True,
            "referent": any(m.role == Role.PROVIDER_REFERENT for m in active),
            "establishments": [m.establishment_id for m in active],
        },
        establishments=_establishments(request),
        organisations=organisations,
        user=account,
    )
    if not account.is_active_here:
        for field in form.fields.values():
            field.disabled = True
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_provider_user(
                actor=request.user,
                user=account,
                organisations=organisations,
                establishments=data["establishments"],
                role=form.role,
                civility=data["civility"],
                first_name=data["first_name"],
                last_name=data["last_name"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"La fiche de {account} est enregistrée.")
            return redirect("ogestion:user", account.pk)
    # A deactivated user's sheet still lists the establishments they had, unticked.
    had = {m.establishment_id for m in memberships} if not account.is_active_here else None
    return _sheet(request, form, {m.establishment_id for m in active}, {"account": account}, shown_ids=had)


def _sheet(request, form, assigned_ids, context, shown_ids=None):
    context = {"form": form, "table": _establishment_table(request, form, assigned_ids, shown_ids), **context}
    if request.htmx and request.method == "GET":
        return _render(request, "ogestion/users/sheet.html#establishments", context)
    return _render(request, "ogestion/users/sheet.html", context)


@referent_required
@require_POST
def user_resend_activation(request, pk):
    account = _scoped_user(request, pk)
    [organisation, *_] = services.organisations_of_user(account, request.admin_organisations)
    try:
        services.resend_password_link(
            actor=request.user,
            user=account,
            purpose=AccountTokenPurpose.ACTIVATION,
            portal=Portal.OGESTION,
            organisation=organisation,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"Un nouvel e-mail d'activation a été envoyé à {account.email} ; le lien envoyé précédemment ne "
            "fonctionne plus.",
        )
    return redirect("ogestion:user", account.pk)


@referent_required
@require_http_methods(["GET", "POST"])
def user_deactivate(request, pk):
    """GET asks for a confirmation; POST deactivates."""
    account = _scoped_user(request, pk)
    if request.method == "GET":
        return _render(request, "ogestion/users/deactivate.html", {"account": account})
    try:
        services.deactivate_provider_user(actor=request.user, user=account, organisations=request.admin_organisations)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{account} est désactivé : il n'a plus accès à vos établissements dans oGestion.")
    return redirect("ogestion:user", account.pk)


@referent_required
@require_POST
def user_reactivate(request, pk):
    account = _scoped_user(request, pk)
    services.reactivate_provider_user(actor=request.user, user=account, organisations=request.admin_organisations)
    messages.success(request, f"{account} est réactivé : il retrouve l'accès à ses établissements.")
    return redirect("ogestion:user", account.pk)
