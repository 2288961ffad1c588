"""Voir mes établissements / mes avis de virement (oGestion): an establishment's page (payments.views) with the
référent's request for new bank details, validated by Constructys in the admin (banking)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import Portal
from banking import services as banking
from banking.forms import BankDetailsRequestForm
from ogestion.views import ogestion_required
from payments import views


def _is_referent_of(request, establishment) -> bool:
    return any(m.is_admin and m.establishment_id == establishment.pk for m in request.memberships)


@ogestion_required
@require_GET
def establishment_detail(request, pk):
    establishment = views.establishment_or_404(request, Portal.OGESTION, pk)
    return views.render_establishment(
        request,
        Portal.OGESTION,
        establishment,
        can_request_bank_details=_is_referent_of(request, establishment),
        pending_bank_request=banking.pending_request(establishment),
    )


@ogestion_required
@require_http_methods(["GET", "POST"])
def bank_details_request(request, pk):
    establishment = views.establishment_or_404(request, Portal.OGESTION, pk)
    context = {"establishment": establishment, "pending": banking.pending_request(establishment)}
    if not _is_referent_of(request, establishment):
        return render(request, "ogestion/bank_details_referent_only.html", context, status=403)
    form = BankDetailsRequestForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and context["pending"] is None and form.is_valid():
        data = form.cleaned_data
        try:
            banking.submit_request(establishment, request.user, iban=data["iban"], bic=data["bic"], rib=data["rib"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                "Vos nouvelles coordonnées bancaires ont été transmises. Elles remplaceront les actuelles dès leur "
                "validation par le service comptable de Constructys.",
            )
            return redirect("ogestion:establishment", pk=establishment.pk)
    context["form"] = form
    return render(request, "ogestion/bank_details_request.html", context)
