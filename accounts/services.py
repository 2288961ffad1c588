"""Account workflows shared by eGestion, oGestion and the admin: links to create a password, company sign-up
completion and manager claim, and the management of an organisation's users. Every change is recorded as an
AccountEvent, and every email leaves only once the transaction commits."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

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
    Portal,
    Role,
    User,
)
from common.emails import send_email_on_commit

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


# --- An organisation's users, managed by its manager (eGestion) or référent (oGestion) -----------------------


def administered_organisations(user, portal) -> list[Organisation]:
    """Organisations in which `user` may manage users (company manager, provider référent)."""
    admin_roles = [role for role in ADMIN_ROLES if role in PORTAL_ROLES[portal]]
    return list(
        Organisation.objects.filter(
            establishments__memberships__user=user,
            establishments__memberships__role__in=admin_roles,
            establishments__memberships__is_active=True,
        ).distinct()
    )


def organisation_users(organisation):
    """Every user with a membership, active or not, in one of the organisation's establishments; `is_active_here`
    tells whether they still have access to it."""
    here = Membership.include_inactive.filter(user=OuterRef("pk"), establishment__organisation=organisation)
    return (
        User.objects.filter(Exists(here))
        .annotate(is_active_here=Exists(here.filter(is_active=True, user__is_active=True)))
        .order_by("last_name", "first_name", "email")
    )


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
    """Create (or attach an existing) user to the organisation and email them: an invitation with a link to create
    their password if the account is new, or a notice that they can now reach the organisation's data."""
    establishments = _check_establishments(organisation, establishments)
    email = User.objects.normalize_email(email).lower()
    user = User.objects.filter(email__iexact=email).first()
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
    if user == actor:
        raise ValidationError("Vous ne pouvez pas désactiver votre propre compte.", code="self")
    if Membership.objects.filter(
        user=user, establishment__organisation=organisation, role=Role.COMPANY_MANAGER
    ).exists():
        raise ValidationError("Transmettez d'abord le rôle de gestionnaire à un autre utilisateur.", code="manager")
    Membership.include_inactive.filter(user=user, establishment__organisation=organisation).update(
        is_active=False, updated_by=actor, updated_at=timezone.now()
    )
    if not user.is_staff and not Membership.objects.filter(user=user).exists():
        user.is_active = False
        user.save(update_fields=["is_active"])
    record_event(user, AccountEventKind.DEACTIVATED, actor=actor, organisation=organisation)


@transaction.atomic
def reactivate_user(*, actor, user, organisation) -> None:
    updated = Membership.include_inactive.filter(user=user, establishment__organisation=organisation).update(
        is_active=True, updated_by=actor, updated_at=timezone.now()
    )
    if not updated:
        raise PermissionDenied("Cet utilisateur n'appartient pas à cette organisation.")
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
    record_event(user, AccountEventKind.REACTIVATED, actor=actor, organisation=organisation)


@transaction.atomic
def transfer_manager(*, actor, organisation, new_manager) -> None:
    """Hand the company's manager role to another active user of the company; the former manager stays a user."""
    if not Membership.objects.filter(user=new_manager, establishment__organisation=organisation).exists():
        raise ValidationError(
            "Le nouveau gestionnaire doit être un utilisateur actif de l'entreprise.", code="inactive"
        )
    Membership.include_inactive.filter(establishment__organisation=organisation, role=Role.COMPANY_MANAGER).update(
        role=Role.COMPANY_USER, updated_by=actor, updated_at=timezone.now()
    )
    for establishment in organisation.establishments.all():
        Membership.include_inactive.update_or_create(
            user=new_manager,
            establishment=establishment,
            defaults={"role": Role.COMPANY_MANAGER, "is_active": True, "updated_by": actor},
        )
    record_event(new_manager, AccountEventKind.MANAGER_TRANSFERRED, actor=actor, organisation=organisation)


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
