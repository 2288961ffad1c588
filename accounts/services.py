"""Account workflows shared by eGestion, oGestion and the admin: links to create a password, company sign-up
completion and manager claim, and the management of an organisation's users. Every change is recorded as an
AccountEvent, and every email leaves only once the transaction commits."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from accounts import validators
from accounts.models import (
    ADMIN_ROLES,
    PORTAL_ROLES,
    AccountEvent,
    AccountEventKind,
    AccountToken,
    AccountTokenPurpose,
    Consent,
    ConsentVersion,
    Establishment,
    Membership,
    Organisation,
    OrganisationKind,
    Portal,
    Role,
    User,
)
from common.emails import send_email_on_commit
from common.prepared import PreparedAggregate, PreparedListing, PreparedQuery

TOKEN_LIFETIME = timedelta(hours=settings.ACCOUNT_TOKEN_HOURS)

PORTAL_LABELS = {Portal.EGESTION: "eGestion", Portal.OGESTION: "oGestion"}
EVENT_FOR_PURPOSE = {
    AccountTokenPurpose.SIGNUP: AccountEventKind.SIGNUP,
    AccountTokenPurpose.INVITATION: AccountEventKind.INVITED,
    AccountTokenPurpose.ACTIVATION: AccountEventKind.ACTIVATION_SENT,
}


def record_event(user, kind, *, actor=None, organisation=None, **details) -> AccountEvent:
    return AccountEvent.objects.create(user=user, kind=kind, actor=actor, organisation=organisation, details=details)


def portal_login_url(portal) -> str:
    return f"{settings.SITE_URL}{reverse(f'{portal}:login')}"


# --- "Créer mon mot de passe" links ---------------------------------------------------------------------------


def _hash(raw_token: str) -> str:
    return hashlib.sha256(raw_token.encode()).hexdigest()


def issue_token(user, purpose) -> str:
    """A new single-use link; any earlier unused link of the same purpose stops working."""
    AccountToken.objects.filter(user=user, purpose=purpose, used_at__isnull=True).delete()
    raw = secrets.token_urlsafe(32)
    AccountToken.objects.create(
        user=user, purpose=purpose, token_hash=_hash(raw), expires_at=timezone.now() + TOKEN_LIFETIME
    )
    return raw


def find_token(raw: str) -> AccountToken | None:
    """The token behind a link, whatever its state (the page tells an expired link from a used one)."""
    return AccountToken.objects.select_related("user").filter(token_hash=_hash(raw)).first()


def password_link(raw: str) -> str:
    return f"{settings.SITE_URL}{reverse('accounts:create_password', args=[raw])}"


def send_password_link(user, purpose, *, portal, actor=None, organisation=None) -> None:
    """Email the link to create a password: sign-up confirmation, colleague invitation or provider activation."""
    raw = issue_token(user, purpose)
    template = "signup_confirmation" if purpose == AccountTokenPurpose.SIGNUP else "account_created"
    send_email_on_commit(
        template,
        {
            "user": user,
            "link": password_link(raw),
            "portal_label": PORTAL_LABELS[portal],
            "login_url": portal_login_url(portal),
            "hours": settings.ACCOUNT_TOKEN_HOURS,
            "organisation": organisation,
        },
        [user.email],
    )
    record_event(user, EVENT_FOR_PURPOSE[purpose], actor=actor, organisation=organisation, portal=portal)


def portal_of_user(user) -> str:
    """The portal a user works in, for links in emails: oGestion if they have a provider membership."""
    provider_roles = PORTAL_ROLES[Portal.OGESTION]
    return Portal.OGESTION if user.memberships.filter(role__in=provider_roles).exists() else Portal.EGESTION


@transaction.atomic
def create_password_with_token(raw: str, password: str) -> User:
    """Set the password behind a valid link, once. Raises ValidationError if the link cannot be used."""
    token = AccountToken.objects.select_for_update().select_related("user").filter(token_hash=_hash(raw)).first()
    if token is None or not token.is_usable:
        raise ValidationError("Ce lien n'est plus valable.", code="invalid_link")
    user = token.user
    user.set_password(password)
    user.is_active = True
    user.save(update_fields=["password", "is_active"])
    token.used_at = timezone.now()
    token.save(update_fields=["used_at"])
    if token.purpose == AccountTokenPurpose.SIGNUP:
        record_event(user, AccountEventKind.EMAIL_CONFIRMED)
    record_event(user, AccountEventKind.PASSWORD_SET)
    portal = portal_of_user(user)
    send_email_on_commit(
        "password_created",
        {"user": user, "login_url": portal_login_url(portal), "portal_label": PORTAL_LABELS[portal]},
        [user.email],
    )
    if token.purpose == AccountTokenPurpose.SIGNUP:
        complete_company_signup(user)
    return user


# --- Company sign-up and account manager --------------------------------------------------------------------


def organisation_manager(organisation) -> User | None:
    membership = (
        Membership.objects.filter(establishment__organisation=organisation, role=Role.COMPANY_MANAGER)
        .select_related("user")
        .order_by("created_at")
        .first()
    )
    return membership.user if membership else None


def deactivated_account_contacts(user) -> list[dict]:
    """Whom a deactivated user asks to get their access back: per organisation where they had access, its account
    managers (company) or référents (training provider) still active; Constructys when there is none."""
    organisations = Organisation.objects.filter(establishments__memberships__user=user).distinct().order_by("name")
    contacts = []
    for organisation in organisations:
        admins = (
            User.objects.filter(
                is_active=True,
                memberships__is_active=True,
                memberships__role__in=ADMIN_ROLES,
                memberships__establishment__organisation=organisation,
            )
            .exclude(pk=user.pk)
            .distinct()
            .order_by("last_name", "first_name")
        )
        contacts.append({"organisation": organisation, "admins": list(admins)})
    return contacts


def complete_company_signup(user) -> None:
    """After a sign-up is confirmed: the first confirmed user of a company becomes its manager; later ones wait
    for the manager to grant them access (their membership stays inactive)."""
    pending = Membership.include_inactive.filter(
        user=user, role__in=PORTAL_ROLES[Portal.EGESTION], is_active=False
    ).select_related("establishment__organisation")
    for organisation in {m.establishment.organisation for m in pending}:
        manager = organisation_manager(organisation)
        if manager is None:
            claim_manager(user, organisation)
        else:
            record_event(user, AccountEventKind.ACCESS_REQUESTED, organisation=organisation, manager=manager.email)
            send_email_on_commit(
                "access_requested",
                {
                    "manager": manager,
                    "requester": user,
                    "organisation": organisation,
                    "users_url": f"{settings.SITE_URL}{reverse('egestion:users')}",
                },
                [manager.email],
            )


def claim_manager(user, organisation) -> None:
    """Make `user` the manager of every establishment of `organisation`, and tell the company's registered
    contact address, so that a wrong claim is noticed."""
    for establishment in organisation.establishments.all():
        Membership.include_inactive.update_or_create(
            user=user, establishment=establishment, defaults={"role": Role.COMPANY_MANAGER, "is_active": True}
        )
    record_event(user, AccountEventKind.MANAGER_CLAIMED, organisation=organisation)
    if organisation.contact_email:
        send_email_on_commit(
            "manager_registered", {"manager": user, "organisation": organisation}, [organisation.contact_email]
        )


SIGNUP_NO_MATCH = (
    "Ce SIRET et ce numéro d'adhérent ne correspondent à aucune entreprise adhérente de Constructys. Vérifiez-les : "
    "le numéro d'adhérent figure sur vos avis de virement, ou votre Constructys régional peut vous le donner."
)


class SignupOutcome:
    CREATED = "created"
    LINK_RESENT = "link_resent"
    ACCOUNT_EXISTS = "account_exists"


def find_member_establishment(siret: str, member_number: str) -> Establishment | None:
    """The member company's establishment with this SIRET, if the member number is its company's."""
    return (
        Establishment.objects.select_related("organisation")
        .filter(
            siret=validators.compact_digits(siret),
            organisation__kind=OrganisationKind.COMPANY,
            organisation__member_number=validators.compact_digits(member_number),
        )
        .first()
    )


@transaction.atomic
def register_company_user(*, siret, member_number, civility, last_name, first_name, function, email) -> str:
    """eGestion's "Créer mon compte": the SIRET of one of the company's establishments and its member number must
    match the registry (else ValidationError, the same whichever is wrong). A new account gets a pending membership
    on that establishment and the link that confirms the address; complete_company_signup decides, once the
    password is created, whether it becomes the company's manager or waits for the manager.

    Nothing tells the visitor whether the address already had an account: an account that never created its
    password gets a new confirmation link, any other one an email that says the account exists."""
    establishment = find_member_establishment(siret, member_number)
    if establishment is None:
        raise ValidationError(SIGNUP_NO_MATCH, code="no_match")
    organisation = establishment.organisation
    email = User.objects.normalize_email(email).lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email, civility=civility, last_name=last_name, first_name=first_name, function=function
        )
        outcome = SignupOutcome.CREATED
    elif user.is_active and not user.has_usable_password():
        # The first email was lost, or an invited colleague signs up on their own.
        outcome = SignupOutcome.LINK_RESENT
    else:
        record_event(user, AccountEventKind.SIGNUP, organisation=organisation, account_exists=True)
        send_email_on_commit(
            "account_exists",
            {
                "user": user,
                "organisation": organisation,
                "login_url": portal_login_url(Portal.EGESTION),
                "reset_url": f"{settings.SITE_URL}{reverse('account_reset_password')}",
            },
            [user.email],
        )
        return SignupOutcome.ACCOUNT_EXISTS
    Membership.include_inactive.get_or_create(
        user=user, establishment=establishment, defaults={"role": Role.COMPANY_USER, "is_active": False}
    )
    send_password_link(user, AccountTokenPurpose.SIGNUP, portal=Portal.EGESTION, organisation=organisation)
    return outcome


def company_access_requests(user) -> list[dict]:
    """The companies where the user has an eGestion account but no access, each with its manager: `deactivated`
    tells an access ended by a deactivation from a sign-up the manager has not answered yet."""
    memberships = Membership.include_inactive.filter(
        user=user, role__in=PORTAL_ROLES[Portal.EGESTION], is_active=False
    ).select_related("establishment__organisation")
    organisations = {m.establishment.organisation_id: m.establishment.organisation for m in memberships}
    if not organisations:
        return []
    deactivated = set(
        AccountEvent.objects.filter(
            user=user, kind=AccountEventKind.DEACTIVATED, organisation_id__in=organisations
        ).values_list("organisation_id", flat=True)
    )
    managers = {}
    for membership in (
        Membership.objects.filter(establishment__organisation_id__in=organisations, role=Role.COMPANY_MANAGER)
        .select_related("user", "establishment")
        .order_by("created_at")
    ):
        managers.setdefault(membership.establishment.organisation_id, membership.user)
    return [
        {"organisation": organisation, "manager": managers.get(pk), "deactivated": pk in deactivated}
        for pk, organisation in sorted(organisations.items(), key=lambda item: item[1].name)
    ]


# --- An organisation's users, managed by its manager (eGestion) or référent (oGestion) -----------------------


def manages_users(actor, organisation, portal=None) -> bool:
    """Whether `actor` may manage the users of `organisation`: one of its active company managers (eGestion) or
    provider référents (oGestion), in `portal` when given. The one rule of the portals' user pages, checked again by
    every service below that changes someone's access."""
    roles = [role for role in ADMIN_ROLES if portal is None or role in PORTAL_ROLES[portal]]
    return (
        actor is not None
        and Membership.objects.filter(user=actor, establishment__organisation=organisation, role__in=roles).exists()
    )


