"""Authentication of the API: `Authorization: Bearer <key>` only. No session, so no cookie and no CSRF to check;
the rate limit is counted per key once it is known."""

from ninja.security import HttpBearer

from api import keys
from api.errors import RateLimited, WriteForbidden
from api.rate_limits import check_rate


class ApiKeyAuth(HttpBearer):
    openapi_description = "Clé d'API créée dans « Mon compte » → « Accès API » (affichée une seule fois)."

    def authenticate(self, request, token):
        key = keys.authenticate(token)
        if key is None:
            return None
        verdict = check_rate(key.pk)
        if not verdict.allowed:
            raise RateLimited(verdict.retry_after)
        request.api_key = key
        return key


def require_write(request) -> None:
    if not request.auth.may_write:
        raise WriteForbidden()
