"""The bank-details change workflow, called by the oGestion establishment page and by the admin's actions."""

import os

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from stdnum import iban as stdnum_iban

from accounts.models import Establishment
from banking.models import BankDetailsChange, BankDetailsRequest, RequestStatus
from common.emails import send_email_on_commit
from dossiers.models import Document, DocumentDirection, DocumentKind
from dossiers.uploads import CheckedUpload


def normalise_iban(value: str) -> str:
    return stdnum_iban.compact(value or "")


def pending_request(establishment: Establishment) -> BankDetailsRequest | None:
    return establishment.bank_details_requests.filter(status=RequestStatus.PENDING).first()


@transaction.atomic
def submit_request(
    establishment: Establishment, user, *, iban: str, bic: str, rib: CheckedUpload
) -> BankDetailsRequest:
    """Record a référent's request: the RIB (already checked by content) filed as a received document of the
    establishment, the IBAN/BIC checked. The establishment's bank details do not change until validated."""
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
    )
    request.full_clean(exclude=["rib"])
    request.save()
    return request


@transaction.atomic
def validate_request(request: BankDetailsRequest, staff_user) -> BankDetailsChange:
    """Accounting staff accept the request: the new IBAN/BIC replace the establishment's, the old ones are kept in
    the history."""
    request = BankDetailsRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != RequestStatus.PENDING:
        raise ValidationError("Cette demande a déjà été traitée.")
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
    _notify_decision(request, establishment)
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
    _notify_decision(request, request.establishment)
    return request


def _notify_decision(request: BankDetailsRequest, establishment: Establishment) -> None:
    """Tell the référent who sent the request what accounting decided (HTML + text, once committed)."""
    send_email_on_commit(
        "bank_details_decided",
        {
            "validated": request.status == RequestStatus.VALIDATED,
            "establishment": establishment,
            "iban_end": request.iban_end,
            "reason": request.rejection_reason,
            "establishment_url": settings.SITE_URL + reverse("ogestion:establishment", args=[establishment.pk]),
        },
        [request.requested_by.email],
    )
