from django.apps import AppConfig


class DigestsConfig(AppConfig):
    name = "digests"
    verbose_name = "Notifications par e-mail"

    def ready(self):
        from digests import receivers  # noqa: F401  (connects the "email right away" hook)
