import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from digests import services


class Command(BaseCommand):
    help = (
        "Send the email digests of a period (by default the latest scheduled slot) in this process; beat runs the "
        "same through Celery. Safe to run again: nobody gets a period's digest twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("--period", help="ISO date-time of the scheduled slot to (re)run")
        parser.add_argument(
            "--first-window-days",
            type=int,
            metavar="N",
            help="a user's first digest covers the last N days instead of the time since the previous slot",
        )

    def handle(self, *args, period=None, first_window_days=None, **options):
        try:
            moment = datetime.datetime.fromisoformat(period) if period else timezone.now()
        except ValueError as error:
            raise CommandError(f"--period : date invalide ({error})") from error
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        slot = services.period_at(moment)
        first_since = slot - datetime.timedelta(days=first_window_days) if first_window_days else None
        result = services.send_period(slot, first_since)
        self.stdout.write(f"Période du {slot.isoformat()} : {result.sent} récapitulatif(s) envoyé(s).")
