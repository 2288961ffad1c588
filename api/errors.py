"""The API's errors: one JSON shape with a French message, whatever went wrong.

    {"erreur": {"code": "introuvable", "message": "Aucune ressource ne correspond à cette adresse.", "champs": {}}}

`champs` maps a field (a CERFA field id, a parameter) to its French messages when the input was refused.
"""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaValidationError


class RateLimited(Exception):
    def __init__(self, retry_after: int):
        self.retry_after = retry_after


class WriteForbidden(Exception):
    """A read-only key tried to change something."""


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    return {"erreur": {"code": code, "message": message, "champs": fields or {}}}


def _fields_of(exc: DjangoValidationError) -> tuple[str, dict]:
    if hasattr(exc, "error_dict"):
        fields = {name: [m for error in errors for m in error.messages] for name, errors in exc.error_dict.items()}
        first = next(iter(fields.values()), ["Données refusées."])[0]
        return first, fields
    messages = exc.messages
    if len(messages) == 1:
        return messages[0], {}
    # Several problems (a transmission refused): each one listed, the message says how many.
    return f"{len(messages)} problèmes empêchent cette action : " + " ".join(messages), {"problemes": messages}


def _schema_fields(errors) -> dict:
    fields = {}
    for error in errors:
        location = [str(part) for part in error.get("loc", ()) if part not in ("body", "query", "path", "form", "file")]
        name = ".".join(location[1:] if location and location[0] == "payload" else location) or "requete"
        fields.setdefault(name, []).append(_french(error))
    return fields


def _french(error) -> str:
    kind = error.get("type", "")
    if kind == "missing":
        return "Ce champ est obligatoire."
    if kind.startswith("string_too_long"):
        return f"Ce texte ne doit pas dépasser {error.get('ctx', {}).get('max_length')} caractères."
    if kind.startswith("string_too_short"):
        return "Ce champ ne doit pas être vide."
    if kind.startswith("date"):
        return "Date invalide : attendue au format AAAA-MM-JJ."
    if kind.startswith("decimal") or kind.startswith("float") or kind.startswith("int"):
        return "Nombre invalide."
    if kind.startswith("uuid"):
        return "Identifiant invalide."
    return "Valeur invalide."


def install(api) -> None:
    """Register the handlers on the NinjaAPI instance."""

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        response = api.create_response(
            request,
            error_body(
                "non_authentifie",
                "Clé d'API absente, inconnue, révoquée ou expirée. Envoyez-la dans l'en-tête "
                "« Authorization: Bearer <clé> ».",
            ),
            status=401,
        )
        response["WWW-Authenticate"] = 'Bearer realm="api"'
        return response

    @api.exception_handler(RateLimited)
    def rate_limited(request, exc):
        response = api.create_response(
            request,
            error_body(
                "trop_de_requetes",
                f"Trop de requêtes pour cette clé : réessayez dans {exc.retry_after} secondes.",
            ),
            status=429,
        )
        response["Retry-After"] = str(exc.retry_after)
        return response

    @api.exception_handler(WriteForbidden)
    def write_forbidden(request, exc):
        return api.create_response(
            request,
            error_body("lecture_seule", "Cette clé est en lecture seule : elle ne peut rien modifier."),
            status=403,
        )

    @api.exception_handler(PermissionDenied)
    def permission_denied(request, exc):
        message = str(exc) or "Cette clé ne permet pas cette action."
        return api.create_response(request, error_body("interdit", message), status=403)

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return api.create_response(
            request, error_body("introuvable", "Aucune ressource ne correspond à cette adresse."), status=404
        )

    @api.exception_handler(DjangoValidationError)
    def refused(request, exc):
        message, fields = _fields_of(exc)
        return api.create_response(request, error_body("refuse", message, fields), status=400)

    @api.exception_handler(SchemaValidationError)
    def invalid(request, exc):
        fields = _schema_fields(exc.errors)
        return api.create_response(
            request, error_body("invalide", "Certaines données de la requête sont invalides.", fields), status=400
        )

    @api.exception_handler(HttpError)
    def http_error(request, exc):
        return api.create_response(request, error_body("erreur", str(exc)), status=exc.status_code)
