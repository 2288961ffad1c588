"""Shapes shared by the resources: dates in ISO 8601, amounts as decimal strings ("1234.50"), French labels."""

import datetime

from ninja import Schema


def amount(value) -> str | None:
    return None if value is None else f"{value:.2f}"


class EtablissementRef(Schema):
    id: int
    siret: str
    nom: str


def establishment_ref(establishment) -> dict | None:
    if establishment is None:
        return None
    return {"id": establishment.pk, "siret": establishment.siret, "nom": establishment.name}


class Erreur(Schema):
    code: str
    message: str
    champs: dict[str, list[str]]


class ErreurReponse(Schema):
    erreur: Erreur


class Ok(Schema):
    ok: bool = True


ERRORS = {400: ErreurReponse, 401: ErreurReponse, 403: ErreurReponse, 404: ErreurReponse, 429: ErreurReponse}


class Date(Schema):
    date: datetime.date