def require_user_manager(actor, organisation, portal=None) -> None:
    if not manages_users(actor, organisation, portal):
        raise PermissionDenied(
            "Seul le gestionnaire de compte (eGestion) ou un référent (oGestion) de l'organisation peut gérer ses "
            "utilisateurs."
        )


def administered_organisations(memberships) -> list[Organisation]:
    """Organisations in which the user may manage users (company manager, provider référent), by name: those of
    the administrator roles among `memberships`, the user's active memberships in a portal with their organisations
    (accounts.access: `request.all_memberships`, already read for the page)."""
    organisations = {m.establishment.organisation_id: m.establishment.organisation for m in memberships if m.is_admin}
    return sorted(organisations.values(), key=lambda organisation: (organisation.name, organisation.pk))


def organisation_users(organisation):
    """Every user with a membership, active or not, in one of the organisation's establishments; `is_active_here`
    tells whether they still have access to it."""
    return users_of_organisations([organisation])


def users_of_organisations(organisations):
    """`organisation_users` over several organisations (a référent may administer more than one): `is_active_here`
    is true while the user has an active membership in one of them."""
    here = Membership.include_inactive.filter(user=OuterRef("pk"), establishment__organisation__in=organisations)
    return (
        User.objects.filter(Exists(here))
        .annotate(is_active_here=Exists(here.filter(is_active=True, user__is_active=True)))
        .order_by("last_name", "first_name", "email")
    )


