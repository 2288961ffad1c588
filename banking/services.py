"""The bank-details change workflow, called by the portals' establishment pages and by the admin.

An establishment's IBAN/BIC change only here, through a request validated by someone else than its author ("quatre
yeux"); every request and every decision is emailed to the establishment's managers and the organisation's registered
contact, so that an owner learns at once about a change they did not ask for.
"""

import os

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from stdnum import iban as stdnum_iban

from accounts.models import ADMIN_ROLES, PORTAL_ROLES, Establishment, Membership, OrganisationKind, Portal
from banking.models import (
    VALIDATE_PERMISSION,
    BankDetailsChange,
    BankDetailsRequest,
    RequestSource,
    RequestStatus,
)
from common.emails import send_email_on_commit
from common.formats import masked_iban
from common.history import log_change
from common.uploads import CheckedUpload
from dossiers.models import Document, DocumentDirection, DocumentKind


def normalise_iban(value: str) -> str:
    return stdnum_iban.compact(value or "")


def pending_request(establishment: Establishment) -> BankDetailsRequest | None:
    return establishment.bank_details_requests.filter(status=RequestStatus.PENDING).first()


def may_request(user, establishment: Establishment, source: str) -> bool:
    """Who may ask for new bank details: in a portal, a référent (oGestion) or an account manager (eGestion) of the
    establishment; in the admin, a staff member allowed to enter requests (from a signed RIB). The portals' pages,
    the admin and any later caller share this one rule, checked again by submit_request."""
    if source == RequestSource.ADMIN:
        return bool(user.is_active and user.is_staff and user.has_perm("banking.add_bankdetailsrequest"))
    managers = [role for role in ADMIN_ROLES if role in PORTAL_ROLES[Portal(source)]]
    return Membership.objects.filter(user=user, establishment=establishment, role__in=managers).exists()


@transaction.atomic
def submit_request(
    establishment: Establishment,
    user,
    *,
    iban: str,
    bic: str,
    rib: CheckedUpload,
    source: str = RequestSource.OGESTION,
    requester_name: str = "",
) -> BankDetailsRequest:
    """Record a request: the RIB (already checked by content) filed as a received document of the establishment, the
    IBAN/BIC checked. `user` is its author: the portal user who asked, or the staff member who entered it. The
    establishment's bank details do not change until validated. PermissionDenied when `user` may not ask."""
    if not may_request(user, establishment, source):
        raise PermissionDenied(
            "Seul un référent ou un gestionnaire de compte de l'établissement peut demander un changement de "
            "coordonnées bancaires."
        )
    establishment = Establishment.objects.select_for_update().get(pk=establishment.pk)
    if pending_request(establishment) is not None:
        raise ValidationError(
            "Une demande de changement de coordonnées bancaires est déjà en attente de validation pour cet "
            "établissement."
        )
    stored = rib.stored_fields()
    stored["name"] = f"RIB - {establishment.siret}{os.path.splitext(stored['file'].name)[1]}"
    document = Document.objects.create(
        establishment=establishment,
        direction=DocumentDirection.RECEIVED,
        kind=DocumentKind.OTHER,
        uploaded_by=user,
        **stored,
    )
    request = BankDetailsRequest(
        establishment=establishment,
        iban=normalise_iban(iban),
        bic=(bic or "").strip().upper(),
        rib=document,
        requested_by=user,
        source=source,
        requester_name=requester_name.strip(),
    )
    request.full_clean(exclude=["rib"])
    request.save()
    _notify(request, establishment, "bank_details_requested")
    return request


def can_validate(user) -> bool:
    """Only the accounting group holds the validation permission; it is read from the user's groups, so that a
    superuser (who implicitly has every permission) is no exception."""
    return bool(
        user.is_active
        and user.is_staff
        and Group.objects.filter(
            user=user, permissions__codename=VALIDATE_PERMISSION, permissions__content_type__app_label="banking"
        ).exists()
    )


def validation_refusal(request: BankDetailsRequest, user) -> str | None:
    """Why `user` may not validate `request` (in French), or None when they may."""
    if not can_validate(user):
        return "Seul un membre du service Comptabilité peut valider de nouvelles coordonnées bancaires."
    if request.requested_by_id == user.pk:
        return (
            "Vous êtes l'auteur de cette demande : un autre membre du service Comptabilité doit la valider "
            "(principe des quatre yeux)."
        )
    return None


