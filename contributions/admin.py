from django.contrib import admin

from accounts.staff_access import RegionScopedAdminMixin
from common.admin_helpers import KeptRecordAdminMixin, ReadOnlyAdminMixin
from contributions.models import ContributionLine, ContributionPayment, ContributionRate, ContributionReturn


@admin.register(ContributionRate)
class ContributionRateAdmin(admin.ModelAdmin):
    list_display = ["year", "label", "base", "rate", "min_headcount", "max_headcount", "position"]
    list_filter = ["year", "base"]
    list_editable = ["rate", "position"]
    ordering = ["-year", "position", "id"]


class ContributionLineInline(admin.TabularInline):
    model = ContributionLine
    extra = 0
    can_delete = False
    readonly_fields = ["label", "base_label", "base_amount", "rate", "amount"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ContributionReturn)
class ContributionReturnAdmin(RegionScopedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """A company's declaration: consulted, never added, edited or deleted here."""

    region_lookups = ("establishment__region",)
    list_display = ["establishment", "year", "headcount", "payroll", "total_amount", "submitted_at"]
    list_filter = ["year"]
    list_select_related = ["establishment"]
    search_fields = ["establishment__name", "establishment__siret", "establishment__organisation__member_number"]
    readonly_fields = [
        "establishment",
        "year",
        "headcount",
        "payroll",
        "fixed_term_payroll",
        "total_amount",
        "submitted_by",
        "submitted_at",
    ]
    inlines = [ContributionLineInline]


@admin.register(ContributionPayment)
class ContributionPaymentAdmin(RegionScopedAdminMixin, KeptRecordAdminMixin, admin.ModelAdmin):
    """A payment received from a company: corrected, never deleted."""

    region_lookups = ("establishment__region",)
    list_display = ["reference", "paid_on", "establishment", "year", "amount", "mode"]
    list_filter = ["year", "mode"]
    list_select_related = ["establishment"]
    search_fields = ["reference", "establishment__name", "establishment__siret"]
    autocomplete_fields = ["establishment"]
    date_hierarchy = "paid_on"
