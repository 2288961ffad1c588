"""The establishment page with its bank-details request, the same in both portals: a référent (oGestion) or an
account manager (eGestion) of the establishment sends a RIB with new IBAN/BIC; accounting validates it in the admin.
Each portal mounts them with its access decorator through `portal_bank_urlpatterns` (<portal>/payments/urls.py).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_http_methods

from banking import services
from banking.forms import BankDetailsRequestForm
from banking.models import RequestSource
from payments import views


def establishment_detail(request, portal, pk):
    establishment = views.establishment_or_404(request, portal, pk)
    return views.render_establishment(
        request,
        portal,
        establishment,
        can_request_bank_details=services.may_request(request.user, establishment, portal),
        pending_bank_request=services.pending_request(establishment),
        bank_changes=establishment.bank_details_changes.select_related("request__requested_by")[:5],
    )


def bank_details_request(request, portal, pk):
    establishment = views.establishment_or_404(request, portal, pk)
    context = views.portal_context(portal, establishment=establishment, pending=services.pending_request(establishment))
    if not services.may_request(request.user, establishment, portal):
        return render(request, "banking/bank_details_managers_only.html", context, status=403)
    form = BankDetailsRequestForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and context["pending"] is None and form.is_valid():
        data = form.cleaned_data
        try:
            services.submit_request(
                establishment,
                request.user,
                iban=data["iban"],
                bic=data["bic"],
                rib=data["rib"],
                source=RequestSource(portal),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                "Vos nouvelles coordonnées bancaires ont été transmises. Elles remplaceront les actuelles dès leur "
                "validation par le service comptable de Constructys.",
            )
            return redirect(f"{portal}:establishment", pk=establishment.pk)
    context["form"] = form
    return render(request, "banking/bank_details_request.html", context)


def portal_bank_urlpatterns(portal, portal_required):
    """The URL patterns each portal mounts for its establishments: the payment pages with the establishment page
    that carries the bank-details request, and the request itself, wrapped in the portal's access decorator."""

    @portal_required
    @require_GET
    def establishment_page(request, pk):
        return establishment_detail(request, portal, pk)

    @portal_required
    @require_http_methods(["GET", "POST"])
    def bank_details_page(request, pk):
        return bank_details_request(request, portal, pk)

    return [
        *views.portal_urlpatterns(portal, portal_required, establishment_detail_view=establishment_page),
        path("etablissements/<int:pk>/coordonnees-bancaires/", bank_details_page, name="bank_details_request"),
    ]
