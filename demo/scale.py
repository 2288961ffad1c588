"""Benchmark volumes: `seed_demo --scale N` adds N dossiers (N enrolments, 5*N messages...) with PostgreSQL COPY.

The data sits beside the demo world and never touches it: its own number ranges (SIRENs 8xxxxxxxx, member
numbers from 300000, dossier numbers 77xxxxxxxx.01, payment references VIRBxxxxxxx, e-mails @bench.constructys.fr).
It is generated once: when benchmark organisations already exist, nothing is added (flush the database to
regenerate at another scale).

Speed comes from COPY (no ORM objects, no per-row queries), ids reserved up front from each table's sequence
so that foreign keys are known while writing, values drawn from small precomputed lists with a seeded
`random.Random`, and one transaction per table. Timestamps are written explicitly: auto_now_add does not apply.
Activity is skewed the way real activity is: a few big employers and training centres carry a large share of the
dossiers, which gives the list pages a realistic worst case.
"""

import datetime
import random
import time
from decimal import Decimal
from importlib import import_module

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection, models, transaction
from django.db.models import NOT_PROVIDED
from django.utils import timezone

from accounts.models import Establishment, Membership, Organisation, OrganisationKind, Person, Region, Role, User
from contributions.models import TrainingFunded
from demo import data, identifiers
from demo.world import CASE_MANAGER_GROUP
from dossiers.models import Dossier, DossierSchemeTotal, DossierStatus, DossierTotal, Enrolment, Scheme
from invoicing.models import ContractTerms, Invoice, InvoiceStatus, MoneyVersion
from messaging.models import Message, MessageRead, SeenCount, SeenTotal, SenderSide, ThreadCount, ThreadTotal
from messaging.services import refresh_unread_company_messages
from payments.models import Payment, PaymentLine, PaymentMode

SIREN_PREFIX = "8"
DOSSIER_PREFIX = "77"
EMAIL_DOMAIN = "bench.constructys.fr"
MEMBER_NUMBER_START = 300000
MAX_SCALE = 10_000_000  # keeps every number range within its width
MESSAGES_PER_DOSSIER = 5
CASE_MANAGERS = 20
TERMS_FIELDS = [
    "id", "dossier", "concluded_on", "starts_on", "ends_on", "certification_code", "idcc", "level", "annual_npec",
    "is_new_cfa", "is_distance", "new_contract_after_early_rupture", "reduced_duration_convention",
    "rupture_within_45_days",
]  # fmt: skip
INVOICE_FIELDS = [
    "id", "dossier", "organisation", "number", "invoice_date", "period_start", "period_end", "amount", "instalment",
    "status", "received_at", "expected_payment_on", "rejection_reason", "name", "file", "content_type", "size",
    "checksum", "uploaded_at",
]  # fmt: skip

