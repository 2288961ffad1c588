"""Faire une demande de prise en charge: the tabs of transmitted requests and drafts, "+" (the type of request),
"Reprendre" and the deletion of a draft, whatever their kind.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from egestion.access import egestion_required
from egestion.requests.apprenticeship import views as apprenticeship_views
from egestion.requests.common import draft_view, request_subject
from egestion.requests.plan import views as plan_views
from funding import services
from funding.models import FundingRequest, RequestKind, RequestStatus

REQUESTS_PER_PAGE = 20


TABS = {"transmises": "Demandes transmises", "brouillons": "Brouillons"}


@egestion_required
def request_list(request):
    """The "DEMANDES TRANSMISES" and "BROUILLONS" tabs, for the establishments the user is looking at; without a
    tab chosen, the drafts when there are some."""
    scoped = FundingRequest.objects.for_company_user(request.user, establishments=request.establishment_ids)
    # Avenants are declared and followed on their contract's dossier, not here.
    scoped = scoped.exclude(kind=RequestKind.AVENANT)
    drafts, submitted = scoped.drafts(), scoped.filter(status=RequestStatus.SUBMITTED)
    counts = {"brouillons": drafts.count(), "transmises": submitted.count()}
    tab = request.GET.get("onglet", "")
    if tab not in TABS:
        tab = "brouillons" if counts["brouillons"] or not counts["transmises"] else "transmises"
    shown = drafts if tab == "brouillons" else submitted.order_by("-submitted_at", "-id")
    page = Paginator(
        shown.select_related("employer_establishment", "created_by", "dossier", "proposed_by_provider"),
        REQUESTS_PER_PAGE,
    ).get_page(request.GET.get("page"))
    for funding_request in page.object_list:
        funding_request.apprentice = request_subject(funding_request)
    context = {"tab": tab, "tabs": TABS.items(), "counts": counts, "page": page}
    return render(request, "egestion/requests/request_list.html", context)


@egestion_required
def request_new(request):
    """ "+": choose the type of request."""
    return render(request, "egestion/requests/request_new.html", {"active_menu": "requests"})


@draft_view
def request_resume(request, draft):
    """ "Reprendre": the step the user saved last, in the screens of the request's kind."""
    kind_views = plan_views if draft.kind == RequestKind.PLAN else apprenticeship_views
    return redirect(kind_views.resume_url(draft))


@draft_view
@require_http_methods(["GET", "POST"])
def request_delete(request, draft):
    if request.method == "POST":
        services.delete_draft(draft)
        messages.success(request, "Le brouillon a été supprimé.")
        return redirect(reverse("egestion:requests") + "?onglet=brouillons")
    context = {"draft": draft, "apprentice": request_subject(draft), "active_menu": "requests"}
    return render(request, "egestion/requests/request_delete.html", context)
