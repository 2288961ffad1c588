from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Comptes et registres"

    def ready(self):
        from accounts import receivers  # noqa: F401
