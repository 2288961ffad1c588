from decimal import Decimal

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from accounts.staff_access import MaskedIbanAdminMixin, RegionScopedAdminMixin, masked_iban_display
from common.admin_helpers import KeptRecordAdminMixin
from common.forms import CleanTextFormMixin
from dossiers.models import Dossier
from payments import services
from payments.models import Payment, PaymentLine


class DossierNumberField(forms.ModelChoiceField):
    """A dossier typed by its number, as accounting reads it on the invoice (9920000005.01), not an internal id."""

    widget = forms.TextInput(attrs={"size": 16, "placeholder": "9920000005.01", "inputmode": "decimal"})
    default_error_messages = {"invalid_choice": "Aucun dossier ne porte ce numéro : vérifiez-le sur la facture."}

    def __init__(self, **kwargs):
        super().__init__(Dossier.objects.all(), to_field_name="number", **kwargs)

    def to_python(self, value):
        return super().to_python(value.strip() if isinstance(value, str) else value)


class PaymentLineForm(CleanTextFormMixin, forms.ModelForm):
    dossier = DossierNumberField(label="N° de dossier")
    settle_again = forms.BooleanField(
        label="Régler à nouveau",
        required=False,
        help_text="Pour une facture déjà réglée par un autre règlement, avec le motif.",
    )

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
            "settle_again",
            "duplicate_reason",
        ]
        widgets = {"duplicate_reason": forms.Textarea({"rows": 2, "cols": 30})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["settle_again"].initial = bool(self.instance.pk and self.instance.duplicate_reason)
        if self.instance.dossier_id:  # the foreign key's initial value is the id: shown as the number
            self.initial["dossier"] = self.instance.dossier.number
        # Taken from the dossier when left empty.
        for name in ("scheme", "training_title", "period_start", "period_end"):
            self.fields[name].required = False
            self.fields[name].help_text = "Celui du dossier si vide."

    def _get_validation_exclusions(self):
        # "An invoice is settled once" is checked by the formset, under a lock, naming the payment that settled it.
        return {*super()._get_validation_exclusions(), "invoice_number"}

    def clean(self):
        data = super().clean()
        if "invoice_number" in data:
            data["invoice_number"] = data["invoice_number"].strip()
        if not data.get("settle_again"):
            data["duplicate_reason"] = ""  # a reason only counts with the box ticked
            self.instance.duplicate_reason = ""
        elif not (data.get("duplicate_reason") or "").strip():
            self.add_error("duplicate_reason", "Indiquez pourquoi cette facture est réglée une nouvelle fois.")
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
    """The lines' total must equal the payment's; each line settles a dossier of the beneficiary; an invoice already
    settled (by another payment, or by another line of this one) needs "Régler à nouveau" and a reason."""

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
        self._refuse_invoices_settled_twice(kept)

    def _refuse_invoices_settled_twice(self, kept):
        keyed = [(f, services.invoice_key(f.cleaned_data["dossier"], f.cleaned_data["invoice_number"])) for f in kept]
        settled = services.lock_and_find_settled([key for _, key in keyed], payment_pk=self.instance.pk)
        seen = set()
        for form, key in keyed:
            double = key in settled or key in seen
            seen.add(key)
            if not double or form.cleaned_data.get("settle_again"):
                continue
            if key in settled:
                form.add_error("invoice_number", services.already_settled_message(settled[key]))
            else:
                form.add_error(
                    "invoice_number",
                    "Cette facture figure déjà sur une autre ligne de ce règlement : cochez « Régler à nouveau » et "
                    "indiquez le motif.",
                )


class PaymentForm(CleanTextFormMixin, forms.ModelForm):
    """The reference is checked under a lock held until the save commits, so that the same payment saved several
    times at once gives one payment and clear errors; the beneficiary's validated IBAN is checked here too, so that
    its absence shows on the form (the same rules as payments.services, which run once the lines are saved)."""

    def clean_reference(self):
        reference = self.cleaned_data["reference"].strip()
        if error := services.lock_and_check_reference(reference, payment_pk=self.instance.pk):
            raise ValidationError(error)
        return reference

    def clean(self):
        data = super().clean()
        if data.get("beneficiary") is not None:
            _, errors = services.paid_iban(data.get("mode"), data["beneficiary"])
            for error in errors:
                self.add_error("beneficiary", error)
        return data


class PaymentLineInline(admin.TabularInline):
    model = PaymentLine
    form = PaymentLineForm
    formset = PaymentLineFormSet
    extra = 1
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
    # The IBAN paid is the beneficiary's validated one, recorded by payments.services: never typed.
    readonly_fields = ["iban_paid", "remittance_advice", "advice_versions", "created_at"]
    fields = [
        "reference",
        "paid_on",
        "beneficiary",
        "iban_paid",
        "mode",
        "total_amount",
        "remittance_advice",
        "advice_versions",
    ]
    date_hierarchy = "paid_on"
    inlines = [PaymentLineInline]
    show_full_result_count = False
    region_lookups = ("beneficiary__region",)
    # The remittance advice prints the IBAN paid: its link too is for those who see IBANs in full.
    iban_fields = ("iban_paid", "advice_link")
    iban_paid_masked = masked_iban_display("iban_paid", "IBAN payé")

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.complete_payment(
            form.instance,
            actor=request.user,
            created=not change,
            refresh_iban={"beneficiary", "mode"} & set(form.changed_data) != set(),
        )

    @admin.display(description="avis émis")
    def advice_versions(self, payment):
        """Every advice issued for the payment, latest first; the replaced ones stay, downloadable by the
        beneficiary too."""
        advices = payment.advices.select_related("document").order_by("-version") if payment.pk else []
        return (
            format_html_join(
                "",
                '<div><a href="{}">{}</a>{}</div>',
                (
                    (
                        reverse("admin:dossiers_document_download", args=[advice.document_id]),
                        advice.document.name,
                        f" — remplacé le {timezone.localtime(advice.replaced_at):%d/%m/%Y}"
                        if advice.replaced_at
                        else "",
                    )
                    for advice in advices
                ),
            )
            or "—"
        )

    @admin.display(description="avis de virement")
    def advice_link_masked(self, payment):
        return "—" if payment.remittance_advice is None else payment.remittance_advice.name

    @admin.display(description="avis de virement")
    def advice_link(self, payment):
        if payment.remittance_advice is None:
            return "—"
        url = reverse("admin:dossiers_document_download", args=[payment.remittance_advice_id])
        return format_html('<a href="{}">{}</a>', url, payment.remittance_advice.name)
