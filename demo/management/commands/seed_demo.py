import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.models import Establishment, Membership, Organisation, Person, User
from demo import data
from demo.world import DemoWorld
from dossiers.models import Document, Dossier, Enrolment
from messaging.models import Message, MessageRead
from payments.models import Payment, PaymentLine

COUNTED = [
    ("Organisations", Organisation),
    ("Établissements", Establishment),
    ("Utilisateurs", User),
    ("Rattachements", Membership),
    ("Personnes", Person),
    ("Dossiers", Dossier),
    ("Inscriptions", Enrolment),
    ("Messages", Message),
    ("Lectures de messages", MessageRead),
    ("Documents", Document),
    ("Règlements", Payment),
    ("Lignes de règlement", PaymentLine),
]


class Command(BaseCommand):
    help = (
        "Builds the demo world (3 member companies, 3 training providers, a login per role, dossiers in every "
        "state, messages, payments and real PDF documents). Idempotent: run it as often as you like. "
        "With --scale N, also generates N benchmark dossiers (and 5*N messages...) with PostgreSQL COPY; "
        "benchmark data is generated once: a second --scale run adds nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=int,
            metavar="N",
            help="also generate N benchmark dossiers, N enrolments, 5*N messages and proportional registries",
        )
        parser.add_argument("--seed", type=int, default=2026, help="random seed of the benchmark data")

    def handle(self, *args, scale=None, seed=2026, **options):
        if scale is not None and scale < 1:
            raise CommandError("--scale must be a positive number of dossiers.")
        started = time.monotonic()
        world = DemoWorld(log=self.stdout.write).build()
        from demo.invest import seed_invest

        seed_invest(world)
        from demo.invoicing import seed_invoicing

        seed_invoicing(world)
        self.stdout.write(
            f"Monde de démonstration prêt en {time.monotonic() - started:.1f} s "
            f"({world.rendered} PDF généré(s) pendant cette exécution)."
        )
        if scale:
            from demo.scale import generate

            generate(scale, seed=seed, log=self.stdout.write)
        self.summary(world)

    def summary(self, world):
        out = self.stdout.write
        out("")
        out(self.style.MIGRATE_HEADING("Volumes"))
        for label, model in COUNTED:
            out(f"  {label:<24} {model._base_manager.count():>12,}".replace(",", "\u202f"))
        entreprise = world.users["entreprise"]
        unread = Message.objects.for_company_user(entreprise).unread_by(entreprise).count()
        out(f"  Messages non lus de {entreprise.email} : {unread}")

        out("")
        out(self.style.MIGRATE_HEADING(f"Comptes de démonstration (mot de passe commun : {data.PASSWORD})"))
        rows = [("Portail", "Rôle", "E-mail", "Mot de passe")]
        rows += [(u.portal, u.role_label, u.email, data.PASSWORD) for u in data.USERS if u.listed]
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        for index, row in enumerate(rows):
            out("  " + "  ".join(value.ljust(widths[i]) for i, value in enumerate(row)).rstrip())
            if index == 0:
                out("  " + "  ".join("-" * w for w in widths))
        others = ", ".join(u.email for u in data.USERS if not u.listed)
        out(f"  Autres comptes, même mot de passe : {others}")

        out("")
        out(self.style.MIGRATE_HEADING("Adresses"))
        base = settings.SITE_URL
        for label, path in [
            ("eGestion (entreprises)", "/egestion/"),
            ("oGestion (organismes de formation)", "/ogestion/"),
            ("Administration (back office)", "/admin/"),
            ("Digit Invest (CFA, comptes oGestion)", "/digit-invest/"),
        ]:
            out(f"  {label:<36} {base}{path}")
