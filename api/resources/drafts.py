"""Apprenticeship requests (CERFA FA13) through the API, for eGestion keys: a draft is created or updated from the
CERFA field ids of the spec (the ids the wizard stores), checked by the same engine (funding.referentials.
validate_request: the wizard's errors and warnings), given its documents (common.uploads through
funding.services.attach_document) and transmitted by funding.transmission.submit_request, like the wizard's
"Transmettre". The employer's registry fields are the establishment's, as in the wizard.

An oGestion (CFA) key proposes drafts to a member employer by its SIRET (funding.proposals): it reads and completes
only its own proposals, until the employer takes them over, and never transmits: the employer does, in eGestion."""

import datetime
import re
import uuid
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from ninja import File, Form, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile

from api import scope
from api.auth import require_write
from api.schemas import ERRORS, ErreurReponse
from dossiers.cerfa import FIELDS
from funding import apprenticeship, proposals, services, transmission
from funding.models import FundingRequest, RequestDocumentKind, RequestKind
from funding.referentials import validate_request

router = Router(tags=["Demandes de contrat d'apprentissage"])

APPRENTICESHIP_DOCUMENTS = (
    RequestDocumentKind.SIGNED_CERFA,
    RequestDocumentKind.TRAINING_AGREEMENT,
    RequestDocumentKind.OTHER,
)
_INT = re.compile(r"^[+-]?\d+$")


class NouvelleDemande(Schema):
    etablissement: int
    siret_employeur: str | None = None
    champs: dict[str, Any] = {}


class ModificationDemande(Schema):
    champs: dict[str, Any]


class PieceJointe(Schema):
    id: int
    type: str
    type_libelle: str
    nom: str
    taille: int
    format: str


class Demande(Schema):
    id: uuid.UUID
    statut: str
    statut_libelle: str
    etablissement: int
    champs: dict[str, Any]
    erreurs: dict[str, list[str]]
    avertissements: dict[str, list[str]]
    pieces: list[PieceJointe]
    pieces_manquantes: list[str]
    dossier: str | None
    modifiee_le: datetime.datetime
    proposee_par: int | None
    reprise_par_employeur: bool


class Transmission(Schema):
    dossier: str
    numero_demande: str


