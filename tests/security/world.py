"""One fixture world for the security and reliability suites: an "owner" company and training provider with
everything the portals show, foreign organisations of each portal, and a persona per way of being refused.

The owner company has two establishments: A (the dossier's employer) and B. The owner provider (a CFA) has two
establishments: P1 (trains the dossier) and P2. Every object the portals' URLs address belongs to A or P1.

Personas (`World.users`, by key):
    owner_manager            company manager of the owner company (A and B): may use every eGestion URL
    owner_colleague          company user on A: sees A's objects, not the manager's pages
    restricted_user          company user restricted to B: none of A's objects
    foreign_manager          manager of another company
    deactivated_user         company user on A whose access was ended (membership and account inactive)
    owner_referent           provider référent of P1 and P2: may use every oGestion and Digit Invest URL
    owner_provider_user      provider user on P1 (not a référent)
    restricted_provider_user provider user restricted to P2
    foreign_referent         référent of another CFA
    deactivated_provider     provider user on P1 whose membership was ended (the account itself still active)
"""

import datetime
import hashlib
import shutil
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.db import connection
from django.utils import timezone

from accounts.models import ConsentKind, ConsentVersion, Role
from content.models import HelpResource
from contributions.models import ContributionRate, ContributionReturn
from demo.invest import CATEGORIES
from dossiers.models import DossierStatus, Scheme
from funding import plan
from funding import services as funding_services
from funding.apprenticeship import initial_draft_data
from funding.models import FundingRequest, RequestDocument, RequestDocumentKind, RequestStatus
from invest.models import Campaign, ExpenseCategory, InvestmentRequest, Quote, RequestLine, TermsVersion
from invest.services import accept_terms, recompute_totals
from messaging.models import SenderSide
from tests.factories import (
    TINY_PDF,
    CompanyFactory,
    DocumentFactory,
    DossierFactory,
    EnrolmentFactory,
    EstablishmentFactory,
    MembershipFactory,
    MessageFactory,
    PaymentFactory,
    PaymentLineFactory,
    PersonFactory,
    ProviderEstablishmentFactory,
    ProviderFactory,
    UserFactory,
)
from tests.harness import module_world, use_media_root

# The apps whose tables the "nothing changed" checksum covers: the project's, allauth's and the admin's history.
CHECKED_APPS = (
    "accounts",
    "dossiers",
    "messaging",
    "payments",
    "banking",
    "contributions",
    "referentials",
    "funding",
    "content",
    "backoffice",
    "digests",
    "invest",
    "account",
    "mfa",
    "admin",
    "auth",
)


def publish_terms():
    """The RGPD and CGU versions a migration publishes (tests/conftest.py does the same for each test)."""
    for kind in ConsentKind:
        ConsentVersion.objects.get_or_create(
            kind=kind,
            version="1",
            defaults={"title": kind.label, "body": f"{kind.label}.", "published_at": timezone.now()},
        )


def _pdf_file(name):
    return {
        "name": name,
        "file": ContentFile(TINY_PDF, name=name),
        "content_type": "application/pdf",
        "size": len(TINY_PDF),
        "checksum": hashlib.sha256(TINY_PDF).hexdigest(),
    }