# The users list of a référent without a filter (oGestion "Gérer les utilisateurs"): its SQL built once per process.
_USERS_PAGE = PreparedQuery(
    lambda organisation_ids, window: users_of_organisations(organisation_ids)[window[0] : window[1]],
    name="users list: page",
)
_USERS_COUNT = PreparedAggregate(users_of_organisations, name="users list: count", n=Count("id"))


def users_of_organisations_pages(organisations) -> PreparedListing:
    """users_of_organisations as a Paginator reads it (its count, the rows of a page), from prepared queries."""
    return PreparedListing(_USERS_PAGE, _USERS_COUNT, sorted(organisation.pk for organisation in organisations))


def _check_establishments(organisation, establishments):
    establishments = list(establishments)
    if not establishments:
        raise ValidationError("Choisissez au moins un établissement.", code="no_establishment")
    if any(e.organisation_id != organisation.pk for e in establishments):
        raise PermissionDenied("Établissement d'une autre organisation.")
    return establishments


@transaction.atomic
def set_memberships(*, actor, user, organisation, establishments, role) -> None:
    """Give `user` exactly these establishments of `organisation`, with `role`; the others are deactivated."""
    establishments = _check_establishments(organisation, establishments)
    current = {
        m.establishment_id: m
        for m in Membership.include_inactive.filter(user=user, establishment__organisation=organisation)
    }
    chosen_ids = {e.pk for e in establishments}
    before = {
        "establishments": sorted(e for e, m in current.items() if m.is_active),
        "roles": sorted({m.role for m in current.values() if m.is_active}),
    }
    for establishment in establishments:
        membership = current.get(establishment.pk)
        if membership is None:
            Membership.objects.create(user=user, establishment=establishment, role=role, updated_by=actor)
        elif not membership.is_active or membership.role != role:
            membership.is_active, membership.role, membership.updated_by = True, role, actor
            membership.save(update_fields=["is_active", "role", "updated_by", "updated_at"])
    Membership.include_inactive.filter(user=user, establishment__organisation=organisation, is_active=True).exclude(
        establishment_id__in=chosen_ids
    ).update(is_active=False, updated_by=actor, updated_at=timezone.now())
    if before["establishments"] != sorted(chosen_ids):
        record_event(
            user,
            AccountEventKind.ESTABLISHMENTS_CHANGED,
            actor=actor,
            organisation=organisation,
            before=before["establishments"],
            after=sorted(chosen_ids),
        )
    if before["roles"] and before["roles"] != [role]:
        record_event(
            user,
            AccountEventKind.ROLE_CHANGED,
            actor=actor,
            organisation=organisation,
            before=before["roles"],
            after=role,
        )


