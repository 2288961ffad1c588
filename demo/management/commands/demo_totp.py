import time

from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt
from django.core.management.base import BaseCommand, CommandError

from demo.world import DEMO_TOTP_SECRET, demo_staff_emails


class Command(BaseCommand):
    help = (
        "Prints the current 6-digit code of the authenticator app (TOTP) of a demo staff account "
        "(gestionnaire@demo.constructys.fr, admin@demo.constructys.fr), for logging in to the admin during a demo. "
        "Refuses any other account."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="a demo staff account, e.g. admin@demo.constructys.fr")

    def handle(self, *args, email, **options):
        email = email.strip().lower()
        if email not in demo_staff_emails():
            raise CommandError(
                f"{email} n'est pas un compte de démonstration de l'équipe Constructys "
                f"({', '.join(demo_staff_emails())})."
            )
        authenticator = Authenticator.objects.filter(user__email__iexact=email, type=Authenticator.Type.TOTP).first()
        if authenticator is None:
            raise CommandError(f"{email} n'a pas d'application d'authentification : lancez d'abord seed_demo.")
        if decrypt(authenticator.data["secret"]) != DEMO_TOTP_SECRET:
            raise CommandError(f"{email} utilise sa propre application d'authentification : relancez seed_demo.")
        now = time.time()
        period = mfa_settings.TOTP_PERIOD
        code = format_hotp_value(hotp_value(DEMO_TOTP_SECRET, int(now) // period))
        remaining = period - int(now) % period
        # Not on stderr (shown in red, as an error, by Django): the explanation, then the code alone on the last line,
        # so that it can be copied, or read with `| tail -n 1`.
        self.stdout.write(f"Code valable encore {remaining} s pour {email} (clé {DEMO_TOTP_SECRET}) :")
        self.stdout.write(code)
