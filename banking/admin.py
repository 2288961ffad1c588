from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.html import format_html

from backoffice.access import (
    DOWNLOAD_RIB,
    MaskedIbanAdminMixin,
    RegionScopedAdminMixin,
    masked_iban,
    masked_iban_display,
)
from banking import services
from banking.models import BankDetailsChange, BankDetailsRequest, RequestStatus
from common.admin_helpers import ReadOnlyAdminMixin, admin_page
from dossiers.downloads import document_response


@admin.register(BankDetailsRequest)
class BankDetailsRequestAdmin(RegionScopedAdminMixin, MaskedIbanAdminMixin, admin.ModelAdmin):
    list_display = ["establishment", "iban", "bic", "status", "requested_by", "requested_at", "rib_link"]
    list_filter = ["status"]
    list_select_related = ["establishment", "requested_by"]
    search_fields = ["establishment__name", "establishment__siret", "iban"]
    readonly_fields = [
        "establishment",
        "current_bank_details",
        "iban",
        "bic",
        "rib_link",
        "status",
        "requested_by",
        "requested_at",
        "decided_by",
        "decided_at",
    ]
    exclude = ["rib"]
    actions = ["validate_requests", "reject_requests"]
    region_lookups = ("establishment__region",)
    iban_fields = ("iban", "current_bank_details")
    iban_masked = masked_iban_display("iban", "nouvel IBAN")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

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
        for bank_request in queryset.filter(status=RequestStatus.PENDING):
            try:
                decide(bank_request, request.user)
            except ValidationError as error:
                self.message_user(request, f"{bank_request} : {' '.join(error.messages)}", messages.ERROR)
            else:
                done += 1
        self.message_user(request, done_message.format(count=done), messages.SUCCESS)

    @admin.action(description="Valider les demandes sélectionnées (remplace l'IBAN et le BIC)")
    def validate_requests(self, request, queryset):
        self._decide(request, queryset, services.validate_request, "{count} demande(s) validée(s).")

    @admin.action(description="Refuser les demandes sélectionnées")
    def reject_requests(self, request, queryset):
        def reject(bank_request, user):
            # The reason typed on the request's page (if any) goes into the email to the référent.
            return services.reject_request(bank_request, user, bank_request.rejection_reason)

        self._decide(request, queryset, reject, "{count} demande(s) refusée(s).")


@admin.register(BankDetailsChange)
class BankDetailsChangeAdmin(RegionScopedAdminMixin, MaskedIbanAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["establishment", "old_iban", "new_iban", "new_bic", "changed_by", "changed_at"]
    region_lookups = ("establishment__region",)
    iban_fields = ("old_iban", "new_iban")
    old_iban_masked = masked_iban_display("old_iban", "ancien IBAN")
    new_iban_masked = masked_iban_display("new_iban", "nouvel IBAN")
    list_select_related = ["establishment", "changed_by"]
    search_fields = ["establishment__name", "establishment__siret"]
