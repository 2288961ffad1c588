"""Digit Invest in the back office: campaigns (dates, envelope, categories, rules, resources), the terms
versions, and the requests, which case managers review (filters by campaign, region and status) and decide on
through invest.services (which emails the CFA); a campaign's requests export to XLSX."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import F, Q, Sum
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html

from accounts.staff_access import RegionScopedAdminMixin
from common.admin_helpers import KeptRecordAdminMixin, ReadOnlyAdminMixin, ReadOnlyInline, admin_page
from common.downloads import document_response
from common.formats import counted
from invest import services
from invest.exports import requests_xlsx_response
from invest.forms import DecisionForm
from invest.models import (
    Campaign,
    ExpenseCategory,
    InvestmentRequest,
    Quote,
    RequestLine,
    RequestStatus,
    TermsAcceptance,
    TermsVersion,
)
from invest.templatetags.invest import euros


@admin.register(TermsVersion)
class TermsVersionAdmin(KeptRecordAdminMixin, admin.ModelAdmin):
    list_display = ["version", "title", "published_at"]


@admin.register(TermsAcceptance)
class TermsAcceptanceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The proof that a CFA user accepted the Digit Invest terms: read-only, never deleted."""

    list_display = ["user", "version", "accepted_at"]
    list_select_related = ["user", "version"]
    search_fields = ["user__email"]


@admin.register(ExpenseCategory)
class ExpenseCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "position"]
    list_editable = ["position"]


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    # The links are web pages: an address typed without a scheme is https (Django 6's default).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["year", "title", "opens_at", "closes_at", "envelope_display", "amounts", "export_link"]
    filter_horizontal = ["categories"]
    fieldsets = [
        (None, {"fields": ["year", "title", "opens_at", "closes_at"]}),
        ("Règles", {"fields": ["envelope", "max_amount_per_request", "categories", "required_documents"]}),
        ("Ressources et contact", {"fields": ["faq_url", "procedure_url", "calendar_url", "contact_email"]}),
    ]

    @admin.display(description="enveloppe")
    def envelope_display(self, obj):
        return euros(obj.envelope)

    @admin.display(description="accordé / demandé")
    def amounts(self, obj):
        return f"{euros(obj.granted_total or 0)} / {euros(obj.requested_total or 0)}"

    def get_queryset(self, request):
        # What the case managers granted against the envelope, and what the transmitted requests ask for.
        transmitted = ~Q(requests__status=RequestStatus.DRAFT)
        return (
            super()
            .get_queryset(request)
            .annotate(
                granted_total=Sum("requests__granted_amount"),
                requested_total=Sum(F("requests__total_ttc") - F("requests__co_financing"), filter=transmitted),
            )
        )

    @admin.display(description="demandes")
    def export_link(self, obj):
        return format_html(
            '<a href="{}">Exporter les demandes (XLSX)</a>', reverse("admin:invest_campaign_export", args=[obj.pk])
        )

    def get_urls(self):
        return [
            admin_page(self, "<path:object_id>/export/", self.export_view, "invest_campaign_export"),
            *super().get_urls(),
        ]

    def export_view(self, request, object_id):
        campaign = self.get_object(request, unquote(object_id))
        if campaign is None or not request.user.has_perm("invest.view_investmentrequest"):
            raise PermissionDenied
        # The requests this staff user may see (a regional manager: those of their regions).
        requests = self.admin_site._registry[InvestmentRequest].get_queryset(request).filter(campaign=campaign)
        return requests_xlsx_response(requests, f"digit-invest-{campaign.year}")


class RequestLineInline(ReadOnlyInline):
    model = RequestLine
    fields = ["designation", "quantity", "unit_price_ht", "vat_rate", "line_total_ht", "line_total_ttc"]
    readonly_fields = fields

    @admin.display(description="total HT")
    def line_total_ht(self, obj):
        return euros(obj.total_ht)

    @admin.display(description="total TTC")
    def line_total_ttc(self, obj):
        return euros(obj.total_ttc)