@transaction.atomic
def add_user(*, actor, organisation, portal, email, establishments, role, first_name="", last_name="", civility=""):
    """Back office only ("Créer un référent", by staff): create (or attach an existing) user to the organisation and
    email them: a link to create their password if the account is new, or a notice that they can now reach the
    organisation's data. The portals never attach an account directly: they send an invitation that its owner
    accepts (accounts/invitations.py). A staff account is never attached to a portal."""
    establishments = _check_establishments(organisation, establishments)
    email = User.objects.normalize_email(email).lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is not None and user.is_staff:
        raise ValidationError(
            "Cette adresse est celle d'un compte de l'équipe Constructys : elle ne peut pas être rattachée à un "
            "portail.",
            code="staff",
        )
    created = user is None
    if created:
        user = User.objects.create_user(email=email, first_name=first_name, last_name=last_name, civility=civility)
        user.set_unusable_password()
        user.save(update_fields=["password"])
        record_event(user, AccountEventKind.USER_CREATED, actor=actor, organisation=organisation)
    set_memberships(actor=actor, user=user, organisation=organisation, establishments=establishments, role=role)
    if created or not user.has_usable_password():
        purpose = AccountTokenPurpose.INVITATION if portal == Portal.EGESTION else AccountTokenPurpose.ACTIVATION
        send_password_link(user, purpose, portal=portal, actor=actor, organisation=organisation)
    else:
        send_email_on_commit(
            "access_granted",
            {
                "user": user,
                "organisation": organisation,
                "login_url": portal_login_url(portal),
                "portal_label": PORTAL_LABELS[portal],
            },
            [user.email],
        )
    return user


