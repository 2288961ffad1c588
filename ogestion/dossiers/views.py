"""Suivre mes dossiers de formation (oGestion): the list with its counters, the dossier page and its tabs, and the
downloads of Constructys' documents (funding agreements...).

Scoping: every dossier comes from Dossier.objects.for_provider_user (through dossiers.selectors), narrowed to the
establishments of the header's switcher; documents from Document.objects.for_provider_user, issued ones only (the
company's own pieces are not the provider's). Anything else answers 404.
"""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from common.downloads import document_response
from deadlines import selectors as deadline_selectors
from dossiers import selectors
from dossiers.models import Document, DocumentDirection
from funding.contracts import contract_state
from ogestion.access import ogestion_required
from payments.models import PaymentLine

TABS = {
    "stagiaires": "Stagiaire(s)",
    "reglements": "Règlements",
    "documents": "Documents Constructys",
    "echeances": "Échéances",
}
DEFAULT_TAB = "stagiaires"
COLUMNS = [
    ("numero", "N° de dossier"),
    ("entreprise", "Raison sociale de l'entreprise"),
    (None, "Accord"),
    (None, "Nom du stagiaire"),
    ("dispositif", "Dispositif"),
]


def _issued_documents(request):
    return Document.objects.for_provider_user(request.user, request.establishment_ids).filter(
        direction=DocumentDirection.ISSUED
    )


@ogestion_required
@require_GET
def dossier_list(request):
    establishments = [m.establishment for m in request.memberships]
    listing = selectors.provider_dossier_list(request.user, request.establishment_ids, establishments, request.GET)
    page = Paginator(listing.pages, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"listing": listing, "page": page, "columns": COLUMNS}
    if request.htmx and request.htmx.target == "dossier-results":
        return render(request, "ogestion/dossiers/results.html", context)
    return render(request, "ogestion/dossiers/list.html", context)


@ogestion_required
@require_GET
def dossier_detail(request, number, tab=DEFAULT_TAB):
    if tab not in TABS:
        raise Http404
    dossier = selectors.provider_dossier(request.user, request.establishment_ids, number)
    if dossier is None:
        raise Http404("Aucun dossier ne correspond à ce numéro.")
    context = {"dossier": dossier, "tab": tab, "tabs": TABS, "contract": contract_state(dossier)}
    if tab == "stagiaires":
        context["enrolments"] = dossier.enrolments.select_related("person")
    elif tab == "reglements":
        # Only the payments made to the provider's establishments seen here.
        context["payment_lines"] = (
            PaymentLine.objects.filter(dossier=dossier, payment__beneficiary_id__in=request.establishment_ids)
            .select_related("payment__beneficiary")
            .order_by("-payment__paid_on", "-id")
        )
    elif tab == "echeances":
        deadlines = deadline_selectors.for_dossier(dossier, "provider")
        context["timeline"] = deadline_selectors.timeline(deadlines, timezone.localdate())
    else:
        context["documents"] = _issued_documents(request).filter(dossier=dossier)
    template = "ogestion/dossiers/detail.html"
    if request.htmx and request.htmx.target == "dossier-tabs":
        template = "ogestion/dossiers/tabs.html"
    return render(request, template, context)


@ogestion_required
@require_GET
def document_download(request, number, pk):
    document = _issued_documents(request).filter(pk=pk, dossier__number=number).first()
    if document is None:
        raise Http404("Aucun document ne correspond à cette adresse.")
    return document_response(document)
