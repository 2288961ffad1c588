from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "common"
    verbose_name = "Commun"

    def ready(self):
        from common import admin_display

        admin_display.install()  # French amounts, phones and sizes in every admin list and page