def build_world() -> SimpleNamespace:
    publish_terms()
    w = SimpleNamespace()

    # --- the owner company, its establishments and users ---------------------------------------------------
    w.company = CompanyFactory(name="BATIMENTS DU PROPRIETAIRE")
    w.establishment_a = EstablishmentFactory(organisation=w.company, head_office=True, with_bank_details=True)
    w.establishment_b = EstablishmentFactory(organisation=w.company)
    users = {}
    users["owner_manager"] = UserFactory(email="gestionnaire@proprietaire.fr")
    for establishment in (w.establishment_a, w.establishment_b):
        MembershipFactory(user=users["owner_manager"], establishment=establishment, role=Role.COMPANY_MANAGER)
    users["owner_colleague"] = MembershipFactory(
        establishment=w.establishment_a, role=Role.COMPANY_USER, user__email="collegue@proprietaire.fr"
    ).user
    users["restricted_user"] = MembershipFactory(
        establishment=w.establishment_b, role=Role.COMPANY_USER, user__email="etablissement-b@proprietaire.fr"
    ).user
    users["deactivated_user"] = MembershipFactory(
        establishment=w.establishment_a,
        role=Role.COMPANY_USER,
        inactive=True,
        user__email="ancien@proprietaire.fr",
        user__is_active=False,
    ).user
    # A user the manager manages (Gérer les utilisateurs): the colleague.
    w.managed_user = users["owner_colleague"]

    # --- the owner training provider (a CFA), its establishments and users ----------------------------------
    w.provider = ProviderFactory(name="CFA DU PROPRIETAIRE")
    w.provider_p1 = ProviderEstablishmentFactory(organisation=w.provider, cfa=True, head_office=True)
    w.provider_p2 = ProviderEstablishmentFactory(organisation=w.provider, cfa=True)
    users["owner_referent"] = UserFactory(email="referent@cfa-proprietaire.fr")
    for establishment in (w.provider_p1, w.provider_p2):
        MembershipFactory(user=users["owner_referent"], establishment=establishment, role=Role.PROVIDER_REFERENT)
    users["owner_provider_user"] = MembershipFactory(
        establishment=w.provider_p1, role=Role.PROVIDER_USER, user__email="formateur@cfa-proprietaire.fr"
    ).user
    users["restricted_provider_user"] = MembershipFactory(
        establishment=w.provider_p2, role=Role.PROVIDER_USER, user__email="p2@cfa-proprietaire.fr"
    ).user
    users["deactivated_provider"] = MembershipFactory(
        establishment=w.provider_p1, role=Role.PROVIDER_USER, inactive=True, user__email="ancien@cfa-proprietaire.fr"
    ).user
    w.managed_provider_user = users["owner_provider_user"]

    # --- foreign organisations of each portal ---------------------------------------------------------------
    w.foreign_establishment = EstablishmentFactory()
    users["foreign_manager"] = MembershipFactory(
        establishment=w.foreign_establishment, role=Role.COMPANY_MANAGER, user__email="gestionnaire@ailleurs.fr"
    ).user
    DossierFactory(employer_establishment=w.foreign_establishment)
    w.foreign_cfa = ProviderEstablishmentFactory(cfa=True)
    users["foreign_referent"] = MembershipFactory(
        establishment=w.foreign_cfa, role=Role.PROVIDER_REFERENT, user__email="referent@cfa-ailleurs.fr"
    ).user
    w.users = users

    # --- the dossier: trainee, documents, messages ----------------------------------------------------------
    w.person = PersonFactory(organisation=w.company, last_name="APPRENTI")
    w.other_person = PersonFactory(organisation=w.company, last_name="SALARIE")
    w.dossier = DossierFactory(
        employer_establishment=w.establishment_a, provider_establishment=w.provider_p1, accepted=True, managed=True
    )
    EnrolmentFactory(dossier=w.dossier, person=w.person)
    w.issued_document = DocumentFactory(dossier=w.dossier)
    w.received_document = DocumentFactory(dossier=w.dossier, received=True)
    w.message = MessageFactory(dossier=w.dossier, sender_side=SenderSide.CONSTRUCTYS)
    w.company_message = MessageFactory(dossier=w.dossier, from_company=True, author=users["owner_manager"])

    # --- payments and remittance advices: to P1 (oGestion) and to A (eGestion) ------------------------------
    w.provider_payment = PaymentFactory(beneficiary=w.provider_p1)
    PaymentLineFactory(payment=w.provider_payment, dossier=w.dossier)
    w.provider_advice = DocumentFactory(remittance_advice=True, establishment=w.provider_p1)
    w.provider_payment.remittance_advice = w.provider_advice
    w.provider_payment.save(update_fields=["remittance_advice"])
    w.company_payment = PaymentFactory(beneficiary=w.establishment_a, iban_paid=w.establishment_a.iban)
    w.company_advice = DocumentFactory(remittance_advice=True, establishment=w.establishment_a)
    w.company_payment.remittance_advice = w.company_advice
    w.company_payment.save(update_fields=["remittance_advice"])

    # --- funding requests: a CERFA draft with a document, a transmitted one, a plan draft --------------------
    w.cerfa_draft = funding_services.create_draft(
        user=users["owner_manager"],
        establishment=w.establishment_a,
        initial_data=initial_draft_data(w.establishment_a),
    )
    w.cerfa_document = RequestDocument.objects.create(
        request=w.cerfa_draft,
        kind=RequestDocumentKind.SIGNED_CERFA,
        uploaded_by=users["owner_manager"],
        **_pdf_file("CERFA signé.pdf"),
    )
    submitted_dossier = DossierFactory(
        employer_establishment=w.establishment_a,
        provider_establishment=w.provider_p1,
        apprenticeship=True,
        status=DossierStatus.SUBMITTED,
        scheme=Scheme.ALTE,
    )
    w.submitted_request = FundingRequest.objects.create(
        kind=w.cerfa_draft.kind,
        status=RequestStatus.SUBMITTED,
        employer_establishment=w.establishment_a,
        data=initial_draft_data(w.establishment_a),
        created_by=users["owner_manager"],
        submitted_at=timezone.now(),
        dossier=submitted_dossier,
    )
    # A draft avenant on A's dossier (the eGestion avenant pages address it).
    w.avenant = FundingRequest.objects.create(
        kind="avenant",
        employer_establishment=w.establishment_a,
        data={"contrat_type": "36", "contrat_date_effet_avenant": "2027-03-01"},
        created_by=users["owner_manager"],
        amended_dossier=w.dossier,
        avenant_sequence=1,
    )
    start = timezone.localdate() + datetime.timedelta(days=30)
    w.plan_draft = funding_services.create_draft(
        user=users["owner_manager"],
        establishment=w.establishment_a,
        kind="plan",
        initial_data={
            "plan_intitule": "Travail en hauteur",
            "plan_date_debut": start.isoformat(),
            "plan_date_fin": (start + datetime.timedelta(days=30)).isoformat(),
        },
    )
    w.plan_trainee = plan.add_trainee(w.plan_draft, w.person)
    w.plan_module = plan.add_module(w.plan_draft)

    # --- the member account: a rate and a return ------------------------------------------------------------
    year = timezone.localdate().year - 1
    ContributionRate.objects.get_or_create(
        year=year, label="Contribution formation", defaults={"base": "payroll", "rate": Decimal("1.00")}
    )
    w.contribution_return = ContributionReturn.objects.create(
        establishment=w.establishment_a,
        year=year,
        headcount=12,
        payroll=Decimal("400000.00"),
        fixed_term_payroll=Decimal("0.00"),
        total_amount=Decimal("4000.00"),
        submitted_by=users["owner_manager"],
    )

    # --- Digit Invest: an open campaign, terms accepted, a draft request with a line and a quote -------------
    for position, name in enumerate(CATEGORIES, start=1):
        ExpenseCategory.objects.get_or_create(name=name, defaults={"position": position})
    now = timezone.now()
    w.campaign = Campaign.objects.filter(opens_at__lte=now, closes_at__gt=now).first()
    if w.campaign is None:
        w.campaign = Campaign.objects.create(
            year=now.year + 5,
            opens_at=now - datetime.timedelta(days=10),
            closes_at=now + datetime.timedelta(days=30),
            envelope=Decimal("2000000.00"),
            max_amount_per_request=Decimal("150000.00"),
        )
    w.campaign.categories.set(ExpenseCategory.objects.all())
    w.category = ExpenseCategory.objects.order_by("position").first()
    terms = TermsVersion.objects.current() or TermsVersion.objects.create(version="1", body="Conditions.")
    for key in ("owner_referent", "owner_provider_user", "restricted_provider_user", "foreign_referent"):
        accept_terms(users[key], terms)
    w.investment = InvestmentRequest.objects.create(
        campaign=w.campaign,
        establishment=w.provider_p1,
        created_by=users["owner_referent"],
        title="Plateau technique",
        category=w.category,
    )
    RequestLine.objects.create(
        request=w.investment, designation="Bancs de maçonnerie", quantity=Decimal("2"), unit_price_ht=Decimal("900")
    )
    recompute_totals(w.investment)
    w.quote = Quote.objects.create(
        request=w.investment, uploaded_by=users["owner_referent"], document="Devis", **_pdf_file("Devis plateau.pdf")
    )

    # --- webhook endpoints of the owner company and the owner provider ----------------------------------------
    from webhooks.models import WebhookEndpoint

    w.company_webhook = WebhookEndpoint.objects.create(
        organisation=w.company,
        portal="egestion",
        url="https://logiciel.exemple.fr/entreprise",
        events=["payment.recorded"],
    )
    w.provider_webhook = WebhookEndpoint.objects.create(
        organisation=w.provider, portal="ogestion", url="https://logiciel.exemple.fr/cfa", events=["payment.recorded"]
    )

    # --- API keys ("Mon compte" → "Accès API"): one of the owner manager, one of the owner référent -----------
    from api.keys import create_key

    for name, user, portal, establishments in (
        ("company_api_key", users["owner_manager"], "egestion", [w.establishment_a]),
        ("provider_api_key", users["owner_referent"], "ogestion", [w.provider_p1]),
    ):
        created = create_key(
            user=user,
            portal=portal,
            name="Clé de la matrice",
            scope="read",
            establishments=establishments,
            expires_on=timezone.localdate() + datetime.timedelta(days=30),
            allowed_establishments=establishments,
        )
        setattr(w, name, created.key)

    # --- Help resources of each portal's home page (a page and a PDF each) -----------------------------------
    for portal, kind in (("egestion", "page"), ("egestion", "pdf"), ("ogestion", "page"), ("ogestion", "pdf")):
        HelpResource.objects.get_or_create(
            slug=f"matrice-{portal}-{kind}",
            defaults={"portal": portal, "kind": kind, "title": f"Aide {portal} {kind}", "body": "Texte."},
        )
    return w