@transaction.atomic
def deactivate_user(*, actor, user, organisation) -> None:
    """End the user's access to the organisation. Without access anywhere else, they can no longer log in and
    their open sessions end (Django refuses the session of an inactive user)."""
    require_user_manager(actor, organisation)
    if user == actor:
        raise ValidationError("Vous ne pouvez pas désactiver votre propre compte.", code="self")
    if Membership.objects.filter(
        user=user, establishment__organisation=organisation, role=Role.COMPANY_MANAGER
    ).exists():
        raise ValidationError("Transmettez d'abord le rôle de gestionnaire à un autre utilisateur.", code="manager")
    memberships = Membership.include_inactive.filter(user=user, establishment__organisation=organisation)
    # Kept in the event, so that a reactivation gives back these establishments and not ones removed earlier.
    establishment_ids = sorted(memberships.filter(is_active=True).values_list("establishment_id", flat=True))
    memberships.update(is_active=False, updated_by=actor, updated_at=timezone.now())
    if not user.is_staff and not Membership.objects.filter(user=user).exists():
        user.is_active = False
        user.save(update_fields=["is_active"])
        # An unused "Créer mon mot de passe" link would otherwise let the account in again.
        AccountToken.objects.filter(user=user, used_at__isnull=True).delete()
    record_event(
        user, AccountEventKind.DEACTIVATED, actor=actor, organisation=organisation, establishments=establishment_ids
    )


