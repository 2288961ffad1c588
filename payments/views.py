"""The payment and establishment pages, the same in both portals: each portal's payments/urls.py builds its
patterns with `portal_urlpatterns` (its access decorator and its portal, which scopes the data).
Templates use {% portal_url %}."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import path

from common.downloads import document_response
from common.views import portal_page
from payments import selectors

PORTAL_BASES = {"ogestion": "ogestion/base.html", "egestion": "egestion/base.html"}


def portal_context(portal, **context):
    return {"portal_base": PORTAL_BASES[portal], "portal": portal, **context}


def payment_list(request, portal):
    establishments = [m.establishment for m in request.memberships]
    listing = selectors.payment_list(request.user, portal, request.establishment_ids, establishments, request.GET)
    page = Paginator(listing.pages, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    context = portal_context(portal, listing=listing, page=page)
    if request.htmx and request.htmx.target == "payment-results":
        return render(request, "payments/payment_results.html", context)
    return render(request, "payments/payment_list.html", context)


def payment_detail(request, portal, pk):
    payment = selectors.payment_detail(request.user, portal, request.establishment_ids, pk)
    if payment is None:
        raise Http404("Aucun règlement ne correspond à cette adresse.")
    return render(request, "payments/payment_detail.html", portal_context(portal, payment=payment))


def remittance_advice_download(request, portal, pk):
    document = selectors.remittance_advice(request.user, portal, request.establishment_ids, pk)
    if document is None:
        raise Http404("Aucun avis de virement ne correspond à cette adresse.")
    return document_response(document)


def establishment_list(request, portal):
    with_nda = portal == "ogestion"
    form, queryset = selectors.establishment_listing(
        request.user, portal, request.establishment_ids, request.GET, with_nda=with_nda
    )
    page = Paginator(queryset, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    context = portal_context(portal, form=form, page=page, with_nda=with_nda)
    if request.htmx and request.htmx.target == "establishment-results":
        return render(request, "payments/establishment_results.html", context)
    return render(request, "payments/establishment_list.html", context)


def establishment_or_404(request, portal, pk):
    establishment = selectors.establishment_detail(request.user, portal, request.establishment_ids, pk)
    if establishment is None:
        raise Http404("Aucun établissement ne correspond à cette adresse.")
    return establishment


def establishment_detail(request, portal, pk):
    return render_establishment(request, portal, establishment_or_404(request, portal, pk))


def render_establishment(request, portal, establishment, **extra):
    """The establishment page; `extra` adds to its context (oGestion: the bank-details request)."""
    context = portal_context(
        portal,
        establishment=establishment,
        documents=selectors.remittance_advices(establishment.pk),
        with_nda=portal == "ogestion",
        **extra,
    )
    return render(request, "payments/establishment_detail.html", context)


def establishment_document_download(request, portal, pk, document_pk):
    establishment = establishment_or_404(request, portal, pk)
    document = selectors.remittance_advices(establishment.pk).filter(pk=document_pk).first()
    if document is None:
        raise Http404("Aucun document ne correspond à cette adresse.")
    return document_response(document)


def portal_urlpatterns(portal, portal_required, *, establishment_detail_view=None):
    """The URL patterns of these pages in one portal, each view wrapped with the portal's access decorator.
    `establishment_detail_view` replaces the establishment page (with the bank-details request, banking.views)."""

    def wrap(view):
        return portal_page(view, portal, portal_required)

    return [
        path("reglements/", wrap(payment_list), name="payments"),
        path("reglements/<int:pk>/", wrap(payment_detail), name="payment"),
        path("reglements/<int:pk>/avis-de-virement/", wrap(remittance_advice_download), name="payment_advice"),
        path("etablissements/", wrap(establishment_list), name="establishments"),
        path(
            "etablissements/<int:pk>/",
            establishment_detail_view or wrap(establishment_detail),
            name="establishment",
        ),
        path(
            "etablissements/<int:pk>/documents/<int:document_pk>/",
            wrap(establishment_document_download),
            name="establishment_document",
        ),
    ]
