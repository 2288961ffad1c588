"""The establishment page with its bank-details request, the same in both portals: a référent (oGestion) or an
account manager (eGestion) of the establishment sends a RIB with new IBAN/BIC; accounting validates it in the admin.
Each portal wraps these views with its access decorator (ogestion/payments/views.py, egestion/payments/views.py).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

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
