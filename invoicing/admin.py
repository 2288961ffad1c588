"""The NPEC referential and the payment rules in the back office: dated rows that accounting and administrators
edit (the loader fills the NPEC from France compétences' file; a later load overwrites a manual correction)."""

from django.contrib import admin

from invoicing.models import RULE_HELP, NpecAmount, PaymentRule


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
