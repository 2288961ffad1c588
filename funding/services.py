"""Drafts of funding requests: create, save, attach files, delete. Transmission is in funding/transmission.py."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from common.forms import check_data
from common.uploads import check_upload
from funding.models import FundingRequest, RequestDocument, RequestKind

NOT_A_DRAFT = "Cette demande a déjà été transmise : elle ne peut plus être modifiée."
TAKEN_OVER = (
    "L'employeur a repris ce brouillon dans eGestion : il ne peut plus être modifié par le CFA, seulement consulté."
)


def create_draft(*, user, establishment, kind=RequestKind.APPRENTICESHIP, initial_data=None) -> FundingRequest:
    """A new draft for one of the user's establishments (the caller found `establishment` in the user's scope)."""
    return FundingRequest.objects.create(
        kind=kind, employer_establishment=establishment, created_by=user, data=dict(initial_data or {})
    )


@transaction.atomic
def save_draft(request: FundingRequest, values: dict, *, step: str = "", by_provider: bool = False) -> FundingRequest:
    """Merge what the user typed into the draft; nothing already saved is lost. Empty values clear a field.
    Returns the draft as saved, with the employer establishment `request` had already loaded. A value holding a
    control character (NUL, which PostgreSQL refuses in JSON, or a line break in a one-line field) is refused with
    a ValidationError per field: the views check first and say so next to the field.
    A draft a CFA proposed (funding.proposals) is the employer's from their first save; `by_provider` (the CFA's
    own save) is then refused with the code "taken_over"."""
    check_data(values)
    loaded = request
    request = FundingRequest.objects.select_for_update().get(pk=request.pk)
    if FundingRequest.employer_establishment.is_cached(loaded):
        request.employer_establishment = loaded.employer_establishment
    if not request.is_draft:
        raise ValidationError(NOT_A_DRAFT, code="submitted")
    if by_provider and request.employer_took_over_at:
        raise ValidationError(TAKEN_OVER, code="taken_over")
    data = dict(request.data)
    for field_id, value in values.items():
        if value in (None, ""):
            data.pop(field_id, None)
        else:
            data[field_id] = value
    request.data = data
    update_fields = ["data", "updated_at"]
    if request.proposed_by_provider_id and not by_provider and not request.employer_took_over_at:
        request.employer_took_over_at = timezone.now()
        update_fields.append("employer_took_over_at")
    if step:
        request.current_step = step
        update_fields.append("current_step")
    request.save(update_fields=update_fields)
    return request


@transaction.atomic
def attach_document(
    request: FundingRequest, *, kind, uploaded_file, user, by_provider: bool = False
) -> RequestDocument:
    """Check the file (type by content, size) and keep it with the draft; a refused file changes nothing.
    `by_provider`: the CFA that proposed the draft, while the employer has not taken it over."""
    if by_provider:
        may_attach = FundingRequest.objects.proposed_for_provider_user(user).filter(pk=request.pk).exists()
    else:
        may_attach = FundingRequest.objects.for_company_user(user).filter(pk=request.pk).exists()
    if not may_attach:
        raise PermissionDenied("Cette demande n'est pas celle d'un de vos établissements.")
    request = FundingRequest.objects.select_for_update().get(pk=request.pk)
    if not request.is_draft:
        raise ValidationError(NOT_A_DRAFT, code="submitted")
    if by_provider and request.employer_took_over_at:
        raise ValidationError(TAKEN_OVER, code="taken_over")
    if request.proposed_by_provider_id and not by_provider and not request.employer_took_over_at:
        request.employer_took_over_at = timezone.now()
        request.save(update_fields=["employer_took_over_at", "updated_at"])
    checked = check_upload(uploaded_file)
    return RequestDocument.objects.create(
        request=request,
        kind=kind,
        uploaded_by=user,
        **checked.stored_fields(),
    )


@transaction.atomic
def remove_document(document: RequestDocument) -> None:
    if not document.request.is_draft:
        raise ValidationError(NOT_A_DRAFT, code="submitted")
    storage, name = document.file.storage, document.file.name
    document.delete()
    transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def delete_draft(request: FundingRequest) -> None:
    if not request.is_draft:
        raise ValidationError("Une demande transmise ne peut pas être supprimée.", code="submitted")
    files = [(d.file.storage, d.file.name) for d in request.documents.all()]
    request.delete()
    transaction.on_commit(lambda: [storage.delete(name) for storage, name in files])
