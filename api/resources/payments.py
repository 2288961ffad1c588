"""Payments (règlements) with their lines and remittance advices, and the key's establishments: payments.selectors,
the same reads as "Consulter mes règlements" and "Voir mes établissements" of both portals. IBANs are masked."""

import datetime

from django.http import Http404
from ninja import Query, Router, Schema

from api import scope
from api.pagination import paginate
from api.schemas import ERRORS, EtablissementRef, amount, establishment_ref
from common.downloads import document_response
from common.formats import masked_iban
from payments import selectors

router = Router(tags=["Règlements et établissements"])


class Reglement(Schema):
    id: int
    reference: str
    date: datetime.date
    mode: str
    montant_total: str
    beneficiaire: EtablissementRef
    iban_masque: str
    avis_de_virement: str | None


class ReglementPage(Schema):
    resultats: list[Reglement]
    suivant: str | None


class LigneReglement(Schema):
    dossier: str | None
    numero_facture: str
    date_facture: datetime.date | None
    periode_debut: datetime.date | None
    periode_fin: datetime.date | None
    dispositif: str
    intitule: str
    montant: str


class ReglementDetail(Reglement):
    lignes: list[LigneReglement]


class ReglementFilters(Schema):
    etablissement: int | None = None
    curseur: str | None = None
    limite: int | None = None


class Etablissement(Schema):
    id: int
    siret: str
    nom: str
    enseigne: str
    adresse: str
    complement: str
    code_postal: str
    commune: str
    region: str
    nda: str
    uai: str
    iban_masque: str


class EtablissementList(Schema):
    resultats: list[Etablissement]


class EtablissementFilters(Schema):
    numero: int | None = None
    raison_sociale: str | None = None
    siret: str | None = None
    nda: str | None = None
    enseigne: str | None = None


def payment_out(payment) -> dict:
    return {
        "id": payment.pk,
        "reference": payment.reference,
        "date": payment.paid_on,
        "mode": payment.get_mode_display(),
        "montant_total": amount(payment.total_amount),
        "beneficiaire": establishment_ref(payment.beneficiary),
        "iban_masque": masked_iban(payment.iban_paid) if payment.iban_paid else "",
        "avis_de_virement": f"/api/v1/reglements/{payment.pk}/avis-de-virement"
        if payment.remittance_advice_id
        else None,
    }


def establishment_out(establishment) -> dict:
    return {
        "id": establishment.pk,
        "siret": establishment.siret,
        "nom": establishment.name,
        "enseigne": establishment.sign,
        "adresse": establishment.address_line1,
        "complement": establishment.address_line2,
        "code_postal": establishment.postal_code,
        "commune": establishment.city,
        "region": establishment.region,
        "nda": establishment.nda,
        "uai": establishment.uai,
        "iban_masque": masked_iban(establishment.iban) if establishment.iban else "",
    }


def _args(request):
    return scope.user_of(request), scope.portal_of(request), scope.establishment_ids(request)


@router.get("/reglements", response={200: ReglementPage, **ERRORS}, summary="Lister les règlements")
def list_payments(request, filters: Query[ReglementFilters]):
    scope.check_establishment_filter(request, filters.etablissement)
    user, portal, ids = _args(request)
    params = {"etablissement": filters.etablissement} if filters.etablissement else {}
    listed = selectors.payment_list(user, portal, ids, list(scope.establishments(request)), params)
    if listed.form.errors:
        from django.core.exceptions import ValidationError

        raise ValidationError({name: list(errors) for name, errors in listed.form.errors.items()})
    rows, cursor = paginate(listed.queryset, filters.curseur, filters.limite)
    return {"resultats": [payment_out(payment) for payment in rows], "suivant": cursor}


@router.get(
    "/reglements/{reglement_id}", response={200: ReglementDetail, **ERRORS}, summary="Un règlement et ses lignes"
)
def get_payment(request, reglement_id: int):
    payment = selectors.payment_detail(*_args(request), reglement_id)
    if payment is None:
        raise Http404
    lines = [
        {
            "dossier": line.dossier.number if line.dossier_id else None,
            "numero_facture": line.invoice_number,
            "date_facture": line.invoice_date,
            "periode_debut": line.period_start,
            "periode_fin": line.period_end,
            "dispositif": line.scheme,
            "intitule": line.training_title,
            "montant": amount(line.amount),
        }
        for line in payment.lines.all()
    ]
    return {**payment_out(payment), "lignes": lines}


@router.get(
    "/reglements/{reglement_id}/avis-de-virement",
    response={200: None, **ERRORS},
    summary="L'avis de virement (PDF)",
    openapi_extra={"responses": {200: {"description": "Le PDF de l'avis de virement en vigueur."}}},
)
def remittance_advice(request, reglement_id: int):
    document = selectors.remittance_advice(*_args(request), reglement_id)
    if document is None:
        raise Http404
    return document_response(document)


@router.get("/etablissements", response={200: EtablissementList, **ERRORS}, summary="Les établissements de la clé")
def list_establishments(request, filters: Query[EtablissementFilters]):
    scope.check_establishment_filter(request, filters.numero)
    params = {name: value for name, value in filters.dict().items() if value not in (None, "")}
    form, queryset = selectors.establishment_list(*_args(request), params, with_nda=not scope.is_company(request))
    if form.errors:
        from django.core.exceptions import ValidationError

        raise ValidationError({name: list(errors) for name, errors in form.errors.items()})
    return {"resultats": [establishment_out(establishment) for establishment in queryset]}


@router.get("/etablissements/{etablissement_id}", response={200: Etablissement, **ERRORS}, summary="Un établissement")
def get_establishment(request, etablissement_id: int):
    establishment = selectors.establishment_detail(*_args(request), etablissement_id)
    if establishment is None:
        raise Http404
    return establishment_out(establishment)