class QuoteInline(ReadOnlyInline):
    model = Quote
    fields = ["document", "download", "content_type", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("uploaded_by")

    @admin.display(description="fichier")
    def download(self, obj):
        url = reverse("admin:invest_investmentrequest_quote", args=[obj.request_id, obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.name)


@admin.register(InvestmentRequest)
class InvestmentRequestAdmin(RegionScopedAdminMixin, admin.ModelAdmin):
    list_display = [
        "reference",
        "title",
        "establishment",
        "region",
        "campaign",
        "status",
        "requested",
        "granted",
        "submitted_at",
    ]
    list_display_links = ["reference"]
    list_filter = ["campaign", "establishment__region", "status", "category"]
    search_fields = ["title", "establishment__name", "establishment__uai", "establishment__siret", "created_by__email"]
    list_select_related = ["campaign", "establishment", "category"]
    date_hierarchy = "submitted_at"
    actions = ["start_review_action", "mark_paid_action", "export_action"]
    region_lookups = ("establishment__region",)
    inlines = [RequestLineInline, QuoteInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "decision_link",
                    "campaign",
                    "establishment",
                    "created_by",
                    "status",
                    "title",
                    "description",
                    "category",
                ]
            },
        ),
        (
            "Montants",
            {"fields": ["total_ht", "total_vat", "total_ttc", "co_financing", "co_financing_details", "requested"]},
        ),
        (
            "Décision",
            {"fields": ["submitted_at", "granted_amount", "refusal_reason", "decided_at", "decided_by", "paid_at"]},
        ),
    ]
    readonly_fields = [name for _, options in fieldsets for name in options["fields"]]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="n° de demande", ordering="id")
    def reference(self, obj):
        return obj.reference

    @admin.display(description="région", ordering="establishment__region")
    def region(self, obj):
        return obj.establishment.get_region_display()

    @admin.display(description="montant demandé")
    def requested(self, obj):
        return euros(obj.requested_amount)

    @admin.display(description="montant accordé", ordering="granted_amount")
    def granted(self, obj):
        return euros(obj.granted_amount) or "—"

    @admin.display(description="décision")
    def decision_link(self, obj):
        if obj.status not in (RequestStatus.SUBMITTED, RequestStatus.UNDER_REVIEW):
            return obj.get_status_display()
        url = reverse("admin:invest_investmentrequest_decision", args=[obj.pk])
        return format_html('<a class="button" href="{}">Décider</a>', url)

    # --- decision, review, payment: the same services as everywhere ----------------------------------------

    def get_urls(self):
        return [
            admin_page(self, "<path:object_id>/decision/", self.decision_view, "invest_investmentrequest_decision"),
            admin_page(
                self, "<path:object_id>/devis/<int:quote_pk>/", self.quote_view, "invest_investmentrequest_quote"
            ),
            *super().get_urls(),
        ]

    def quote_view(self, request, object_id, quote_pk):
        investment = self.get_object(request, unquote(object_id))
        if investment is None or not self.has_view_permission(request, investment):
            raise PermissionDenied
        quote = investment.quotes.filter(pk=quote_pk).first()
        if quote is None:
            raise PermissionDenied
        return document_response(quote)

    def decision_view(self, request, object_id):
        investment = self.get_object(request, unquote(object_id))
        if investment is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_change_permission(request, investment):
            raise PermissionDenied
        form = DecisionForm(request.POST or None, initial={"granted_amount": investment.requested_amount})
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                services.decide(
                    investment,
                    accepted=data["decision"] == "accept",
                    staff_user=request.user,
                    granted_amount=data["granted_amount"],
                    reason=data["reason"],
                )
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for field, errors in error.message_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    form.add_error(None, error)
            else:
                self.message_user(
                    request,
                    f"Décision enregistrée pour {investment.reference} ; le CFA est prévenu par e-mail.",
                    messages.SUCCESS,
                )
                return redirect(reverse("admin:invest_investmentrequest_change", args=[investment.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": f"Décision — {investment}",
            "opts": self.opts,
            "original": investment,
            "form": form,
            "requested": euros(investment.requested_amount),
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/invest/investmentrequest/decision.html", context)

    def _apply(self, request, queryset, service, done):
        count = 0
        for investment in queryset:
            try:
                service(investment, request.user)
            except ValidationError as error:
                self.message_user(request, f"{investment.reference} : {' '.join(error.messages)}", messages.WARNING)
            else:
                count += 1
        if count:
            self.message_user(request, f"{counted(count, *done)}.", messages.SUCCESS)

    @admin.action(description="Mettre en instruction", permissions=["change"])
    def start_review_action(self, request, queryset):
        self._apply(
            request,
            queryset.select_related("campaign"),
            services.start_review,
            ("demande mise en instruction", "demandes mises en instruction"),
        )

    @admin.action(description="Marquer les demandes sélectionnées comme payées", permissions=["change"])
    def mark_paid_action(self, request, queryset):
        self._apply(
            request,
            queryset.select_related("campaign"),
            services.mark_paid,
            ("demande marquée payée", "demandes marquées payées"),
        )

    @admin.action(description="Exporter la sélection (XLSX)", permissions=["view"])
    def export_action(self, request, queryset):
        return requests_xlsx_response(queryset, "digit-invest")