@transaction.atomic
def validate_request(request: BankDetailsRequest, staff_user) -> BankDetailsChange:
    """Accounting staff accept the request: the new IBAN/BIC replace the establishment's, the old ones are kept in
    the history."""
    request = BankDetailsRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != RequestStatus.PENDING:
        raise ValidationError("Cette demande a déjà été traitée.")
    if refusal := validation_refusal(request, staff_user):
        raise ValidationError(refusal)
    establishment = Establishment.objects.select_for_update().get(pk=request.establishment_id)
    change = BankDetailsChange.objects.create(
        establishment=establishment,
        request=request,
        old_iban=establishment.iban,
        old_bic=establishment.bic,
        new_iban=request.iban,
        new_bic=request.bic,
        changed_by=staff_user,
    )
    establishment.iban, establishment.bic = request.iban, request.bic
    establishment.save(update_fields=["iban", "bic"])
    request.status = RequestStatus.VALIDATED
    request.decided_by, request.decided_at = staff_user, timezone.now()
    request.save(update_fields=["status", "decided_by", "decided_at"])
    log_change(
        staff_user,
        establishment,
        f"Coordonnées bancaires modifiées : IBAN {masked_iban(change.old_iban)} → {masked_iban(change.new_iban)}, "
        f"BIC {change.old_bic or '—'} → {change.new_bic} (demande de {author_label(request)}, validée par "
        f"{staff_user.get_full_name() or staff_user.email}).",
    )
    _notify(request, establishment, "bank_details_decided")
    return change


@transaction.atomic
def reject_request(request: BankDetailsRequest, staff_user, reason: str = "") -> BankDetailsRequest:
    request = BankDetailsRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != RequestStatus.PENDING:
        raise ValidationError("Cette demande a déjà été traitée.")
    request.status = RequestStatus.REJECTED
    request.decided_by, request.decided_at = staff_user, timezone.now()
    request.rejection_reason = reason[:255]
    request.save(update_fields=["status", "decided_by", "decided_at", "rejection_reason"])
    _notify(request, request.establishment, "bank_details_decided")
    return request


def author_label(request: BankDetailsRequest) -> str:
    author = request.requested_by
    name = author.get_full_name() or author.email
    if request.source == RequestSource.ADMIN:
        on_behalf = f" pour le compte de {request.requester_name}" if request.requester_name else ""
        return f"{name} (Constructys){on_behalf}"
    return f"{name} ({author.email})" if name != author.email else name


def recipients(request: BankDetailsRequest, establishment: Establishment) -> list[str]:
    """Who hears of a request and its decision: the establishment's référents or account managers, the
    organisation's registered contact, and the portal user who asked."""
    addresses = list(
        Membership.objects.filter(establishment=establishment, role__in=ADMIN_ROLES).values_list(
            "user__email", flat=True
        )
    )
    addresses.append(establishment.organisation.contact_email)
    if not request.requested_by.is_staff:
        addresses.append(request.requested_by.email)
    unique = {}
    for address in addresses:
        if address:
            unique.setdefault(address.strip().lower(), address.strip())
    return sorted(unique.values())


def establishment_url(establishment: Establishment) -> str:
    portal = Portal.OGESTION if establishment.organisation.kind == OrganisationKind.PROVIDER else Portal.EGESTION
    return settings.SITE_URL + reverse(f"{portal}:establishment", args=[establishment.pk])


def _notify(request: BankDetailsRequest, establishment: Establishment, template: str) -> None:
    """One email per recipient (HTML + text, once committed), each with the number to call if they did not ask."""
    context = {
        "validated": request.status == RequestStatus.VALIDATED,
        "establishment": establishment,
        "iban_end": request.iban_end,
        "masked_iban": masked_iban(request.iban),
        "author": author_label(request),
        "requested_at": request.requested_at,
        "reason": request.rejection_reason,
        "alert_phone": settings.BANK_DETAILS_ALERT_PHONE,
        "establishment_url": establishment_url(establishment),
    }
    for address in recipients(request, establishment):
        send_email_on_commit(template, context, [address])
