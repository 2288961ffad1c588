"""What a key sees: the scoping querysets of the portals, called with the key's creator and narrowed to the key's
establishments (api.keys.key_scope). No second implementation of a rule: every read starts from these."""

from django.http import Http404

from accounts.models import Establishment, Portal
from dossiers.models import Document, DocumentDirection, Dossier


def key_of(request):
    return request.auth


def user_of(request):
    return request.auth.created_by


def establishment_ids(request) -> list[int]:
    return request.auth.establishment_ids


def portal_of(request) -> Portal:
    return Portal(request.auth.portal)


def is_company(request) -> bool:
    return portal_of(request) == Portal.EGESTION


def establishments(request):
    return Establishment.objects.filter(pk__in=establishment_ids(request)).order_by("name", "siret")


def check_establishment_filter(request, establishment_id) -> None:
    """A filter on an establishment the key does not cover answers like a missing object."""
    if establishment_id is not None and establishment_id not in establishment_ids(request):
        raise Http404


def dossiers(request):
    if is_company(request):
        return Dossier.objects.for_company_user(user_of(request), establishment_ids(request))
    return Dossier.objects.for_provider_user(user_of(request), establishment_ids(request))


def dossier_or_404(request, numero: str) -> Dossier:
    dossier = (
        dossiers(request)
        .select_related("employer_establishment", "provider_establishment")
        .filter(number=numero)
        .first()
    )
    if dossier is None:
        raise Http404
    return dossier


def documents(request):
    """The documents the portal lists: every one of the company's dossiers; a provider's issued ones only (as on
    oGestion's "Documents Constructys")."""
    if is_company(request):
        return Document.objects.for_company_user(user_of(request), establishment_ids(request))
    return Document.objects.for_provider_user(user_of(request), establishment_ids(request)).filter(
        direction=DocumentDirection.ISSUED
    )


def company_only(request) -> None:
    """Resources of eGestion only (messages, drafts): a CFA's key does not find them."""
    if not is_company(request):
        raise Http404


def provider_only(request) -> None:
    if is_company(request):
        raise Http404
