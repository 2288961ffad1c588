"""The NPEC referential and the payment rules in the back office: dated rows that accounting and administrators
edit (the loader fills the NPEC from France compétences' file; a later load overwrites a manual correction)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from accounts.staff_access import RegionScopedAdminMixin
from common.admin_helpers import KeptRecordAdminMixin, ReadOnlyInline, admin_page
from common.downloads import document_response
from common.forms import CleanTextFormMixin
from invoicing import services
from invoicing.models import (
    OPEN_STATUSES,
    RULE_HELP,
    ContractTerms,
    Invoice,
    InvoiceAttachment,
    NpecAmount,
    PaymentRule,
    Subrogation,
)


@admin.register(NpecAmount)
class NpecAmountAdmin(admin.ModelAdmin):
    list_display = ["certification_code", "certification_title", "idcc", "annual_amount", "valid_from", "valid_until"]
    list_filter = ["idcc", "valid_from"]
    search_fields = ["certification_code", "certification_title", "idcc"]
    search_help_text = "Code de la certification, intitulé ou IDCC."
    readonly_fields = ["updated_at"]
    show_full_result_count = False
    list_per_page = 50


@admin.register(PaymentRule)
class PaymentRuleAdmin(admin.ModelAdmin):
    list_display = ["name", "concluded_from", "concluded_until", "advance_share", "employer_participation"]
    readonly_fields = ["updated_at"]
    fieldsets = [
        (None, {"fields": ["name", "concluded_from", "concluded_until"], "description": RULE_HELP}),
        (
            "Échéancier de chaque année",
            {
                "fields": [
                    "advance_share",
                    "seventh_month_share",
                    "tenth_month_share",
                    "balance_at_tenth_month",
                    "short_contract_advance_share",
                    "payment_delay_days",
                    "begun_month_rule",
                    "final_documents_months",
                    "new_cfa_first_payment_month",
                ]
            },
        ),
        (
            "Participation de l'employeur et formation à distance",
            {
                "fields": [
                    "participation_min_level",
                    "employer_participation",
                    "participation_after_early_rupture_elsewhere",
                    "early_rupture_participation_rate",
                    "distance_reduction",
                    "distance_floor",
                ]
            },
        ),
        (None, {"fields": ["updated_at"]}),
    ]

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser  # a rule past contracts were scheduled with stays


@admin.register(ContractTerms)
class ContractTermsAdmin(RegionScopedAdminMixin, KeptRecordAdminMixin, admin.ModelAdmin):
    """The contract's dates and flags the schedule is computed from; a rupture or an avenant is entered here and
    recomputes the instalments not yet due (docs/invoicing.md)."""

    list_display = ["dossier", "concluded_on", "starts_on", "ends_on", "certification_code", "idcc", "ruptured_on"]
    list_select_related = ["dossier"]
    search_fields = ["dossier__number", "certification_code"]
    autocomplete_fields = ["dossier"]
    readonly_fields = ["applied_to_the_schedule"]
    region_lookups = ("dossier__employer_establishment__region",)

    @admin.display(description="appliqué à l'échéancier")
    def applied_to_the_schedule(self, obj):
        """What the schedule uses once the company's online declarations are applied (an accepted avenant's end,
        a declared rupture): the fields above stay what staff entered."""
        if obj is None or obj.pk is None:
            return "—"
        terms = obj.following_contract_changes()
        text = f"Fin du contrat : {terms.ends_on:%d/%m/%Y}"
        if terms.ruptured_on:
            text += f" ; rompu le {terms.ruptured_on:%d/%m/%Y}"
            if terms.rupture_within_45_days:
                text += " (pendant les 45 premiers jours de formation pratique)"
        return text


@admin.register(Subrogation)
class SubrogationAdmin(RegionScopedAdminMixin, KeptRecordAdminMixin, admin.ModelAdmin):
    """A dossier whose training provider Constructys pays directly (subrogation de paiement): the provider then
    invoices it in oGestion, up to the agreed amount, with an attendance certificate (docs/invoicing.md)."""

    list_display = ["dossier", "agreed_amount", "invoice_during_training", "created_at"]
    list_select_related = ["dossier"]
    search_fields = ["dossier__number"]
    autocomplete_fields = ["dossier"]
    readonly_fields = ["created_at"]
    region_lookups = ("dossier__employer_establishment__region",)


class AttachmentInline(ReadOnlyInline):
    model = InvoiceAttachment
    fields = ["kind", "name", "uploaded_at"]
    readonly_fields = fields


class PaymentForm(CleanTextFormMixin, forms.Form):
    reference = forms.CharField(label="Référence du règlement", max_length=30, help_text="Par exemple VIR553.")
    paid_on = forms.DateField(label="Date de règlement", initial=timezone.localdate)


@admin.register(Invoice)
class InvoiceAdmin(RegionScopedAdminMixin, KeptRecordAdminMixin, admin.ModelAdmin):
    """Accounting's queue: invoices to check oldest first, with the 30-day deadline (R.6332-25 III 1°)."""

    list_display = ["number", "dossier", "organisation", "amount", "received_at", "deadline", "status_shown"]
    list_filter = ["status"]
    list_select_related = ["dossier", "organisation"]
    search_fields = ["number", "dossier__number", "organisation__name"]
    ordering = ["received_at", "id"]
    readonly_fields = [
        "dossier",
        "organisation",
        "number",
        "invoice_date",
        "period_start",
        "period_end",
        "amount",
        "instalment",
        "pdf_link",
        "status_shown",
        "received_at",
        "deadline",
        "expected_payment_on",
        "uploaded_by",
        "reviewed_by",
        "reviewed_at",
    ]
    fields = [*readonly_fields, "rejection_reason"]
    inlines = [AttachmentInline]
    actions = ["start_review", "validate_invoices", "reject_invoices", "pay_invoices"]
    region_lookups = ("dossier__employer_establishment__region",)

    def has_add_permission(self, request):
        return False  # providers deposit invoices in oGestion

    def get_readonly_fields(self, request, obj=None):
        # The reason of a rejection is typed while the invoice waits, then kept as it was sent.
        if obj is not None and obj.status not in OPEN_STATUSES:
            return [*self.readonly_fields, "rejection_reason"]
        return self.readonly_fields

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not request.user.has_perm(services.REVIEW_PERMISSION):
            for name in ("start_review", "validate_invoices", "reject_invoices", "pay_invoices"):
                actions.pop(name, None)
        return actions

    @admin.display(description="à payer au plus tard le", ordering="received_at")
    def deadline(self, obj):
        late = obj.status in OPEN_STATUSES and obj.review_deadline < timezone.localdate()
        text = f"{obj.review_deadline:%d/%m/%Y}"
        return format_html("<strong>{} (dépassé)</strong>", text) if late else text

    @admin.display(description="état")
    def status_shown(self, obj):
        return obj.status_label()

    @admin.display(description="facture")
    def pdf_link(self, obj):
        url = reverse("admin:invoicing_invoice_pdf", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.name)

    def get_urls(self):
        return [admin_page(self, "<int:pk>/pdf/", self.pdf_view, "invoicing_invoice_pdf"), *super().get_urls()]

    def pdf_view(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return document_response(get_object_or_404(self.get_queryset(request), pk=pk))

    def _decide(self, request, queryset, decide, done_message):
        done = 0
        for invoice in queryset.filter(status__in=OPEN_STATUSES):
            try:
                decide(invoice, request.user)
            except ValidationError as error:
                self.message_user(request, f"Facture {invoice.number} : {' '.join(error.messages)}", messages.ERROR)
            else:
                done += 1
        self.message_user(request, done_message.format(count=done), messages.SUCCESS)

    @admin.action(description="Mettre en contrôle les factures sélectionnées")
    def start_review(self, request, queryset):
        self._decide(request, queryset, services.start_review, "{count} facture(s) en contrôle.")

    @admin.action(description="Valider les factures sélectionnées (paiement prévu à la date affichée)")
    def validate_invoices(self, request, queryset):
        self._decide(request, queryset, services.validate_invoice, "{count} facture(s) validée(s).")

    @admin.action(description="Rejeter les factures sélectionnées (avec le motif saisi sur chaque facture)")
    def reject_invoices(self, request, queryset):
        def reject(invoice, user):
            return services.reject_invoice(invoice, user, invoice.rejection_reason)

        self._decide(request, queryset, reject, "{count} facture(s) rejetée(s).")

    @admin.action(description="Régler les factures validées sélectionnées (un règlement, avis de virement)")
    def pay_invoices(self, request, queryset):
        form = PaymentForm(request.POST if "reference" in request.POST else None)
        if form.is_valid():
            try:
                payment = services.pay_invoices(
                    actor=request.user,
                    reference=form.cleaned_data["reference"],
                    paid_on=form.cleaned_data["paid_on"],
                    invoices=list(queryset),
                )
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            else:
                self.message_user(
                    request, f"Règlement {payment.reference} enregistré ({len(queryset)} facture(s)).", messages.SUCCESS
                )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Régler les factures validées",
            "form": form,
            "invoices": queryset,
            "opts": self.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/invoicing/invoice/pay.html", context)
