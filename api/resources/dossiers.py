"""Dossiers: list (the portal's filters), detail (enrolments, status history), documents (metadata, download)."""

import datetime

from django.http import Http404
from ninja import Query, Router, Schema

from api import scope
from api.pagination import paginate
from api.schemas import ERRORS, EtablissementRef, amount, establishment_ref
from common.downloads import document_response
from dossiers import selectors
from dossiers.models import Enrolment

router = Router(tags=["Dossiers"])


class Dossier(Schema):
    numero: str
    numero_demande: str
    dispositif: str
    dispositif_libelle: str
    etat: str
    etat_libelle: str
    intitule: str
    debut: datetime.date
    fin: datetime.date
    montant_accorde: str | None
    employeur: EtablissementRef
    organisme: EtablissementRef | None
    cree_le: datetime.datetime


class DossierPage(Schema):
    resultats: list[Dossier]
    suivant: str | None


class Inscription(Schema):
    nom: str
    prenom: str
    inscrit_le: datetime.datetime


class ChangementEtat(Schema):
    de: str
    vers: str
    le: datetime.datetime
    motif: str


class DossierDetail(Dossier):
    inscriptions: list[Inscription]
    historique: list[ChangementEtat]


class Document(Schema):
    id: int
    nom: str
    type: str
    type_libelle: str
    sens: str
    sens_libelle: str
    taille: int
    format: str
    sha256: str
    depose_le: datetime.datetime
    telechargement: str


class DocumentList(Schema):
    resultats: list[Document]


class DossierFilters(Schema):
    """The filters of "Suivre les dossiers" (eGestion: demande, createur; oGestion: stagiaire)."""

    onglet: str | None = None
    dispositif: str | None = None
    numero: str | None = None
    demande: str | None = None
    etablissement: int | None = None
    debut: datetime.date | None = None
    fin: datetime.date | None = None
    createur: str | None = None
    stagiaire: str | None = None
    curseur: str | None = None
    limite: int | None = None


def dossier_out(dossier) -> dict:
    return {
        "numero": dossier.number,
        "numero_demande": dossier.request_number,
        "dispositif": dossier.scheme,
        "dispositif_libelle": dossier.get_scheme_display(),
        "etat": dossier.status,
        "etat_libelle": dossier.status_label,
        "intitule": dossier.title,
        "debut": dossier.start_date,
        "fin": dossier.end_date,
        "montant_accorde": amount(dossier.agreed_amount),
        "employeur": establishment_ref(dossier.employer_establishment),
        "organisme": establishment_ref(dossier.provider_establishment),
        "cree_le": dossier.created_at,
    }


def document_out(document, numero) -> dict:
    return {
        "id": document.pk,
        "nom": document.name,
        "type": document.kind,
        "type_libelle": document.get_kind_display(),
        "sens": document.direction,
        "sens_libelle": document.get_direction_display(),
        "taille": document.size,
        "format": document.content_type,
        "sha256": document.checksum,
        "depose_le": document.uploaded_at,
        "telechargement": f"/api/v1/dossiers/{numero}/documents/{document.pk}/fichier",
    }


@router.get("", response={200: DossierPage, **ERRORS}, summary="Lister les dossiers")
def list_dossiers(request, filters: Query[DossierFilters]):
    """The dossiers of the key's establishments, latest first, with the filters of the portal's list. `onglet`:
    `en-cours` (default) or `historique` (eGestion), `en-cours`, `soldes` or `total` (oGestion)."""
    scope.check_establishment_filter(request, filters.etablissement)
    params = {name: value for name, value in filters.dict().items() if value not in (None, "")}
    params = {name: value.isoformat() if isinstance(value, datetime.date) else value for name, value in params.items()}
    establishments = list(scope.establishments(request))
    build = selectors.company_dossier_list if scope.is_company(request) else selectors.provider_dossier_list
    listed = build(scope.user_of(request), scope.establishment_ids(request), establishments, params)
    if listed.form.errors:
        from django.core.exceptions import ValidationError

        raise ValidationError({name: list(errors) for name, errors in listed.form.errors.items()})
    queryset = listed.queryset.all().select_related("employer_establishment", "provider_establishment")
    rows, cursor = paginate(queryset, filters.curseur, filters.limite)
    return {"resultats": [dossier_out(dossier) for dossier in rows], "suivant": cursor}


@router.get("/{numero}", response={200: DossierDetail, **ERRORS}, summary="Un dossier")
def get_dossier(request, numero: str):
    dossier = scope.dossier_or_404(request, numero)
    enrolments = Enrolment.objects.filter(dossier=dossier).select_related("person").order_by("created_at", "id")
    return {
        **dossier_out(dossier),
        "inscriptions": [
            {"nom": e.person.last_name, "prenom": e.person.first_name, "inscrit_le": e.created_at} for e in enrolments
        ],
        "historique": [
            {
                "de": change.get_from_status_display(),
                "vers": change.get_to_status_display(),
                "le": change.changed_at,
                "motif": change.note,
            }
            for change in dossier.status_changes.order_by("-changed_at", "-id")
        ],
    }


@router.get("/{numero}/documents", response={200: DocumentList, **ERRORS}, summary="Les documents d'un dossier")
def list_documents(request, numero: str):
    dossier = scope.dossier_or_404(request, numero)
    documents = scope.documents(request).filter(dossier=dossier).order_by("-uploaded_at", "-id")
    return {"resultats": [document_out(document, dossier.number) for document in documents]}


@router.get(
    "/{numero}/documents/{document_id}/fichier",
    response={200: None, **ERRORS},
    summary="Télécharger un document",
    openapi_extra={"responses": {200: {"description": "Le fichier (PDF, JPEG ou PNG)."}}},
)
def download_document(request, numero: str, document_id: int):
    document = scope.documents(request).filter(pk=document_id, dossier__number=numero).first()
    if document is None:
        raise Http404
    return document_response(document)
