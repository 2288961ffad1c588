"""The member account (eGestion): Déclarer mes contributions (the overview per year and the returns), Saisie de
votre bordereau de collecte (the return of a year and an establishment, computed with the rates configured in the
admin), its PDF acknowledgement of receipt, and Suivre mes versements (payments to Constructys)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods

from contributions import selectors, services
from contributions.forms import ReturnForm
from egestion.access import egestion_required

PAGE_SIZE = 25


@egestion_required
@require_GET
def account(request):
    # The request's establishments are the user's (egestion_required), narrowed by the header's switcher.
    overview = services.yearly_overview(request.establishment_ids)
    returns = selectors.account_returns(request.establishment_ids, count=sum(row.returns for row in overview))
    page = Paginator(returns, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "egestion/contributions/account.html", {"overview": overview, "page": page})


@egestion_required
@require_http_methods(["GET", "POST"])
def return_form(request):
    establishments = [m.establishment for m in request.memberships]
    years = services.declarable_years()
    form = ReturnForm(request.POST or None, years=years, establishments=establishments)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        establishment = next(e for e in establishments if e.pk == data["etablissement"])
        figures = services.Figures(data["effectif"], data["masse_salariale"], data["masse_salariale_cdd"])
        try:
            contribution_return = services.submit_return(establishment, request.user, data["annee"], figures)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Votre bordereau de collecte a bien été enregistré.")
            return redirect("egestion:contribution_return_detail", pk=contribution_return.pk)
    return render(request, "egestion/contributions/return_form.html", {"form": form, "years": years})


def _return_or_404(request, pk):
    contribution_return = (
        selectors.returns_for(request.user, request.establishment_ids)
        .select_related("establishment", "submitted_by")
        .filter(pk=pk)
        .first()
    )
    if contribution_return is None:
        raise Http404("Aucun bordereau ne correspond à cette adresse.")
    return contribution_return


@egestion_required
@require_GET
def return_detail(request, pk):
    contribution_return = _return_or_404(request, pk)
    context = {"return": contribution_return, "lines": contribution_return.lines.all()}
    return render(request, "egestion/contributions/return_detail.html", context)


@egestion_required
@require_GET
def receipt(request, pk):
    contribution_return = _return_or_404(request, pk)
    response = HttpResponse(services.receipt_pdf(contribution_return), content_type="application/pdf")
    filename = f"Accusé de réception - bordereau {contribution_return.year} - {contribution_return.establishment.siret}"
    response["Content-Disposition"] = content_disposition_header(True, f"{filename}.pdf")
    response["Cache-Control"] = "private, no-store"
    return response


@egestion_required
@require_GET
def payments(request):
    queryset = selectors.payments_for(request.user, request.establishment_ids).select_related("establishment")
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "egestion/contributions/payments.html", {"page": page})