def _stored_value(field, value):
    """A JSON value as the wizard stores it (egestion's value_from_post): None clears the field."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if field.type == "bool":
        if isinstance(value, bool):
            return value
        return {"true": True, "false": False}.get(str(value).strip().lower(), str(value))
    if isinstance(value, bool):
        return str(value).lower()
    if field.type == "int" and isinstance(value, int):
        return value
    text = str(value).strip()
    if field.type == "int" and _INT.match(text):
        return int(text)
    if field.type == "decimal":
        compact = re.sub(r"\s", "", text).replace(",", ".")
        try:
            Decimal(compact)
        except InvalidOperation:
            return text
        return compact
    return text


def cerfa_values(draft, champs: dict) -> dict:
    """The fields sent, checked against the spec's ids; the registry's employer fields may only be repeated."""
    problems, values = {}, {}
    readonly = apprenticeship.establishment_readonly(draft.employer_establishment)
    registry = apprenticeship.establishment_values(draft.employer_establishment)
    for field_id, value in champs.items():
        field = FIELDS.get(field_id)
        if field is None:
            problems[field_id] = ["Champ inconnu du CERFA FA13 (voir les identifiants de la documentation)."]
            continue
        stored = _stored_value(field, value)
        if field_id in readonly:
            if stored not in (None, registry.get(field_id) or None):
                problems[field_id] = ["Ce champ vient du registre de l'établissement : il ne peut pas être modifié."]
            continue
        values[field_id] = stored
    if problems:
        raise ValidationError(problems)
    # What the wizard derives when its steps are saved: the registry fields, the agreement's title, "Fait le", the
    # pay rows at the legal minimum when there are none.
    for slug in ("employeur", "contrat"):
        values.update(apprenticeship.derived_values(draft, slug, values))
    return values


def draft_out(draft) -> dict:
    result = validate_request(draft)
    documents = list(draft.documents.all())
    return {
        "id": draft.public_id,
        "statut": draft.status,
        "statut_libelle": draft.get_status_display(),
        "etablissement": draft.employer_establishment_id,
        "champs": {key: value for key, value in draft.data.items() if key in FIELDS},
        "erreurs": result.errors,
        "avertissements": result.warnings,
        "pieces": [
            {
                "id": document.pk,
                "type": document.kind,
                "type_libelle": document.get_kind_display(),
                "nom": document.name,
                "taille": document.size,
                "format": document.content_type,
            }
            for document in documents
        ],
        "pieces_manquantes": transmission.missing_documents(draft, documents) if draft.is_draft else [],
        "dossier": draft.dossier.number if draft.dossier_id else None,
        "modifiee_le": draft.updated_at,
        "proposee_par": draft.proposed_by_provider_id,
        "reprise_par_employeur": draft.employer_took_over_at is not None,
    }


WRITE_ERRORS = {**ERRORS, 409: ErreurReponse, 422: ErreurReponse}


def _draft_or_404(request, public_id) -> FundingRequest:
    """The company's drafts for an eGestion key; for a CFA's key, only the drafts its establishments proposed."""
    if scope.is_company(request):
        drafts = FundingRequest.objects.for_company_user(scope.user_of(request), scope.establishment_ids(request))
    else:
        drafts = FundingRequest.objects.proposed_for_provider_user(
            scope.user_of(request), scope.establishment_ids(request)
        )
    draft = (
        drafts.filter(public_id=public_id, kind=RequestKind.APPRENTICESHIP)
        .select_related("employer_establishment", "proposed_by_provider", "dossier")
        .first()
    )
    if draft is None:
        raise Http404
    return draft


def _is_conflict(exc: ValidationError) -> bool:
    """A CFA's change of a draft the employer took over or transmitted: 409, the draft is read-only for it."""
    return getattr(exc, "code", None) in ("taken_over", "submitted")


def _count_proposal(request) -> None:
    """Anti-abuse: at most API_PROPOSALS_PER_DAY drafts proposed per key and per day (counted in Redis; not applied
    when Redis is unreachable, like the per-minute limit)."""
    cache_key = f"api:proposals:{scope.key_of(request).pk}:{datetime.date.today().isoformat()}"
    try:
        cache.add(cache_key, 0, 2 * 24 * 3600)
        count = cache.incr(cache_key)
    except ValueError:
        return
    if count > settings.API_PROPOSALS_PER_DAY:
        raise HttpError(
            429,
            f"Cette clé a déjà proposé {settings.API_PROPOSALS_PER_DAY} brouillons aujourd'hui : réessayez demain.",
        )


def _propose(request, payload) -> FundingRequest:
    """A CFA's key: the draft is proposed to the member employer with this SIRET, by the key's CFA establishment
    `etablissement`."""
    provider = scope.establishments(request).filter(pk=payload.etablissement).first()
    if provider is None:
        raise Http404
    if not payload.siret_employeur:
        raise ValidationError({"siret_employeur": ["Indiquez le SIRET de l'établissement employeur."]})
    try:
        employer = proposals.member_employer(payload.siret_employeur)
    except ValidationError as exc:
        raise HttpError(422, proposals.UNKNOWN_EMPLOYER) from exc
    _count_proposal(request)
    try:
        return proposals.propose_draft(
            user=scope.user_of(request),
            provider=provider,
            employer=employer,
            values_of=lambda draft: cerfa_values(draft, payload.champs),
        )
    except ValidationError as exc:
        if _is_conflict(exc):
            raise HttpError(409, exc.messages[0]) from exc
        raise


