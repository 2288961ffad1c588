from decimal import Decimal

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html

from backoffice.access import MaskedIbanAdminMixin, RegionScopedAdminMixin, masked_iban_display
from common.admin_helpers import KeptRecordAdminMixin
from common.forms import CleanTextFormMixin
from payments import services
from payments.models import Payment, PaymentLine


class PaymentLineForm(CleanTextFormMixin, forms.ModelForm):
    class Meta:
        model = PaymentLine
        fields = [
            "invoice_date",
            "invoice_number",
            "period_start",
            "period_end",
            "dossier",
            "scheme",
            "training_title",
            "amount",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Taken from the dossier when left empty.
        for name in ("scheme", "training_title", "period_start", "period_end"):
            self.fields[name].required = False
            self.fields[name].help_text = "Celui du dossier si vide."

    def clean(self):
        data = super().clean()
        dossier = data.get("dossier")
        if dossier is not None:
            defaults = {
                "scheme": dossier.scheme,
                "training_title": dossier.title,
                "period_start": dossier.start_date,
                "period_end": dossier.end_date,
            }
            for name, value in defaults.items():
                if not data.get(name):
                    data[name] = value
                    setattr(self.instance, name, value)
        return data


class PaymentLineFormSet(forms.BaseInlineFormSet):
    """The lines' total must equal the payment's; each line settles a dossier of the beneficiary."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        kept = [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        if not kept:
            raise ValidationError("Ajoutez au moins une ligne (une facture réglée).")
        total = sum((f.cleaned_data.get("amount") or Decimal("0.00") for f in kept), Decimal("0.00"))
        if mismatch := services.total_mismatch(self.instance.total_amount, total):
            raise ValidationError(mismatch)
        beneficiary = getattr(self.instance, "beneficiary", None) if self.instance.beneficiary_id else None
        problems = [p for f in kept if (p := services.line_dossier_problem(f.cleaned_data.get("dossier"), beneficiary))]
        if problems:
            raise ValidationError(problems)


class PaymentForm(CleanTextFormMixin, forms.ModelForm):
    """The paid IBAN is checked here too, so that a beneficiary without an IBAN shows an error on the form (the same
    rule as payments.services.complete_payment, which runs once the lines are saved)."""

    def clean(self):
        data = super().clean()
        if data.get("beneficiary") is not None:
            _, errors = services.paid_iban(data.get("mode"), data.get("iban_paid"), data["beneficiary"])
            for error in errors:
                self.add_error("iban_paid", error)
        return data


class PaymentLineInline(admin.TabularInline):
    model = PaymentLine
    form = PaymentLineForm
    formset = PaymentLineFormSet
    extra = 1
    raw_id_fields = ["dossier"]
    fields = PaymentLineForm.Meta.fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("dossier")


@admin.register(Payment)
class PaymentAdmin(RegionScopedAdminMixin, MaskedIbanAdminMixin, KeptRecordAdminMixin, admin.ModelAdmin):
    """Accounting records a transfer with its lines; saving checks the total and files the remittance advice ("avis
    de virement") in the beneficiary's documents (payments.services.complete_payment)."""

    form = PaymentForm
    list_display = ["reference", "paid_on", "beneficiary", "mode", "total_amount", "advice_link"]
    list_filter = ["mode"]
    search_fields = ["=reference", "beneficiary__siret", "beneficiary__name"]
    list_select_related = ["beneficiary", "remittance_advice"]
    autocomplete_fields = ["beneficiary"]
    readonly_fields = ["remittance_advice", "created_at"]
    fields = ["reference", "paid_on", "beneficiary", "iban_paid", "mode", "total_amount", "remittance_advice"]
    date_hierarchy = "paid_on"
    inlines = [PaymentLineInline]
    show_full_result_count = False
    region_lookups = ("beneficiary__region",)
    # The remittance advice prints the IBAN paid: its link too is for those who see IBANs in full.
    iban_fields = ("iban_paid", "advice_link")
    iban_paid_masked = masked_iban_display("iban_paid", "IBAN payé")

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if "iban_paid" in form.base_fields:  # not in a read-only form (view permission only), nor when masked
            form.base_fields["iban_paid"].help_text = "Celui de l'établissement bénéficiaire si vide."
        return form

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.complete_payment(form.instance, actor=request.user, created=not change)

    @admin.display(description="avis de virement")
    def advice_link_masked(self, payment):
        return "—" if payment.remittance_advice is None else payment.remittance_advice.name

    @admin.display(description="avis de virement")
    def advice_link(self, payment):
        if payment.remittance_advice is None:
            return "—"
        url = reverse("admin:dossiers_document_download", args=[payment.remittance_advice_id])
        return format_html('<a href="{}">{}</a>', url, payment.remittance_advice.name)