def checked_tables() -> list[str]:
    tables = []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label in CHECKED_APPS and not model._meta.proxy and model._meta.managed:
            tables.append(model._meta.db_table)
    return sorted(set(tables))


def database_checksum(tables: list[str]) -> dict[str, str]:
    """A digest of every row of `tables` (one query): any insert, update or delete changes it."""
    quoted = connection.ops.quote_name
    parts = " UNION ALL ".join(
        f"SELECT '{table}' AS name, md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) AS digest "
        f"FROM {quoted(table)} t"
        for table in tables
    )
    with connection.cursor() as cursor:
        cursor.execute(parts)
        return dict(cursor.fetchall())


def changed_tables(before: dict, after: dict) -> list[str]:
    return sorted(name for name in after if before.get(name) != after[name])


# --- the world as a module fixture: built once, in a transaction rolled back after the module's tests -----------


@pytest.fixture(scope="module", name="media_root")
def media_root_fixture(tmp_path_factory):
    return tmp_path_factory.mktemp("matrix-media")


@pytest.fixture(scope="module", name="world")
def world_fixture(django_db_setup, django_db_blocker, media_root):
    with module_world(django_db_blocker, media_root):
        yield build_world()


@pytest.fixture(autouse=True)
def _isolated_media(settings, media_root, tmp_path):
    """Each test gets its own copy of the world's files (documents, quotes): the database rolls back after a test
    that removes a quote, the disk does not, and the next test must still find the file."""
    own_copy = tmp_path / "media"
    shutil.copytree(media_root, own_copy)
    use_media_root(settings, own_copy)
