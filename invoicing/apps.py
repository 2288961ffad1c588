from django.apps import AppConfig


class InvoicingConfig(AppConfig):
    name = "invoicing"
    verbose_name = "Facturation"

    def ready(self):
        from invoicing import plans

        plans.connect_signals()  # the kept schedules follow the contract terms (invoicing.plans)
