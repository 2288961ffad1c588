from django.core.management.base import BaseCommand

from backoffice.roles import ensure_roles


class Command(BaseCommand):
    help = "Crée ou met à jour les rôles du back office (groupes et permissions)."

    def handle(self, *args, **options):
        for name, group in ensure_roles().items():
            self.stdout.write(f"{name} : {group.permissions.count()} permission(s)")
