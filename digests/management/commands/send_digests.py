import datetime

from django.core.management.base import BaseCommand

from digests import services


class Command(BaseCommand):
    help = "Send the email digests of a period (by default the latest scheduled slot), in this process."

    def add_arguments(self, parser):
        parser.add_argument("--period", help="ISO date-time of the scheduled slot to (re)run")

    def handle(self, *args, period=None, **options):
        slot = datetime.datetime.fromisoformat(period) if period else services.current_period()
        result = services.send_period(slot)
        self.stdout.write(f"Période du {slot.isoformat()} : {result.sent} récapitulatif(s) envoyé(s).")
