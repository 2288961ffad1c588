"""FACTURATION (oGestion): a dossier's NPEC schedule, what can be invoiced today, the invoices and their statuses,
and "Déposer une facture". The rules are in invoicing.services; the dossier comes from the provider's scope
(dossiers.selectors.provider_dossier): another establishment's or organisation's dossier answers 404."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from dossiers import selectors
from invoicing import selectors as invoicing_selectors
from invoicing import services
from invoicing.models import Invoice
from ogestion.access import ogestion_required
from ogestion.invoicing.forms import InvoiceForm, SubrogationInvoiceForm


def _dossier(request, number):
    dossier = selectors.provider_dossier(request.user, request.establishment_ids, number)
    if dossier is None:
        raise Http404("Aucun dossier ne correspond à ce numéro.")
    return dossier


def _context(dossier):
    billing = invoicing_selectors.billing_of(dossier)  # NPEC schedule, or subrogation (skills plan...)
    invoices = Invoice.objects.filter(dossier=dossier).order_by("-received_at", "-id")
    return {"dossier": dossier, "billing": billing, "invoices": invoices, "tab": "facturation"}


@ogestion_required
@require_GET
def billing(request, number):
    dossier = _dossier(request, number)
    return render(request, "ogestion/invoicing/billing.html", _context(dossier))


@ogestion_required
@require_http_methods(["GET", "POST"])
def deposit(request, number):
    dossier = _dossier(request, number)
    form_class = SubrogationInvoiceForm if invoicing_selectors.is_subrogated(dossier) else InvoiceForm
    form = form_class(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = services.InvoiceInput(
            number=form.cleaned_data["number"],
            invoice_date=form.cleaned_data["invoice_date"],
            period_start=form.cleaned_data["period_start"],
            period_end=form.cleaned_data["period_end"],
            amount=form.cleaned_data["amount"],
        )
        try:
            invoice = invoicing_selectors.deposit(
                request.user, dossier, data, form.cleaned_data["pdf"], form.attachments()
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error.messages)
        else:
            messages.success(request, f"Votre facture n° {invoice.number} a été déposée : elle va être contrôlée.")
            return redirect("ogestion:invoicing_billing", number=dossier.number)
    context = {**_context(dossier), "form": form}
    return render(request, "ogestion/invoicing/deposit.html", context, status=400 if form.errors else 200)