@transaction.atomic
def reactivate_user(*, actor, user, organisation) -> None:
    """Give back the access that the last deactivation ended (every establishment of the organisation where the
    user had a membership, if that is not known)."""
    require_user_manager(actor, organisation)
    memberships = Membership.include_inactive.filter(user=user, establishment__organisation=organisation)
    last = (
        AccountEvent.objects.filter(user=user, organisation=organisation, kind=AccountEventKind.DEACTIVATED)
        .filter(details__has_key="establishments")
        .exclude(details__establishments=[])
        .first()
    )
    if last is not None:
        restored = memberships.filter(establishment_id__in=last.details["establishments"])
        if restored.exists():
            memberships = restored
    updated = memberships.update(is_active=True, updated_by=actor, updated_at=timezone.now())
    if not updated:
        raise PermissionDenied("Cet utilisateur n'appartient pas à cette organisation.")
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
    record_event(user, AccountEventKind.REACTIVATED, actor=actor, organisation=organisation)


@transaction.atomic
def transfer_manager(*, actor, organisation, new_manager) -> None:
    """Hand the company's manager role to another active user of the company; the former manager stays a user.
    The new manager and the company's registered contact address are told."""
    require_user_manager(actor, organisation, Portal.EGESTION)
    if not Membership.objects.filter(user=new_manager, establishment__organisation=organisation).exists():
        raise ValidationError(
            "Le nouveau gestionnaire doit être un utilisateur actif de l'entreprise.", code="inactive"
        )
    managers = Membership.include_inactive.filter(establishment__organisation=organisation, role=Role.COMPANY_MANAGER)
    former = list(User.objects.filter(pk__in=managers.values("user_id")).exclude(pk=new_manager.pk))
    managers.update(role=Role.COMPANY_USER, updated_by=actor, updated_at=timezone.now())
    for establishment in organisation.establishments.all():
        Membership.include_inactive.update_or_create(
            user=new_manager,
            establishment=establishment,
            defaults={"role": Role.COMPANY_MANAGER, "is_active": True, "updated_by": actor},
        )
    record_event(new_manager, AccountEventKind.MANAGER_TRANSFERRED, actor=actor, organisation=organisation)
    for user in former:
        record_event(
            user,
            AccountEventKind.ROLE_CHANGED,
            actor=actor,
            organisation=organisation,
            before=Role.COMPANY_MANAGER,
            after=Role.COMPANY_USER,
        )
    context = {"manager": new_manager, "organisation": organisation, "actor": actor}
    send_email_on_commit(
        "manager_transferred", {**context, "login_url": portal_login_url(Portal.EGESTION)}, [new_manager.email]
    )
    if organisation.contact_email:
        send_email_on_commit("manager_registered", context, [organisation.contact_email])


# --- eGestion: the company manager's "Gérer les utilisateurs" ---------------------------------------------------


def company_users(organisation):
    """`organisation_users` with what the manager's list shows: `is_manager_here`, `was_deactivated` (a user
    without access who was never deactivated here is a sign-up waiting for access), `awaiting_password` (the
    link to create the password has not been used yet) and `establishment_count` (active ones)."""
    here = Membership.include_inactive.filter(user=OuterRef("pk"), establishment__organisation=organisation)
    active_count = here.filter(is_active=True).order_by().values("user").annotate(n=Count("pk")).values("n")
    return organisation_users(organisation).annotate(
        is_manager_here=Exists(here.filter(is_active=True, role=Role.COMPANY_MANAGER)),
        was_deactivated=Exists(
            AccountEvent.objects.filter(
                user=OuterRef("pk"), organisation=organisation, kind=AccountEventKind.DEACTIVATED
            )
        ),
        awaiting_password=Q(password__startswith=UNUSABLE_PASSWORD_PREFIX),
        establishment_count=Coalesce(Subquery(active_count), 0),
    )


def _refuse_for_manager(user, organisation) -> None:
    if Membership.objects.filter(
        user=user, establishment__organisation=organisation, role=Role.COMPANY_MANAGER
    ).exists():
        raise ValidationError(
            "Le gestionnaire du compte a accès à tous les établissements de l'entreprise.", code="manager"
        )