CITIES = [
    ("75011", "PARIS", Region.IDF), ("92100", "BOULOGNE-BILLANCOURT", Region.IDF), ("93200", "SAINT-DENIS", Region.IDF),
    ("94000", "CRETEIL", Region.IDF), ("69007", "LYON", Region.ARA), ("38000", "GRENOBLE", Region.ARA),
    ("63000", "CLERMONT-FERRAND", Region.ARA), ("74000", "ANNECY", Region.ARA), ("42000", "SAINT-ETIENNE", Region.ARA),
    ("13008", "MARSEILLE", Region.PAC), ("06000", "NICE", Region.PAC), ("83000", "TOULON", Region.PAC),
    ("31200", "TOULOUSE", Region.OCC), ("34000", "MONTPELLIER", Region.OCC), ("30000", "NIMES", Region.OCC),
    ("66000", "PERPIGNAN", Region.OCC), ("33000", "BORDEAUX", Region.NAQ), ("64000", "PAU", Region.NAQ),
    ("87000", "LIMOGES", Region.NAQ), ("86000", "POITIERS", Region.NAQ), ("44000", "NANTES", Region.PDL),
    ("49000", "ANGERS", Region.PDL), ("72000", "LE MANS", Region.PDL), ("35000", "RENNES", Region.BRE),
    ("29200", "BREST", Region.BRE), ("56100", "LORIENT", Region.BRE), ("59000", "LILLE", Region.HDF),
    ("80000", "AMIENS", Region.HDF), ("62000", "ARRAS", Region.HDF), ("67000", "STRASBOURG", Region.GES),
    ("57000", "METZ", Region.GES), ("51100", "REIMS", Region.GES), ("54000", "NANCY", Region.GES),
    ("76000", "ROUEN", Region.NOR), ("14000", "CAEN", Region.NOR), ("45000", "ORLEANS", Region.CVL),
    ("37000", "TOURS", Region.CVL), ("21000", "DIJON", Region.BFC), ("25000", "BESANCON", Region.BFC),
    ("20000", "AJACCIO", Region.COR), ("97400", "SAINT-DENIS", Region.DOM),
]  # fmt: skip
LAST_NAMES = [
    "MARTIN", "BERNARD", "THOMAS", "PETIT", "ROBERT", "RICHARD", "DURAND", "DUBOIS", "MOREAU", "LAURENT", "SIMON",
    "MICHEL", "LEFEBVRE", "LEROY", "ROUX", "DAVID", "BERTRAND", "MOREL", "FOURNIER", "GIRARD", "BONNET", "DUPONT",
    "LAMBERT", "FONTAINE", "ROUSSEAU", "VINCENT", "MULLER", "LEFEVRE", "FAURE", "ANDRE", "MERCIER", "BLANC", "GUERIN",
    "BOYER", "GARNIER", "CHEVALIER", "FRANCOIS", "LEGRAND", "GAUTHIER", "GARCIA", "PERRIN", "ROBIN", "CLEMENT", "MORIN",
    "NICOLAS", "HENRY", "ROUSSEL", "MATHIEU", "GAUTIER", "MASSON", "MARCHAND", "DUVAL", "DENIS", "DUMONT", "MARIE",
    "LEMAIRE", "NOEL", "MEYER", "DUFOUR", "MEUNIER", "BRUN", "BLANCHARD", "GIRAUD", "JOLY", "RIVIERE", "LUCAS",
    "BRUNET", "GAILLARD", "BARBIER", "ARNAUD", "MARTINEZ", "GERARD", "ROCHE", "RENARD", "SCHMITT", "ROY", "LEROUX",
    "COLIN", "VIDAL", "CARON", "PICARD", "ROGER", "FABRE", "AUBERT", "LEMOINE", "RENAUD", "DUMAS", "LACROIX", "OLIVIER",
    "PHILIPPE", "BOURGEOIS", "PIERRE", "BENOIT", "REY", "LECLERC", "PAYET", "ROLLAND", "LECLERCQ", "GUILLAUME",
    "LECOMTE", "LOPEZ", "JEAN",
]  # fmt: skip
MALE_FIRST_NAMES = [
    "Jean", "Pierre", "Michel", "Philippe", "Alain", "Nicolas", "Christophe", "Patrick", "Julien", "Thomas",
    "Sébastien", "Laurent", "Olivier", "Frédéric", "Éric", "David", "Stéphane", "Kévin", "Maxime", "Alexandre", "Lucas",
    "Hugo", "Théo", "Enzo", "Mathis", "Nathan", "Louis", "Antoine", "Yanis", "Mehdi", "Karim", "Rémi", "Florian",
    "Anthony", "Romain", "Dylan", "Bruno", "Pascal", "Gérard",
]  # fmt: skip
FEMALE_FIRST_NAMES = [
    "Marie", "Nathalie", "Isabelle", "Sylvie", "Catherine", "Sophie", "Céline", "Julie", "Camille", "Laura", "Émilie",
    "Sarah", "Léa", "Manon", "Chloé", "Inès", "Pauline", "Claire", "Aurélie", "Nadia", "Sandrine", "Virginie", "Hélène",
    "Lucie", "Emma", "Jade",
]  # fmt: skip
COMPANY_WORDS = [
    "MACONNERIE", "BATIMENT", "CONSTRUCTION", "ELECTRICITE", "PLOMBERIE", "COUVERTURE", "CHARPENTE", "MENUISERIE",
    "PEINTURE", "CARRELAGE", "TRAVAUX PUBLICS", "RENOVATION", "ISOLATION", "GENIE CLIMATIQUE", "TERRASSEMENT",
]  # fmt: skip
COMPANY_FORMS = ["SARL", "SAS", "EURL", "SA", "ENTREPRISE", "ETS"]
PROVIDER_NAMES = [
    "CFA DU BATIMENT", "INSTITUT DE FORMATION BTP", "CENTRE DE FORMATION CONSTRUCTION", "ACADEMIE DES METIERS",
    "FORMATION SECURITE CHANTIER", "CAMPUS DES METIERS", "ECOLE DES TRAVAUX PUBLICS", "GRETA BATIMENT",
]  # fmt: skip
STREETS = [
    "RUE DE LA REPUBLIQUE", "AVENUE JEAN JAURES", "RUE VICTOR HUGO", "BOULEVARD GAMBETTA", "RUE PASTEUR",
    "ZA DES CHAMPS", "ZI LES GRAVIERES", "RUE DU GENERAL DE GAULLE", "CHEMIN DES VIGNES", "ROUTE NATIONALE",
    "RUE DES ARTISANS", "PARC D'ACTIVITES DU LAC",
]  # fmt: skip
JOBS = [
    "Maçon", "Électricien", "Plombier chauffagiste", "Couvreur", "Charpentier", "Menuisier", "Peintre", "Carreleur",
    "Chef de chantier", "Chef d'équipe", "Conducteur de travaux", "Conducteur d'engins", "Apprenti maçon",
    "Apprenti électricien", "Technicien d'études", "Assistant administratif",
]  # fmt: skip
TRAININGS = {
    Scheme.PLAN: [
        "FORMATION INITIALE AMIANTE SS4 OPERATEUR DE CHANTIER",
        "TRAVAUX EN HAUTEUR - PORT DU HARNAIS",
        "CACES R482 ENGINS DE CHANTIER CATEGORIE A",
        "SAUVETEUR SECOURISTE DU TRAVAIL (SST)",
        "HABILITATION ELECTRIQUE B1V BR BC",
        "AIPR OPERATEUR",
        "ECHAFAUDAGES FIXES - MONTAGE ET RECEPTION",
        "LECTURE DE PLANS",
        "MANAGEMENT D'EQUIPE DE CHANTIER",
        "PREVENTION DES RISQUES ROUTIERS",
    ],
    Scheme.ALTE: [
        "MACON (CAP)",
        data.PLATRE_CAP,
        data.ELEC_CAP,
        "COUVREUR (CAP)",
        "CHARPENTIER BOIS (CAP)",
        "MONTEUR EN INSTALLATIONS THERMIQUES (CAP)",
        "MENUISIER FABRICANT (CAP)",
        "PEINTRE APPLICATEUR DE REVETEMENTS (CAP)",
        "BP MACON",
        "BAC PRO TECHNICIEN DU BATIMENT ORGANISATION ET REALISATION DU GROS OEUVRE",
    ],
    Scheme.CPRO: [
        "TITRE PROFESSIONNEL CHEF D'EQUIPE GROS OEUVRE",
        "TITRE PROFESSIONNEL MACON DU BATI ANCIEN",
        "TITRE PROFESSIONNEL ELECTRICIEN D'EQUIPEMENT DU BATIMENT",
        "TITRE PROFESSIONNEL PLAQUISTE",
    ],
    Scheme.PROA: [
        "TITRE PROFESSIONNEL TECHNICIEN D'ETUDES DU BATIMENT",
        "BTS BATIMENT",
        "BAC PRO METIERS DE L'ELECTRICITE ET DE SES ENVIRONNEMENTS CONNECTES",
    ],
    Scheme.FNE: [
        "TRANSITION ENERGETIQUE - RENOVATION PERFORMANTE",
        "TRANSITION NUMERIQUE - BIM POUR LES ENTREPRISES DU BATIMENT",
    ],
    Scheme.TUTO: ["FORMATION DE MAITRE D'APPRENTISSAGE", "FORMATION TUTEUR EN ENTREPRISE"],
}
DURATION_DAYS = {
    Scheme.PLAN: (0, 4),
    Scheme.ALTE: (300, 1095),
    Scheme.CPRO: (180, 700),
    Scheme.PROA: (180, 540),
    Scheme.FNE: (1, 10),
    Scheme.TUTO: (0, 2),
}
SCHEME_WEIGHTS = [
    (Scheme.PLAN, 50),
    (Scheme.ALTE, 25),
    (Scheme.CPRO, 10),
    (Scheme.PROA, 5),
    (Scheme.FNE, 5),
    (Scheme.TUTO, 5),
]
COMPANY_TITLES = [
    "Demande transmise", "Pièces justificatives", "Question sur la facturation", "Changement de dates",
    "Attestation de fin de formation", "Relance", "Modification du stagiaire",
]  # fmt: skip
CONSTRUCTYS_TITLES = [
    "Accusé de réception de votre demande", "Pièces manquantes", "Accord de prise en charge", "Réponse : facturation",
    "Dossier soldé", "Demande de précisions", "Message envoyé par le gestionnaire",
]  # fmt: skip
BODIES = [
    "Bonjour, vous trouverez ci-joint les pièces demandées. Cordialement.",
    "Bonjour, merci de nous transmettre le devis signé et le programme de la formation. Cordialement.",
    "Bonjour, votre demande est acceptée ; l'accord de prise en charge est disponible dans les documents émis.",
    "Bonjour, les dates de la session ont été décalées d'une semaine par l'organisme. Pouvez-vous en tenir compte ?",
    "Bonjour, l'organisme de formation peut facturer directement Constructys. Bonne journée.",
    "Bonjour, l'ensemble des factures a été réglé, le dossier est soldé. Cordialement.",
    "Bonjour, nous n'avons pas reçu l'attestation d'assiduité du mois dernier. Merci de la déposer.",
    "Bonjour, le stagiaire initialement prévu est remplacé par un collègue. Merci.",
]