@router.post("", response={201: Demande, **WRITE_ERRORS}, summary="Créer un brouillon de contrat d'apprentissage")
def create_draft(request, payload: NouvelleDemande):
    """`champs`: CERFA field id → value (text, number, boolean; null clears). The answer carries the engine's
    `erreurs` (blocking at transmission) and `avertissements`, the messages the wizard shows.

    With a CFA's key (oGestion): `etablissement` is the proposing CFA establishment and `siret_employeur` the
    member employer's; the CFA fields are the CFA's. The employer completes, signs and transmits in eGestion."""
    require_write(request)
    if not scope.is_company(request):
        return Status(201, draft_out(_propose(request, payload)))
    establishment = scope.establishments(request).filter(pk=payload.etablissement).first()
    if establishment is None:  # another organisation's, or one the key does not cover: as missing
        raise Http404
    user = scope.user_of(request)
    with transaction.atomic():  # a refused field leaves no draft behind
        draft = services.create_draft(
            user=user,
            establishment=establishment,
            initial_data=apprenticeship.initial_draft_data(establishment, contact=user),
        )
        draft = services.save_draft(draft, cerfa_values(draft, payload.champs))
    return Status(201, draft_out(draft))


@router.get("/{public_id}", response={200: Demande, **ERRORS}, summary="Un brouillon, ses erreurs et avertissements")
def get_draft(request, public_id: uuid.UUID):
    return draft_out(_draft_or_404(request, public_id))


@router.patch("/{public_id}", response={200: Demande, **WRITE_ERRORS}, summary="Compléter un brouillon")
def update_draft(request, public_id: uuid.UUID, payload: ModificationDemande):
    """A CFA's key: its own proposal, until the employer changes or transmits it (then 409)."""
    draft = _draft_or_404(request, public_id)
    require_write(request)
    if not scope.is_company(request):
        try:
            return draft_out(proposals.update_proposal(draft, cerfa_values(draft, payload.champs)))
        except ValidationError as exc:
            if _is_conflict(exc):
                raise HttpError(409, exc.messages[0]) from exc
            raise
    if not draft.is_draft:
        raise ValidationError(services.NOT_A_DRAFT)
    return draft_out(services.save_draft(draft, cerfa_values(draft, payload.champs)))


@router.post("/{public_id}/pieces", response={201: Demande, **WRITE_ERRORS}, summary="Joindre une pièce")
def attach_document(request, public_id: uuid.UUID, type: Form[str], fichier: File[UploadedFile]):
    """`type`: `cerfa` (CERFA signé), `training_agreement` (convention de formation signée) or `other`; PDF, JPEG or
    PNG, 10 Mo at most, checked like every upload of the portal (antivirus, real type, no active PDF content)."""
    draft = _draft_or_404(request, public_id)
    require_write(request)
    if type not in APPRENTICESHIP_DOCUMENTS:
        raise ValidationError({"type": ["Type de pièce inconnu : cerfa, training_agreement ou other."]})
    by_provider = not scope.is_company(request)
    try:
        services.attach_document(
            draft, kind=type, uploaded_file=fichier, user=scope.user_of(request), by_provider=by_provider
        )
    except ValidationError as exc:
        if by_provider and _is_conflict(exc):
            raise HttpError(409, exc.messages[0]) from exc
        raise ValidationError({"fichier": exc.messages}) from exc
    return Status(201, draft_out(draft))


@router.post("/{public_id}/transmission", response={201: Transmission, **ERRORS}, summary="Transmettre la demande")
def transmit(request, public_id: uuid.UUID):
    """Refused (400, one message per problem) while the engine reports an error or a required piece is missing."""
    draft = _draft_or_404(request, public_id)
    require_write(request)
    if not scope.is_company(request):  # the employer's confirmation stays in the portal
        raise PermissionDenied(proposals.TRANSMITTED_BY_EMPLOYER)
    dossier = transmission.submit_request(draft, user=scope.user_of(request))
    return Status(201, {"dossier": dossier.number, "numero_demande": dossier.request_number})