@transaction.atomic
def set_company_user_establishments(*, actor, user, organisation, establishments) -> None:
    """The establishments a company user (not the manager) sees; the user must have access already."""
    require_user_manager(actor, organisation, Portal.EGESTION)
    _refuse_for_manager(user, organisation)
    if not Membership.objects.filter(user=user, establishment__organisation=organisation).exists():
        raise ValidationError("Donnez d'abord l'accès à cet utilisateur, ou réactivez-le.", code="inactive")
    set_memberships(
        actor=actor, user=user, organisation=organisation, establishments=establishments, role=Role.COMPANY_USER
    )


@transaction.atomic
def grant_company_access(*, actor, user, organisation, establishments) -> None:
    """ "Donner l'accès": a user who signed up for the company (or lost the access) gets these establishments, and
    an email that says so."""
    require_user_manager(actor, organisation, Portal.EGESTION)
    _refuse_for_manager(user, organisation)
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
        record_event(user, AccountEventKind.REACTIVATED, actor=actor, organisation=organisation)
    set_memberships(
        actor=actor, user=user, organisation=organisation, establishments=establishments, role=Role.COMPANY_USER
    )
    send_email_on_commit(
        "access_granted",
        {
            "user": user,
            "organisation": organisation,
            "login_url": portal_login_url(Portal.EGESTION),
            "portal_label": PORTAL_LABELS[Portal.EGESTION],
        },
        [user.email],
    )


# --- oGestion: a training provider's référent manages its users ------------------------------------------------


def provider_role(*, referent: bool) -> str:
    """Every provider user has the "Utilisateur portail OF" profile; with "Référents portail OF" ticked as well,
    they are a référent, who may also manage the users."""
    return Role.PROVIDER_REFERENT if referent else Role.PROVIDER_USER


def _by_organisation(organisations, establishments) -> dict:
    """The chosen establishments grouped by organisation; one outside `organisations` is refused."""
    establishments = list(establishments)
    if not establishments:
        raise ValidationError("Choisissez au moins un établissement.", code="no_establishment")
    allowed = {organisation.pk: organisation for organisation in organisations}
    grouped = {}
    for establishment in establishments:
        if establishment.organisation_id not in allowed:
            raise PermissionDenied("Établissement d'une autre organisation.")
        grouped.setdefault(allowed[establishment.organisation_id], []).append(establishment)
    return grouped


def organisations_of_user(user, organisations) -> list[Organisation]:
    """Those of `organisations` where the user has a membership, active or not."""
    ids = set(
        Membership.include_inactive.filter(user=user, establishment__organisation__in=organisations).values_list(
            "establishment__organisation_id", flat=True
        )
    )
    return [organisation for organisation in organisations if organisation.pk in ids]


@transaction.atomic
def update_provider_user(*, actor, user, organisations, establishments, role, civility, first_name, last_name):
    """Save a user sheet: identity, profile, and exactly the chosen establishments among those of `organisations`
    (memberships in other organisations are left alone). A référent keeps their own profile and access."""
    for organisation in organisations:
        require_user_manager(actor, organisation, Portal.OGESTION)
    grouped = _by_organisation(organisations, establishments)
    active_in = set(
        Membership.objects.filter(user=user, establishment__organisation__in=organisations).values_list(
            "establishment__organisation_id", flat=True
        )
    )
    if not active_in:
        raise ValidationError("Réactivez d'abord cet utilisateur pour modifier sa fiche.", code="inactive")
    if user == actor:
        if role != Role.PROVIDER_REFERENT:
            raise ValidationError("Vous ne pouvez pas retirer votre propre profil de référent.", code="self_role")
        if active_in - {organisation.pk for organisation in grouped}:
            raise ValidationError("Vous ne pouvez pas retirer votre propre accès à un organisme.", code="self_access")
    identity = {"civility": civility, "first_name": first_name, "last_name": last_name}
    changed = [field for field, value in identity.items() if getattr(user, field) != value]
    if changed:
        for field in changed:
            setattr(user, field, identity[field])
        user.save(update_fields=changed)
    for organisation in organisations:
        if organisation in grouped:
            set_memberships(
                actor=actor, user=user, organisation=organisation, establishments=grouped[organisation], role=role
            )
        elif organisation.pk in active_in:
            # No establishment of this organisation is ticked any more: the access to it ends.
            active = Membership.objects.filter(user=user, establishment__organisation=organisation)
            before = sorted(active.values_list("establishment_id", flat=True))
            active.update(is_active=False, updated_by=actor, updated_at=timezone.now())
            record_event(
                user,
                AccountEventKind.ESTABLISHMENTS_CHANGED,
                actor=actor,
                organisation=organisation,
                before=before,
                after=[],
            )