def _copy(model, fields, rows) -> int:
    """COPY `rows` (tuples in the order of `fields`) into the model's table; returns the number of rows."""
    meta = model._meta
    columns = [meta.get_field(name).column for name in fields]
    missing = [
        f.name for f in meta.concrete_fields if not f.null and f.db_default is NOT_PROVIDED and f.name not in fields
    ]
    if missing:
        raise ValueError(f"{meta.db_table}: COPY would leave NOT NULL columns empty: {missing}")
    sql = f"COPY {meta.db_table} ({', '.join(columns)}) FROM STDIN"
    count = 0
    with connection.cursor() as cursor:
        # Rows whose foreign keys are known right (ids reserved up front) need no check row by row: as pg_restore
        # does, the triggers (foreign keys, unread counters) are off during the COPY only, and the counters of the
        # new messages are computed afterwards in one statement (ScaleGenerator.message_counters).
        skip_triggers = _can_skip_triggers(cursor)
        if skip_triggers:
            cursor.execute("SET session_replication_role = replica")
        with cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
        if skip_triggers:  # (on an error, the phase's rollback undoes the SET too)
            cursor.execute("SET session_replication_role = DEFAULT")
    return count


def _can_skip_triggers(cursor) -> bool:
    """session_replication_role is for superusers (the local PostgreSQL of `make services`); others keep the
    triggers, slower but the same data."""
    cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    return bool(cursor.fetchone()[0])


# The lists' counters of the benchmark dossiers when COPY ran without the triggers that keep them: the backfill of
# dossiers/migrations/0017_dossier_totals.py and 0019_scheme_totals.py for the dossiers of ids %(first)s to %(last)s,
# added to the totals.
DOSSIER_TOTALS_SQL = import_module("dossiers.migrations.0017_dossier_totals").SCALE_BACKFILL
SCHEME_TOTALS_SQL = import_module("dossiers.migrations.0019_scheme_totals").SCALE_BACKFILL

# Each benchmark invoice's payment when COPY ran without the triggers: the backfill of
# invoicing/migrations/0006_invoice_settlement.py for the invoices of ids %(first)s to %(last)s only.
INVOICE_SETTLEMENTS_SQL = """
UPDATE invoicing_invoice i SET (paid_reference, paid_on) = (
    SELECT p.reference, p.paid_on
    FROM payments_paymentline l JOIN payments_payment p ON p.id = l.payment_id
    WHERE l.dossier_id = i.dossier_id AND upper(l.invoice_number) = upper(i.number)
    ORDER BY p.paid_on, l.id LIMIT 1
)
WHERE i.id >= %(first)s AND i.id < %(last)s
"""

# A new version of the money figures of the benchmark dossiers' provider establishments when COPY wrote their
# dossiers and invoices without the triggers that set one (invoicing/migrations/0007_money_versions.py).
MONEY_VERSIONS_SQL = """
SELECT invoicing_touch_money(ARRAY(
    SELECT DISTINCT provider_establishment_id FROM dossiers_dossier WHERE id BETWEEN %(first)s AND %(last)s
))
"""

# The unread counters of the benchmark dossiers' messages and reads when COPY ran without the triggers: the
# backfill of messaging/migrations/0002_unread_counters.py, for the dossiers of ids %(first)s to %(last)s only. Two
# statements, run one by one: parameters are bound on the server (settings.DATABASE_PREPARE_THRESHOLD), which takes
# one statement per call. The triggers are on again by then: ThreadTotal and SeenTotal follow these rows
# (messaging/migrations/0003_scope_totals.py).
MESSAGE_COUNTERS_SQL = (
    """
INSERT INTO messaging_threadcount (dossier_id, establishment_id, finished_on, messages, last_message_at)
    SELECT d.id, d.employer_establishment_id, messaging_finished_on(d.status, d.end_date), m.n, m.latest
    FROM (SELECT dossier_id, count(*) AS n, max(created_at) AS latest FROM messaging_message
          WHERE dossier_id BETWEEN %(first)s AND %(last)s GROUP BY dossier_id) m
    JOIN dossiers_dossier d ON d.id = m.dossier_id
""",
    """
INSERT INTO messaging_seencount (user_id, dossier_id, establishment_id, finished_on, seen)
    SELECT s.user_id, d.id, d.employer_establishment_id, messaging_finished_on(d.status, d.end_date), s.n
    FROM (
        SELECT user_id, dossier_id, count(*) AS n FROM (
            SELECT author_id AS user_id, dossier_id FROM messaging_message
            WHERE author_id IS NOT NULL AND dossier_id BETWEEN %(first)s AND %(last)s
            UNION ALL
            SELECT r.user_id, m.dossier_id FROM messaging_messageread r JOIN messaging_message m ON m.id = r.message_id
            WHERE m.author_id IS DISTINCT FROM r.user_id AND m.dossier_id BETWEEN %(first)s AND %(last)s
        ) seen GROUP BY user_id, dossier_id
    ) s
    JOIN dossiers_dossier d ON d.id = s.dossier_id
""",
)

