"""Drafts of funding requests: create, save, attach files, delete. Transmission is in funding/transmission.py."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from common.forms import check_data
from common.uploads import check_upload
from funding.models import FundingRequest, RequestDocument, RequestKind

NOT_A_DRAFT = "Cette demande a déjà été transmise : elle ne peut plus être modifiée."


def create_draft(*, user, establishment, kind=RequestKind.APPRENTICESHIP, initial_data=None) -> FundingRequest:
    """A new draft for one of the user's establishments (the caller found `establishment` in the user's scope)."""
    return FundingRequest.objects.create(
        kind=kind, employer_establishment=establishment, created_by=user, data=dict(initial_data or {})
    )


@transaction.atomic
def save_draft(request: FundingRequest, values: dict, *, step: str = "") -> FundingRequest:
    """Merge what the user typed into the draft; nothing already saved is lost. Empty values clear a field.
    Returns the draft as saved, with the employer establishment `request` had already loaded. A value holding a
    control character (NUL, which PostgreSQL refuses in JSON, or a line break in a one-line field) is refused with
    a ValidationError per field: the views check first and say so next to the field."""
    check_data(values)
    loaded = request
    request = FundingRequest.objects.select_for_update().get(pk=request.pk)
    if FundingRequest.employer_establishment.is_cached(loaded):
        request.employer_establishment = loaded.employer_establishment
    if not request.is_draft:
        raise ValidationError(NOT_A_DRAFT, code="submitted")
    data = dict(request.data)
    for field_id, value in values.items():
        if value in (None, ""):
            data.pop(field_id, None)
        else:
            data[field_id] = value
    request.data = data
    update_fields = ["data", "updated_at"]
    if step:
        request.current_step = step
        update_fields.append("current_step")
    request.save(update_fields=update_fields)
    return request


@transaction.atomic
def attach_document(request: FundingRequest, *, kind, uploaded_file, user) -> RequestDocument:
    """Check the file (type by content, size) and keep it with the draft; a refused file changes nothing."""
    if not FundingRequest.objects.for_company_user(user).filter(pk=request.pk).exists():
        raise PermissionDenied("Cette demande n'est pas celle d'un de vos établissements.")
    if not request.is_draft:
        raise ValidationError(NOT_A_DRAFT, code="submitted")
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