@transaction.atomic
def deactivate_provider_user(*, actor, user, organisations) -> None:
    """End the user's access to every organisation of `organisations` (see deactivate_user)."""
    for organisation in organisations_of_user(user, organisations):
        deactivate_user(actor=actor, user=user, organisation=organisation)


@transaction.atomic
def reactivate_provider_user(*, actor, user, organisations) -> None:
    """Give back the access to the organisations where the user has none left (an organisation where they are
    still active is left as it is: a second click changes nothing)."""
    active = set(
        Membership.objects.filter(user=user, establishment__organisation__in=organisations).values_list(
            "establishment__organisation_id", flat=True
        )
    )
    for organisation in organisations_of_user(user, organisations):
        if organisation.pk not in active:
            reactivate_user(actor=actor, user=user, organisation=organisation)


@transaction.atomic
def resend_password_link(*, actor, user, purpose=None, portal=None, organisation=None) -> None:
    """Send a new "Créer mon mot de passe" link to an account that has no password yet; the previous link stops
    working. Without `purpose`, the one of the last link sent (activation or invitation for a new account)."""
    if user.has_usable_password():
        raise ValidationError(
            "Ce compte a déjà un mot de passe : l'utilisateur peut utiliser « J'ai oublié mon mot de passe ».",
            code="has_password",
        )
    portal = portal or portal_of_user(user)
    if purpose is None:
        last = AccountToken.objects.filter(user=user).order_by("-created_at").first()
        if last is not None:
            purpose = last.purpose
        else:
            purpose = AccountTokenPurpose.ACTIVATION if portal == Portal.OGESTION else AccountTokenPurpose.INVITATION
    # A sign-up waiting for its confirmation is inactive by design; any other inactive account was deactivated.
    if not user.is_active and purpose != AccountTokenPurpose.SIGNUP:
        raise ValidationError(
            "Ce compte est désactivé : réactivez-le avant de renvoyer l'e-mail d'activation.", code="inactive"
        )
    send_password_link(user, purpose, portal=portal, actor=actor, organisation=organisation)


# --- RGPD and CGU -----------------------------------------------------------------------------------------------


def versions_to_accept(user) -> list[ConsentVersion]:
    """The current versions of the texts that the user has not accepted yet (one query)."""
    accepted = Consent.objects.filter(user=user, version=OuterRef("pk"))
    return [version for version in ConsentVersion.objects.current().annotate(done=Exists(accepted)) if not version.done]


@transaction.atomic
def accept_consents(user, versions) -> None:
    for version in versions:
        Consent.objects.get_or_create(user=user, version=version)
    record_event(user, AccountEventKind.CONSENT_ACCEPTED, versions=[f"{v.kind} {v.version}" for v in versions])


def refuse_consents(user, versions) -> None:
    record_event(user, AccountEventKind.CONSENT_REFUSED, versions=[f"{v.kind} {v.version}" for v in versions])


def establishments_of(organisation):
    return Establishment.objects.filter(organisation=organisation).order_by("name", "siret")