# The training funded per employer establishment and year of the benchmark payment lines when COPY ran without the
# triggers: the backfill of contributions/migrations/0002_training_funded_totals.py for the lines of ids
# %(first)s to %(last)s only, added to the totals of the lines already there.
TRAINING_FUNDED_SQL = """
INSERT INTO contributions_trainingfunded (establishment_id, year, lines, amount)
    SELECT d.employer_establishment_id, EXTRACT(YEAR FROM p.paid_on)::integer, count(*), sum(l.amount)
    FROM payments_paymentline l
    JOIN dossiers_dossier d ON d.id = l.dossier_id
    JOIN payments_payment p ON p.id = l.payment_id
    WHERE l.id >= %(first)s AND l.id < %(last)s AND d.employer_establishment_id IS NOT NULL
    GROUP BY 1, 2
    ORDER BY 1, 2
    ON CONFLICT (establishment_id, year) DO UPDATE SET
        lines = contributions_trainingfunded.lines + EXCLUDED.lines,
        amount = contributions_trainingfunded.amount + EXCLUDED.amount
"""


def _reserve_ids(model, count: int) -> int:
    """Take `count` ids from the table's sequence at once; returns the first. Rows are then written with them."""
    if count == 0:
        return 0
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        sequence = cursor.fetchone()[0]
        cursor.execute("SELECT nextval(%s)", [sequence])
        first = cursor.fetchone()[0]
        cursor.execute("SELECT setval(%s, %s)", [sequence, first + count - 1])
    return first


def existing_scale_data() -> int:
    return Organisation.objects.filter(siren__startswith=SIREN_PREFIX).count()


def generate(n: int, *, seed: int = 2026, log=print) -> dict | None:
    if n > MAX_SCALE:
        raise ValueError(f"--scale is limited to {MAX_SCALE:,} dossiers (the number ranges would overflow).")
    existing = existing_scale_data()
    if existing:
        dossiers = Dossier.objects.filter(number__startswith=DOSSIER_PREFIX).count()
        log(
            f"Données de volume déjà présentes ({existing} organisations, {dossiers} dossiers) : rien n'est ajouté. "
            "Pour les régénérer à une autre échelle : manage.py flush --no-input puis seed_demo --scale N."
        )
        return None
    with connection.cursor() as cursor:
        # COPY of a million messages outlasts the portal's statement timeout (settings): off for this session only.
        cursor.execute("SET statement_timeout = 0")
    return ScaleGenerator(n, seed=seed, log=log).run()


