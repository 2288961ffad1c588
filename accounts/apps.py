from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Comptes et registres"

    def ready(self):
        from accounts import login_limits, receivers  # noqa: F401

        login_limits.install()
