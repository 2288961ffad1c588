"""The one way a `next` parameter (or any user-supplied target) becomes a redirect: a path of this site only."""

from django.contrib.auth import REDIRECT_FIELD_NAME
from django.utils.http import url_has_allowed_host_and_scheme

from common.forms import text_problem


def safe_path(request, candidate, default: str = "") -> str:
    """`candidate` when it is a path of this site ("/egestion/dossiers/?page=2"), else `default`.

    A bare word ("foo", which `redirect()` would take for a view name: a 500), another host ("//evil.example",
    "https://evil.example"), a backslash trick ("/\\evil.example") or a control character is refused."""
    if not isinstance(candidate, str) or not candidate.startswith("/") or candidate.startswith(("//", "/\\")):
        return default
    if "\\" in candidate or text_problem(candidate) is not None:
        return default
    if not url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()}, require_https=False):
        return default
    return candidate


def next_path(request, default: str = "", field: str = REDIRECT_FIELD_NAME) -> str:
    """The safe `next` of the request (POST first, then the query string), else `default`."""
    return safe_path(request, request.POST.get(field) or request.GET.get(field, ""), default)
