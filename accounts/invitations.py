"""Invitations into a portal: a company manager (eGestion) or a provider référent (oGestion) invites an address;
nothing is attached until the owner of the address accepts.

    invitation = invite(actor=…, organisation=…, portal=…, email=…, establishments=[…], role=…)
    accept_with_new_account(invitation, password)          # a new address: the password creates the account
    accept(invitation, user, password=…)                   # an existing account (its password when needs_password)
    decline(invitation, user=None)

What the inviter learns is the same whatever the address: an invitation pending for that address, shown by its
address until it is accepted. A Constructys staff address gets no email and can never accept (an AccountEvent
says an invitation was ignored). Accepting needs the account's own password when the account has no access to
that portal yet (an account of the other portal, or a deactivated one): a session of another portal is not enough.
The link is random, stored as its SHA-256 (as AccountToken), single use, and expires with ACCOUNT_TOKEN_HOURS.
"""

import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import (
    PORTAL_ROLES,
    AccountEventKind,
    Invitation,
    InvitationStatus,
    Membership,
    Portal,
    Role,
    User,
)
from accounts.services import (
    PORTAL_LABELS,
    TOKEN_LIFETIME,
    _by_organisation,
    _hash,
    portal_login_url,
    record_event,
    require_user_manager,
    set_memberships,
)
from common.emails import build_email, send_email_on_commit

# Wrong passwords typed on one invitation before it stops working (the inviter can send a new one).
MAX_FAILED_PASSWORDS = 5
INVALID = (
    "Cette invitation n'est plus valable : demandez à la personne qui vous a invité(e) de vous en envoyer une nouvelle."
)
WRONG_PASSWORD = "Mot de passe incorrect."


def invitation_link(raw: str) -> str:
    return f"{settings.SITE_URL}{reverse('accounts:invitation', args=[raw])}"


def find(raw: str) -> Invitation | None:
    return Invitation.objects.select_related("organisation", "invited_by").filter(token_hash=_hash(raw)).first()


def account_for(invitation) -> User | None:
    return User.objects.filter(email__iexact=invitation.email).first()


def is_acceptable(invitation) -> bool:
    return invitation.is_acceptable and invitation.failed_passwords < MAX_FAILED_PASSWORDS


def open_invitations_for(user):
    """The invitations the user may still answer (none for staff)."""
    if user.is_staff:
        return Invitation.objects.none()
    return (
        Invitation.objects.open()
        .for_address(user.email)
        .filter(deliverable=True, failed_passwords__lt=MAX_FAILED_PASSWORDS)
        .select_related("organisation", "invited_by")
        .prefetch_related("establishments")
    )


def sent_by(organisations, portal):
    """What the inviters see: the invitations of their organisations not accepted (nor replaced), by address."""
    return (
        Invitation.objects.filter(organisation__in=organisations, portal=portal)
        .exclude(status__in=[InvitationStatus.ACCEPTED, InvitationStatus.REPLACED])
        .select_related("invited_by")
        .prefetch_related("establishments")
        .order_by("-created_at", "-id")
    )


def needs_password(invitation, user) -> bool:
    """An account without an active access to the invitation's portal confirms with its own password."""
    return not (
        user.is_active and Membership.objects.filter(user=user, role__in=PORTAL_ROLES[invitation.portal]).exists()
    )


@transaction.atomic
def invite(
    *, actor, organisations, portal, email, establishments, role, civility="", first_name="", last_name=""
) -> Invitation:
    """Invite `email` into `portal` with these establishments (of `organisations`, those the inviter administers)
    and `role`. A pending invitation of the same address to the same organisation is replaced (its link stops
    working). The same happens whatever the address: only a staff address gets no email."""
    grouped = _by_organisation(organisations, establishments)
    organisation = next(iter(grouped))
    for each in grouped:
        require_user_manager(actor, each, portal)
    email = User.objects.normalize_email(email).lower()
    now = timezone.now()
    Invitation.objects.filter(
        organisation=organisation, portal=portal, email__iexact=email, status=InvitationStatus.PENDING
    ).update(status=InvitationStatus.REPLACED, answered_at=now)
    account = User.objects.filter(email__iexact=email).first()
    is_staff = account is not None and account.is_staff
    raw = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        portal=portal,
        organisation=organisation,
        role=role,
        email=email,
        civility=civility,
        first_name=first_name,
        last_name=last_name,
        invited_by=actor,
        deliverable=not is_staff,
        token_hash=_hash(raw),
        created_at=now,
        expires_at=now + TOKEN_LIFETIME,
    )
    invitation.establishments.set([e for chosen in grouped.values() for e in chosen])
    context = {
        "invitation": invitation,
        "inviter": actor,
        "organisation": organisation,
        "establishments": [e for chosen in grouped.values() for e in chosen],
        "portal_label": PORTAL_LABELS[portal],
        "role_label": Role(role).label,
        "link": invitation_link(raw),
        "hours": settings.ACCOUNT_TOKEN_HOURS,
    }
    if is_staff:
        build_email("invitation", context, [email])  # the same work as for any address, then nothing is sent
        record_event(
            account, AccountEventKind.INVITATION_IGNORED, actor=actor, organisation=organisation, portal=portal
        )
    else:
        send_email_on_commit("invitation", context, [email])
    return invitation


