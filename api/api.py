"""The portal's API, /api/v1/ (django-ninja: the OpenAPI 3 document is generated from these typed functions;
docs/architecture.md says why). Keys only (api.auth), JSON errors in French (api.errors)."""

from ninja import NinjaAPI

from api import errors
from api.auth import ApiKeyAuth
from api.resources import dossiers, drafts, invoices, messages, payments

api = NinjaAPI(
    title="API du portail Constructys",
    version="1",
    description=(
        "Dossiers, messages, règlements, établissements, contrats d'apprentissage et factures des entreprises "
        "(eGestion) et des organismes de formation (oGestion). Authentification : `Authorization: Bearer <clé>`, "
        "une clé créée dans « Mon compte » → « Accès API ». Dates au format ISO 8601, montants en chaînes "
        "décimales, pagination par curseur (`suivant`)."
    ),
    auth=ApiKeyAuth(),
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
errors.install(api)
api.add_router("/dossiers", dossiers.router)
api.add_router("/", messages.router)
api.add_router("/", payments.router)
api.add_router("/", invoices.router)
api.add_router("/demandes-apprentissage", drafts.router)
