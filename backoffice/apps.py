from django.apps import AppConfig
from django.db.models.signals import post_migrate


class BackofficeConfig(AppConfig):
    name = "backoffice"
    verbose_name = "Back office"

    def ready(self):
        from backoffice.roles import ensure_roles_after_migrate

        # Every migrate (and a test database's creation) leaves the staff roles with their permissions.
        post_migrate.connect(ensure_roles_after_migrate, sender=self, dispatch_uid="backoffice_roles")
