from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html

from accounts.staff_access import (
    DOWNLOAD_RIB,
    MaskedIbanAdminMixin,
    RegionScopedAdminMixin,
    masked_iban_display,
)
from banking import services
from banking.forms import StaffBankDetailsRequestForm
from banking.models import BankDetailsChange, BankDetailsRequest, RequestSource, RequestStatus
from common.admin_helpers import ReadOnlyAdminMixin, admin_page
from common.downloads import document_response
from common.formats import counted, masked_iban


@admin.register(BankDetailsRequest)
class BankDetailsRequestAdmin(RegionScopedAdminMixin, MaskedIbanAdminMixin, admin.ModelAdmin):
    list_display = ["establishment", "iban", "bic", "status", "source", "requested_by", "requested_at", "rib_link"]
    list_filter = ["status", "source"]
    list_select_related = ["establishment", "requested_by"]
    search_fields = ["establishment__name", "establishment__siret", "iban"]
    readonly_fields = [
        "establishment",
        "current_bank_details",
        "iban",
        "bic",
        "rib_link",
        "status",
        "source",
        "requested_by",
        "requester_name",
        "requested_at",
        "decided_by",
        "decided_at",
    ]
    exclude = ["rib"]
    actions = ["validate_requests", "reject_requests"]
    region_lookups = ("establishment__region",)
    iban_fields = ("iban", "current_bank_details")
    iban_masked = masked_iban_display("iban", "nouvel IBAN")

    def has_delete_permission(self, request, obj=None):
        return False

    def add_view(self, request, form_url="", extra_context=None):
        """Staff enter a request on the owner's behalf, with the signed RIB they received: the same service as the
        portals (checked upload, emails to the establishment), validated later by another accounting member."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        widget = AutocompleteSelect(BankDetailsRequest._meta.get_field("establishment"), self.admin_site)
        form = StaffBankDetailsRequestForm(request.POST or None, request.FILES or None, establishment_widget=widget)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                bank_request = services.submit_request(
                    data["establishment"],
                    request.user,
                    iban=data["iban"],
                    bic=data["bic"],
                    rib=data["rib"],
                    source=RequestSource.ADMIN,
                    requester_name=data["requester_name"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.message_user(
                    request,
                    f"Demande enregistrée pour {bank_request.establishment} : un autre membre du service Comptabilité "
                    "doit la valider.",
                    messages.SUCCESS,
                )
                return redirect(reverse("admin:banking_bankdetailsrequest_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "title": "Saisir une demande de coordonnées bancaires",
            "opts": self.opts,
            "form": form,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/banking/bankdetailsrequest/enter_request.html", context)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        # The reason of a refusal is typed while the request waits, then kept as it was sent.
        if obj is not None and obj.status != RequestStatus.PENDING:
            readonly.append("rejection_reason")
        return self._without_rib(request, readonly)

    def get_list_display(self, request):
        return self._without_rib(request, super().get_list_display(request))

    @staticmethod
    def _without_rib(request, names):
        return names if request.user.has_perm(DOWNLOAD_RIB) else [name for name in names if name != "rib_link"]

    @admin.display(description="Coordonnées actuelles")
    def current_bank_details(self, obj):
        return f"{obj.establishment.formatted_iban or 'aucun IBAN'} — {obj.establishment.bic or 'aucun BIC'}"

    @admin.display(description="Coordonnées actuelles")
    def current_bank_details_masked(self, obj):
        return f"{masked_iban(obj.establishment.iban)} — {obj.establishment.bic or 'aucun BIC'}"

    @admin.display(description="RIB")
    def rib_link(self, obj):
        url = reverse("admin:banking_bankdetailsrequest_rib", args=[obj.pk])
        return format_html('<a href="{}">Télécharger le RIB</a>', url)

    def get_urls(self):
        urls = [
            admin_page(self, "<int:pk>/rib/", self.rib_view, "banking_bankdetailsrequest_rib"),
        ]
        return urls + super().get_urls()

    def rib_view(self, request, pk):
        if not (self.has_view_permission(request) and request.user.has_perm(DOWNLOAD_RIB)):
            raise PermissionDenied
        bank_request = get_object_or_404(self.get_queryset(request).select_related("rib"), pk=pk)
        return document_response(bank_request.rib)

    def _decide(self, request, queryset, decide, done_message):
        done = 0
        # A refused validation is an error message on the list, never a 500 (services.validation_refusal).
        for bank_request in queryset.filter(status=RequestStatus.PENDING):
            try:
                decide(bank_request, request.user)
            except ValidationError as error:
                self.message_user(request, f"{bank_request} : {' '.join(error.messages)}", messages.ERROR)
            else:
                done += 1
        self.message_user(request, f"{counted(done, *done_message)}.", messages.SUCCESS)

    @admin.action(description="Valider les demandes sélectionnées (remplace l'IBAN et le BIC)")
    def validate_requests(self, request, queryset):
        self._decide(request, queryset, services.validate_request, ("demande validée", "demandes validées"))

    @admin.action(description="Refuser les demandes sélectionnées")
    def reject_requests(self, request, queryset):
        def reject(bank_request, user):
            # The reason typed on the request's page (if any) goes into the email to the référent.
            return services.reject_request(bank_request, user, bank_request.rejection_reason)

        self._decide(request, queryset, reject, ("demande refusée", "demandes refusées"))


@admin.register(BankDetailsChange)
class BankDetailsChangeAdmin(RegionScopedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """The history of bank details: who asked, who validated, old and new values (IBANs masked)."""

    list_display = [
        "establishment",
        "old_iban_masked",
        "new_iban_masked",
        "old_bic",
        "new_bic",
        "requested_by",
        "changed_by",
        "changed_at",
    ]
    fields = list_display
    readonly_fields = list_display
    list_select_related = ["establishment", "changed_by", "request__requested_by"]
    region_lookups = ("establishment__region",)
    search_fields = ["establishment__name", "establishment__siret"]

    @admin.display(description="ancien IBAN")
    def old_iban_masked(self, obj):
        return masked_iban(obj.old_iban)

    @admin.display(description="nouvel IBAN")
    def new_iban_masked(self, obj):
        return masked_iban(obj.new_iban)

    @admin.display(description="demandée par")
    def requested_by(self, obj):
        return services.author_label(obj.request)