def _locked(invitation) -> Invitation:
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not is_acceptable(locked):
        raise ValidationError(INVALID, code="invalid")
    return locked


def check_password(invitation, user, password) -> None:
    """The account's own password, counted against the invitation: after MAX_FAILED_PASSWORDS wrong ones the
    invitation stops working (so the page cannot be used to guess a password)."""
    if password and user.check_password(password):
        return
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        locked.failed_passwords += 1
        locked.save(update_fields=["failed_passwords"])
        invitation.failed_passwords = locked.failed_passwords
    raise ValidationError(WRONG_PASSWORD, code="password")


def _attach(invitation, user) -> None:
    establishments = list(invitation.establishments.select_related("organisation"))
    organisations = list({e.organisation_id: e.organisation for e in establishments}.values())
    for organisation, chosen in _by_organisation(organisations, establishments).items():
        if Membership.objects.filter(
            user=user, establishment__organisation=organisation, role__in=(Role.COMPANY_MANAGER,)
        ).exists():
            continue  # the account manager already sees every establishment; their role stays
        set_memberships(
            actor=invitation.invited_by,
            user=user,
            organisation=organisation,
            establishments=chosen,
            role=invitation.role,
        )
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
    invitation.status, invitation.answered_at, invitation.answered_by = InvitationStatus.ACCEPTED, timezone.now(), user
    invitation.save(update_fields=["status", "answered_at", "answered_by"])
    record_event(
        user,
        AccountEventKind.INVITATION_ACCEPTED,
        actor=invitation.invited_by,
        organisation=invitation.organisation,
        portal=invitation.portal,
        establishments=sorted(e.pk for e in establishments),
    )


def accept(invitation, user, *, password=None, signed_in=True) -> None:
    """`user` accepts: the invitation must be for their address. Their password is required when they are not
    signed in as that account, or when needs_password() (checked outside the attaching transaction so that a wrong
    one is counted)."""
    if user.is_staff or user.email.lower() != invitation.email.lower():
        raise PermissionDenied("Cette invitation est destinée à une autre adresse.")
    if not is_acceptable(invitation):
        raise ValidationError(INVALID, code="invalid")
    if not signed_in or needs_password(invitation, user):
        check_password(invitation, user, password)
    with transaction.atomic():
        _attach(_locked(invitation), user)


@transaction.atomic
def accept_with_new_account(invitation, password) -> User:
    """A new address accepts by creating its password: the account is created with the name the inviter typed,
    then attached."""
    locked = _locked(invitation)
    if account_for(locked) is not None:
        raise ValidationError(INVALID, code="account_exists")
    user = User.objects.create_user(
        email=locked.email,
        password=password,
        civility=locked.civility,
        first_name=locked.first_name,
        last_name=locked.last_name,
    )
    record_event(user, AccountEventKind.USER_CREATED, actor=locked.invited_by, organisation=locked.organisation)
    record_event(user, AccountEventKind.PASSWORD_SET)
    _attach(locked, user)
    send_email_on_commit(
        "password_created",
        {"user": user, "login_url": portal_login_url(locked.portal), "portal_label": PORTAL_LABELS[locked.portal]},
        [user.email],
    )
    return user


@transaction.atomic
def decline(invitation, user=None) -> None:
    locked = _locked(invitation)
    locked.status, locked.answered_at, locked.answered_by = InvitationStatus.DECLINED, timezone.now(), user
    locked.save(update_fields=["status", "answered_at", "answered_by"])
    if user is not None:
        record_event(
            user,
            AccountEventKind.INVITATION_DECLINED,
            actor=locked.invited_by,
            organisation=locked.organisation,
            portal=locked.portal,
        )


def invite_from_form(form, *, actor, organisations, portal, role) -> Invitation | None:
    """Send the invitation a portal's valid form describes (e-mail, establishments, civility and names); a refusal
    becomes the form's error and None is returned, so the page shows it next to what was typed."""
    data = form.cleaned_data
    try:
        return invite(
            actor=actor,
            organisations=organisations,
            portal=portal,
            email=data["email"],
            establishments=data["establishments"],
            role=role,
            civility=data["civility"],
            first_name=data["first_name"],
            last_name=data["last_name"],
        )
    except ValidationError as error:
        form.add_error(None, error)
        return None


def sent_message(invitation) -> str:
    """What the inviter is told: the same words whatever the address (new, an account elsewhere, staff)."""
    return (
        f"Une invitation a été envoyée à {invitation.email} : l'accès aux données de {invitation.organisation.name} "
        f"sera ouvert quand son destinataire l'aura acceptée (lien valable {settings.ACCOUNT_TOKEN_HOURS} heures)."
    )


def portal_label(invitation) -> str:
    return PORTAL_LABELS[Portal(invitation.portal)]
