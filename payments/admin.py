from django.contrib import admin

from payments.models import Payment, PaymentLine


class PaymentLineInline(admin.TabularInline):
    model = PaymentLine
    extra = 0
    raw_id_fields = ["dossier"]


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = ["reference", "paid_on", "beneficiary", "mode", "total_amount"]
    list_filter = ["mode"]
    search_fields = ["reference", "beneficiary__siret", "beneficiary__name"]
    list_select_related = ["beneficiary"]
    autocomplete_fields = ["beneficiary"]
    raw_id_fields = ["remittance_advice"]
    date_hierarchy = "paid_on"
    inlines = [PaymentLineInline]