class ScaleGenerator:
    def __init__(self, n: int, *, seed: int, log):
        self.n = n
        self.rng = random.Random(seed)
        self.log = log
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.tz = timezone.get_current_timezone()
        self.counts = {}

    def run(self):
        started = time.monotonic()
        self.log(f"Génération des données de volume : {self.n:,} dossiers...".replace(",", "\u202f"))
        for phase in (
            self.organisations,
            self.establishments,
            self.users,
            self.memberships,
            self.persons,
            self.dossiers,
            self.enrolments,
            self.messages,
            self.message_reads,
            self.message_counters,
            self.unread_company_messages,
            self.payments,
            self.invoices,
            self.analyze,
        ):
            began = time.monotonic()
            with transaction.atomic():
                written = phase()
            label = phase.__name__.replace("_", " ")
            if written is not None:
                self.counts[phase.__name__] = written
            detail = f"{written:>10,} lignes".replace(",", "\u202f") if written is not None else " " * 17
            self.log(f"  {label:<16} {detail}  {time.monotonic() - began:6.1f} s")
        self.log(f"Données de volume générées en {time.monotonic() - started:.1f} s.")
        self.log_busiest_logins()
        return self.counts

    def log_busiest_logins(self):
        """The bench accounts that see the most dossiers: the worst cases to time the list pages with."""
        company = (
            Dossier.objects.filter(number__startswith=DOSSIER_PREFIX)
            .values("employer_establishment__organisation")
            .annotate(total=models.Count("id"))
            .order_by("-total")
            .first()
        )
        provider = (
            Dossier.objects.filter(number__startswith=DOSSIER_PREFIX, provider_establishment__isnull=False)
            .values("provider_establishment__organisation")
            .annotate(total=models.Count("id"))
            .order_by("-total")
            .first()
        )
        self.log(f"Comptes de volume les plus chargés (mot de passe {data.PASSWORD}) :")
        if company:
            user = User.objects.get(pk=self.company_manager[company["employer_establishment__organisation"]])
            self.log(f"  eGestion  {user.email}  {company['total']} dossiers")
        if provider:
            user = User.objects.get(pk=self.provider_referent[provider["provider_establishment__organisation"]])
            self.log(f"  oGestion  {user.email}  {provider['total']} dossiers")
        self.log(f"  Administration  bench-gestionnaire-00@{EMAIL_DOMAIN} (équipe, groupe {CASE_MANAGER_GROUP})")

    def stamp(self, day: datetime.date, minute_of_day: int) -> datetime.datetime:
        moment = datetime.datetime.combine(day, datetime.time(7, 0), tzinfo=self.tz) + datetime.timedelta(
            minutes=minute_of_day % 660
        )
        return min(moment, self.now)

    # --- registries --------------------------------------------------------------------------------------------

    def organisations(self):
        rng = self.rng
        self.n_companies = max(2, self.n // 40)
        self.n_providers = max(1, self.n // 400)
        first = _reserve_ids(Organisation, self.n_companies + self.n_providers)
        self.company_ids = range(first, first + self.n_companies)
        self.provider_ids = range(first + self.n_companies, first + self.n_companies + self.n_providers)
        created = self.stamp(self.today - datetime.timedelta(days=900), 0)

        def rows():
            for i in range(self.n_companies):
                name = f"{rng.choice(COMPANY_FORMS)} {rng.choice(LAST_NAMES)} {rng.choice(COMPANY_WORDS)}"
                yield (
                    first + i,
                    OrganisationKind.COMPANY.value,
                    name,
                    identifiers.siren(f"{SIREN_PREFIX}{i:07d}"),
                    f"{MEMBER_NUMBER_START + i:06d}",
                    f"contact-{i:06d}@{EMAIL_DOMAIN}",
                    created,
                )
            for j in range(self.n_providers):
                yield (
                    first + self.n_companies + j,
                    OrganisationKind.PROVIDER.value,
                    f"{rng.choice(PROVIDER_NAMES)} {rng.choice(CITIES)[1]} {j + 1}",
                    identifiers.siren(f"{SIREN_PREFIX}{5_000_000 + j:07d}"),
                    None,
                    f"formation-{j:06d}@{EMAIL_DOMAIN}",
                    created,
                )

        fields = ["id", "kind", "name", "siren", "member_number", "contact_email", "created_at"]
        self.org_names = {}
        rows_list = list(rows())
        for row in rows_list:
            self.org_names[row[0]] = (row[2], row[3])
        return _copy(Organisation, fields, rows_list)

    def establishments(self):
        rng = self.rng
        # Company i has 1 to 3 establishments; provider j 1 to 4, some of them CFAs.
        company_sites = [(org_id, 1 + i % 3) for i, org_id in enumerate(self.company_ids)]
        provider_sites = [(org_id, 1 + j % 4) for j, org_id in enumerate(self.provider_ids)]
        total = sum(k for _, k in company_sites) + sum(k for _, k in provider_sites)
        first = _reserve_ids(Establishment, total)
        created = self.stamp(self.today - datetime.timedelta(days=900), 30)
        self.company_establishments = []  # (establishment id, organisation id)
        self.provider_establishments = []  # (establishment id, organisation id, is_cfa, iban)
        rows = []
        next_id = first
        for kind, sites in (("company", company_sites), ("provider", provider_sites)):
            for org_id, count in sites:
                name, siren = self.org_names[org_id]
                for k in range(count):
                    postal_code, city, region = rng.choice(CITIES)
                    nda = uai = iban = bic = ""
                    if kind == "provider":
                        nda = f"{rng.randint(11, 93)}{postal_code[:2]}{rng.randrange(10**7):07d}"
                        if k == 0 or rng.random() < 0.3:
                            uai = identifiers.uai(f"0{postal_code[:2]}{rng.randrange(10**4):04d}")
                        if rng.random() < 0.92:
                            iban = identifiers.french_iban("30004", f"{rng.randrange(10**5):05d}", f"{next_id:011d}")
                            bic = "BNPAFRPPXXX"
                        self.provider_establishments.append((next_id, org_id, bool(uai), iban))
                    else:
                        if rng.random() < 0.3:
                            iban = identifiers.french_iban("30003", f"{rng.randrange(10**5):05d}", f"{next_id:011d}")
                            bic = "SOGEFRPPXXX"
                        self.company_establishments.append((next_id, org_id))
                    rows.append(
                        (
                            next_id,
                            org_id,
                            identifiers.siret(siren, k + 1),
                            name,
                            "",
                            f"{rng.randint(1, 180)} {rng.choice(STREETS)}",
                            "",
                            postal_code,
                            city,
                            region.value,
                            k == 0,
                            nda,
                            uai,
                            iban,
                            bic,
                            created,
                            "",  # naf_code: the registry's extras stay empty at bench volumes
                            None,  # headcount
                            "",  # idcc
                        )
                    )
                    next_id += 1
        fields = [
            "id",
            "organisation",
            "siret",
            "name",
            "sign",
            "address_line1",
            "address_line2",
            "postal_code",
            "city",
            "region",
            "is_head_office",
            "nda",
            "uai",
            "iban",
            "bic",
            "created_at",
            "naf_code",
            "headcount",
            "idcc",
        ]
        return _copy(Establishment, fields, rows)

    def users(self):
        rng = self.rng
        password = make_password(data.PASSWORD)  # one hash for all: every bench user can log in
        count = self.n_companies + self.n_providers + CASE_MANAGERS
        first = _reserve_ids(User, count)
        self.company_manager = {org_id: first + i for i, org_id in enumerate(self.company_ids)}
        self.provider_referent = {org_id: first + self.n_companies + j for j, org_id in enumerate(self.provider_ids)}
        self.case_managers = list(range(first + self.n_companies + self.n_providers, first + count))
        joined = self.stamp(self.today - datetime.timedelta(days=800), 0)

        def person():
            if rng.random() < 0.5:
                return "m", rng.choice(MALE_FIRST_NAMES), rng.choice(LAST_NAMES).capitalize()
            return "mme", rng.choice(FEMALE_FIRST_NAMES), rng.choice(LAST_NAMES).capitalize()

        def rows():
            for i, org_id in enumerate(self.company_ids):
                civility, first_name, last_name = person()
                yield (
                    self.company_manager[org_id],
                    password,
                    None,
                    False,
                    f"bench-user-{i:06d}@{EMAIL_DOMAIN}",
                    civility,
                    first_name,
                    last_name,
                    "Responsable formation",
                    "",
                    False,
                    True,
                    joined,
                )
            for j, org_id in enumerate(self.provider_ids):
                civility, first_name, last_name = person()
                yield (
                    self.provider_referent[org_id],
                    password,
                    None,
                    False,
                    f"bench-of-{j:06d}@{EMAIL_DOMAIN}",
                    civility,
                    first_name,
                    last_name,
                    "Responsable administratif",
                    "",
                    False,
                    True,
                    joined,
                )
            for k, user_id in enumerate(self.case_managers):
                civility, first_name, last_name = person()
                yield (
                    user_id,
                    password,
                    None,
                    False,
                    f"bench-gestionnaire-{k:02d}@{EMAIL_DOMAIN}",
                    civility,
                    first_name,
                    last_name,
                    "Gestionnaire formation",
                    "",
                    True,
                    True,
                    joined,
                )

        fields = [
            "id",
            "password",
            "last_login",
            "is_superuser",
            "email",
            "civility",
            "first_name",
            "last_name",
            "function",
            "phone",
            "is_staff",
            "is_active",
            "date_joined",
        ]
        written = _copy(User, fields, rows())
        group, _ = Group.objects.get_or_create(name=CASE_MANAGER_GROUP)
        group.user_set.add(*self.case_managers)
        return written

    def memberships(self):
        rows = [
            (self.company_manager[org_id], site_id, Role.COMPANY_MANAGER.value)
            for site_id, org_id in self.company_establishments
        ] + [
            (self.provider_referent[org_id], site_id, Role.PROVIDER_REFERENT.value)
            for site_id, org_id, _, _ in self.provider_establishments
        ]
        first = _reserve_ids(Membership, len(rows))
        created = self.stamp(self.today - datetime.timedelta(days=800), 60)
        fields = ["id", "user", "establishment", "role", "is_active", "created_at", "updated_at", "updated_by"]
        return _copy(
            Membership,
            fields,
            ((first + i, user, site, role, True, created, created, None) for i, (user, site, role) in enumerate(rows)),
        )

    # --- people and dossiers -----------------------------------------------------------------------------------

    def skewed(self, size: int, power: float) -> int:
        """An index in [0, size) where low indexes are much more frequent: a few big actors, a long tail."""
        return min(int(size * self.rng.random() ** power), size - 1)

    def plan_dossiers(self):
        """Decide each dossier's employer and provider first: persons are then sized to the employers' activity."""
        rng = self.rng
        schemes = [s for s, _ in SCHEME_WEIGHTS]
        weights = [w for _, w in SCHEME_WEIGHTS]
        cfas = [site for site in self.provider_establishments if site[2]]
        n_sites = len(self.company_establishments)
        self.plan = []
        for scheme in rng.choices(schemes, weights, k=self.n):
            employer, org_id = self.company_establishments[self.skewed(n_sites, 3)]
            pool = cfas if scheme == Scheme.ALTE else self.provider_establishments
            provider = pool[self.skewed(len(pool), 2)][0]
            self.plan.append((scheme, employer, org_id, provider))

    def persons(self):
        rng = self.rng
        self.plan_dossiers()
        dossiers_per_org = {}
        for _, _, org_id, _ in self.plan:
            dossiers_per_org[org_id] = dossiers_per_org.get(org_id, 0) + 1
        total = sum(max(1, (dossiers_per_org.get(org_id, 0) + 1) // 2) for org_id in self.company_ids)
        first = _reserve_ids(Person, total)
        created = self.stamp(self.today - datetime.timedelta(days=700), 90)
        self.org_persons = {}  # organisation id -> (first person id, count)
        next_id = first
        rows = []
        for org_id in self.company_ids:
            count = max(1, (dossiers_per_org.get(org_id, 0) + 1) // 2)
            self.org_persons[org_id] = (next_id, count)
            for _ in range(count):
                male = rng.random() < 0.85
                birth = datetime.date(rng.randint(1962, 2008), rng.randint(1, 12), rng.randint(1, 28))
                postal_code, city, _ = rng.choice(CITIES)
                rows.append(
                    (
                        next_id,
                        org_id,
                        "m" if male else "mme",
                        rng.choice(LAST_NAMES),
                        rng.choice(MALE_FIRST_NAMES if male else FEMALE_FIRST_NAMES),
                        birth,
                        f"{1 if male else 2}{birth:%y%m}{postal_code[:2]}{rng.randrange(10**6):06d}",
                        "",
                        "",
                        f"{rng.randint(1, 120)} {rng.choice(STREETS)}",
                        postal_code,
                        city,
                        rng.choice(JOBS),
                        created,
                    )
                )
                next_id += 1
        fields = [
            "id",
            "organisation",
            *Person.PERSONAL_FIELDS,
            "created_at",
        ]
        return _copy(Person, fields, rows)

    def status_for(self, start: datetime.date, end: datetime.date) -> str:
        r = self.rng.random()
        S = DossierStatus
        if start > self.today:
            return S.SUBMITTED if r < 0.35 else S.RECEIVED if r < 0.65 else S.INCOMPLETE if r < 0.8 else S.ACCEPTED
        if end < self.today - datetime.timedelta(days=180):
            return S.CLOSED if r < 0.78 else S.REFUSED if r < 0.86 else S.CANCELLED if r < 0.93 else S.ACCEPTED
        return S.ACCEPTED if r < 0.85 else S.INCOMPLETE if r < 0.9 else S.REFUSED if r < 0.95 else S.CANCELLED

    def dossiers(self):
        rng = self.rng
        first = _reserve_ids(Dossier, self.n)
        self.dossier_first_id = first
        span_start = datetime.date(2020, 1, 1)
        span_days = (datetime.date(2027, 6, 30) - span_start).days
        self.dossier_info = []  # per dossier: (org_id, created day, status, start, end, scheme, title, provider, cm)
        payable = {}  # provider establishment id -> dossier indexes that can have been invoiced and paid
        cutoff = self.today - datetime.timedelta(days=90)

        def rows():
            for i, (scheme, employer, org_id, provider) in enumerate(self.plan):
                start = span_start + datetime.timedelta(days=rng.randrange(span_days))
                low, high = DURATION_DAYS[scheme]
                end = start + datetime.timedelta(days=rng.randint(low, high))
                status = self.status_for(start, end)
                title = rng.choice(TRAININGS[scheme])
                filed = min(start - datetime.timedelta(days=rng.randint(20, 60)), self.today)
                created = self.stamp(filed, rng.randrange(660))
                case_manager = None if status == DossierStatus.SUBMITTED else rng.choice(self.case_managers)
                creator = self.company_manager[org_id] if rng.random() < 0.6 else None
                prov = None if status == DossierStatus.SUBMITTED and rng.random() < 0.2 else provider
                self.dossier_info.append((org_id, filed, status, start, end, scheme, title, prov, case_manager))
                if prov and status in (DossierStatus.ACCEPTED, DossierStatus.CLOSED) and start < cutoff:
                    payable.setdefault(prov, []).append(i)
                yield (
                    first + i,
                    f"{DOSSIER_PREFIX}{i:08d}.01",
                    f"{70_000_000 + i}",
                    scheme.value,
                    status.value,
                    title,
                    start,
                    end,
                    employer,
                    prov,
                    case_manager,
                    creator,
                    created,
                    created,
                )

        fields = [
            "id",
            "number",
            "request_number",
            "scheme",
            "status",
            "title",
            "start_date",
            "end_date",
            "employer_establishment",
            "provider_establishment",
            "case_manager",
            "created_by",
            "created_at",
            "updated_at",
        ]
        written = _copy(Dossier, fields, rows())
        with connection.cursor() as cursor:
            if _can_skip_triggers(cursor):  # COPY ran without the triggers that count the dossiers
                first = self.dossier_first_id
                cursor.execute(DOSSIER_TOTALS_SQL, {"first": first, "last": first + self.n - 1})
                cursor.execute(SCHEME_TOTALS_SQL, {"first": first, "last": first + self.n - 1})
        self.payable = payable
        return written

    def enrolments(self):
        rng = self.rng
        first = _reserve_ids(Enrolment, self.n)

        def rows():
            for i, info in enumerate(self.dossier_info):
                person_first, count = self.org_persons[info[0]]
                created = self.stamp(info[1], 600)
                yield (first + i, self.dossier_first_id + i, person_first + rng.randrange(count), created)

        return _copy(Enrolment, ["id", "dossier", "person", "created_at"], rows())

    def messages(self):
        """Five messages per dossier, alternating sides, spread over the weeks after the request was filed."""
        rng = self.rng
        total = self.n * MESSAGES_PER_DOSSIER
        first = _reserve_ids(Message, total)
        self.message_first_id = first
        sides = [SenderSide.COMPANY.value, SenderSide.CONSTRUCTYS.value] * 3
        fallback_manager = self.case_managers[0]
        self.constructys_messages = []  # (message id, reader user id, created_at) for the read receipts
        one_day = datetime.timedelta(days=1)
        base_time = datetime.time(8, 0, tzinfo=self.tz)
        now = self.now
        randrange = rng.randrange
        random_ = rng.random
        n_company_titles, n_constructys_titles, n_bodies = len(COMPANY_TITLES), len(CONSTRUCTYS_TITLES), len(BODIES)
        constructys_messages = self.constructys_messages

        def rows():
            message_id = first
            for i, info in enumerate(self.dossier_info):
                org_id, filed = info[0], info[1]
                company_user = self.company_manager[org_id]
                manager = info[8] or fallback_manager
                dossier_id = self.dossier_first_id + i
                moment = datetime.datetime.combine(filed, base_time)
                for k in range(MESSAGES_PER_DOSSIER):
                    moment = moment + one_day * randrange(1, 30) + datetime.timedelta(minutes=randrange(600))
                    created = moment if moment < now else now - datetime.timedelta(minutes=randrange(5, 3000))
                    side = sides[k]
                    if side == "company":
                        title, author = COMPANY_TITLES[randrange(n_company_titles)], company_user
                    else:
                        title, author = CONSTRUCTYS_TITLES[randrange(n_constructys_titles)], manager
                        if random_() < 0.4:
                            constructys_messages.append((message_id, company_user, created))
                    yield (message_id, dossier_id, side, author, title, BODIES[randrange(n_bodies)], created)
                    message_id += 1

        fields = ["id", "dossier", "sender_side", "author", "title", "body", "created_at"]
        return _copy(Message, fields, rows())

    def message_reads(self):
        reads = self.constructys_messages
        first = _reserve_ids(MessageRead, len(reads))
        later = datetime.timedelta(hours=20)
        now = self.now
        written = _copy(
            MessageRead,
            ["id", "message", "user", "read_at"],
            (
                (first + i, message_id, user_id, min(created + later, now))
                for i, (message_id, user_id, created) in enumerate(reads)
            ),
        )
        self.constructys_messages = None
        return written

    # --- payments ----------------------------------------------------------------------------------------------

    def payments(self):
        """About one payment per ten dossiers, each settling 1 to 4 invoices of one provider establishment."""
        rng = self.rng
        ibans = {site_id: iban for site_id, _, _, iban in self.provider_establishments if iban}
        beneficiaries = [site for site in self.payable if site in ibans]
        weights = [len(self.payable[site]) for site in beneficiaries]
        n_payments = max(1, self.n // 10) if beneficiaries else 0
        chosen = rng.choices(beneficiaries, weights, k=n_payments) if n_payments else []
        plans = []
        n_lines = 0
        for site in chosen:
            lines = []
            for _ in range(rng.randint(1, 4)):
                index = rng.choice(self.payable[site])
                info = self.dossier_info[index]
                start, end = info[3], info[4]
                period_start = start + datetime.timedelta(days=rng.randint(0, max(0, (end - start).days // 2)))
                period_start = min(period_start, self.today - datetime.timedelta(days=60))
                period_end = min(end, period_start + datetime.timedelta(days=rng.randint(0, 120)))
                period_end = max(period_start, min(period_end, self.today - datetime.timedelta(days=60)))
                invoice_date = period_end + datetime.timedelta(days=rng.randint(1, 15))
                amount = Decimal(rng.randint(15_000, 650_000)).scaleb(-2)
                lines.append((index, invoice_date, period_start, period_end, amount, info[5], info[6]))
            paid_on = min(max(line[1] for line in lines) + datetime.timedelta(days=rng.randint(10, 40)), self.today)
            plans.append((site, paid_on, lines))
            n_lines += len(lines)
        first_payment = _reserve_ids(Payment, len(plans))
        first_line = _reserve_ids(PaymentLine, n_lines)
        payment_rows, line_rows = [], []
        line_id = first_line
        for p, (site, paid_on, lines) in enumerate(plans):
            total = sum((line[4] for line in lines), Decimal("0.00"))
            payment_id = first_payment + p
            payment_rows.append(
                (
                    payment_id,
                    f"VIRB{p:07d}",
                    paid_on,
                    site,
                    ibans[site],
                    PaymentMode.TRANSFER.value,
                    total,
                    None,
                    self.stamp(paid_on, 0),
                )
            )
            for index, invoice_date, period_start, period_end, amount, scheme, title in lines:
                line_rows.append(
                    (
                        line_id,
                        payment_id,
                        self.dossier_first_id + index,
                        invoice_date,
                        f"FEB{line_id:09d}",
                        period_start,
                        period_end,
                        scheme.value,
                        title,
                        amount,
                    )
                )
                line_id += 1
        self.paid_lines = [(row[2], row[3], row[4], row[5], row[6], row[9]) for row in line_rows]
        written = _copy(
            Payment,
            [
                "id",
                "reference",
                "paid_on",
                "beneficiary",
                "iban_paid",
                "mode",
                "total_amount",
                "remittance_advice",
                "created_at",
            ],
            payment_rows,
        )
        written += _copy(
            PaymentLine,
            [
                "id",
                "payment",
                "dossier",
                "invoice_date",
                "invoice_number",
                "period_start",
                "period_end",
                "scheme",
                "training_title",
                "amount",
            ],
            line_rows,
        )
        with connection.cursor() as cursor:
            if _can_skip_triggers(cursor):  # COPY ran without the triggers that keep the training funded
                cursor.execute(TRAINING_FUNDED_SQL, {"first": first_line, "last": first_line + n_lines})
        return written

    # --- invoices (issue 21) ------------------------------------------------------------------------------------

    def invoices(self):
        """The invoices the payments settled (validated, paid: same dossier and number as the payment line), the
        contract terms of the running apprenticeship dossiers, and for about half of them an invoice of the last
        four months still open, validated (paid or not) or rejected: what FACTURATION and the money view read."""
        rng = self.rng
        organisation_of = {site_id: org_id for site_id, org_id, _, _ in self.provider_establishments}
        terms, invoices = [], []
        for dossier_id, invoice_date, number, period_start, period_end, amount in self.paid_lines:
            site = self.dossier_info[dossier_id - self.dossier_first_id][7]
            invoices.append((dossier_id, organisation_of[site], number, invoice_date, period_start, period_end, amount,
                             InvoiceStatus.VALIDATED, ""))  # fmt: skip
        for index, (_, _, status, start, end, scheme, _, site, _) in enumerate(self.dossier_info):
            if scheme != Scheme.ALTE or status != DossierStatus.ACCEPTED or site is None:
                continue
            npec = Decimal(rng.randrange(600_000, 1_300_000, 100)).scaleb(-2)
            terms.append((self.dossier_first_id + index, start - datetime.timedelta(days=20), start, end, "RNCP37651",
                          "1597", rng.choice((3, 4, 5, 6)), npec, False, False, False, False, False))  # fmt: skip
            if rng.random() < 0.5 and start < self.today:
                r = rng.random()
                state = (InvoiceStatus.DEPOSITED if r < 0.3 else InvoiceStatus.IN_REVIEW if r < 0.5
                         else InvoiceStatus.VALIDATED if r < 0.85 else InvoiceStatus.REJECTED)  # fmt: skip
                day = max(start, self.today - datetime.timedelta(days=rng.randint(1, 120)))
                invoices.append((self.dossier_first_id + index, organisation_of[site], f"FOB{index:09d}", day, start,
                                 day, (npec * Decimal("0.4")).quantize(Decimal("0.01")), state,
                                 "Montant erroné" if state == InvoiceStatus.REJECTED else ""))  # fmt: skip
        first_terms = _reserve_ids(ContractTerms, len(terms))
        written = _copy(ContractTerms, TERMS_FIELDS, [(first_terms + i, *row) for i, row in enumerate(terms)])
        first_invoice = _reserve_ids(Invoice, len(invoices))

        def rows():
            for i, (dossier, organisation, number, day, start, end, amount, state, reason) in enumerate(invoices):
                received = self.stamp(day, 60)
                yield (first_invoice + i, dossier, organisation, number, day, start, end, amount, "", state, received,
                       day + datetime.timedelta(days=30), reason, f"{number}.pdf", f"invoices/bench/{number}.pdf",
                       "application/pdf", 0, "", received)  # fmt: skip

        written += _copy(Invoice, INVOICE_FIELDS, rows())
        with connection.cursor() as cursor:
            if _can_skip_triggers(cursor):  # COPY ran without the trigger that copies each invoice's payment
                cursor.execute(INVOICE_SETTLEMENTS_SQL, {"first": first_invoice, "last": first_invoice + len(invoices)})
                first = self.dossier_first_id
                cursor.execute(MONEY_VERSIONS_SQL, {"first": first, "last": first + self.n - 1})
        return written

    def message_counters(self):
        """ThreadCount and SeenCount of the new messages, when their COPY ran without the triggers that keep them."""
        with connection.cursor() as cursor:
            if not _can_skip_triggers(cursor):
                return None  # the triggers counted them
            first = self.dossier_first_id
            for statement in MESSAGE_COUNTERS_SQL:
                cursor.execute(statement, {"first": first, "last": first + self.n - 1})
        return ThreadCount.objects.filter(dossier_id__gte=first, dossier_id__lt=first + self.n).count()

    def unread_company_messages(self):
        """The back office's "unread company messages" flag of the benchmark dossiers (issue 6)."""
        return refresh_unread_company_messages(Dossier.objects.filter(number__startswith=DOSSIER_PREFIX))

    def analyze(self):
        tables = [Organisation, Establishment, User, Membership, Person, Dossier, Enrolment, Message, MessageRead]
        tables += [Payment, PaymentLine, TrainingFunded, ThreadCount, SeenCount, ThreadTotal, SeenTotal]
        tables += [ContractTerms, Invoice, DossierTotal, DossierSchemeTotal, MoneyVersion]
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE " + ", ".join(m._meta.db_table for m in tables))
        return None
