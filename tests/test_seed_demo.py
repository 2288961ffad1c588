import hashlib
import io

import pytest
from django.contrib.auth.models import Group
from django.core.files.storage import default_storage
from django.core.management import call_command

from accounts.models import Establishment, Membership, Organisation, Person, Role, User
from demo import data
from dossiers.models import Document, DocumentDirection, DocumentKind, Dossier, DossierStatus, Enrolment, Scheme
from messaging.models import Message, MessageRead
from payments.models import Payment, PaymentLine
from tests.harness import module_world, use_media_root

pytestmark = pytest.mark.django_db

MODELS = [
    Organisation,
    Establishment,
    User,
    Membership,
    Person,
    Dossier,
    Enrolment,
    Message,
    MessageRead,
    Document,
    Payment,
    PaymentLine,
    Group,
]


def seed(**options) -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


def counts() -> dict:
    return {model.__name__: model._base_manager.count() for model in MODELS}


@pytest.fixture(scope="module", name="media_root")
def media_root_fixture(tmp_path_factory):
    return tmp_path_factory.mktemp("demo-media")


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, media_root):
    """The demo, seeded once for the module's tests (rolled back after them); its PDFs stay in `media_root`."""
    with module_world(django_db_blocker, media_root):
        yield seed()


@pytest.fixture(autouse=True)
def _isolated_media(settings, media_root):
    use_media_root(settings, media_root)


def memberships_of(email):
    return Membership.objects.filter(user__email=email).select_related("establishment__organisation")


def test_every_demo_login_exists_with_its_role(world):
    for spec in data.USERS:
        user = User.objects.get(email=spec.email)
        assert user.check_password("Constructys-2026!"), spec.email
        assert user.is_active

    entreprise = memberships_of("entreprise@demo.constructys.fr")
    assert {m.role for m in entreprise} == {Role.COMPANY_MANAGER}
    bso = Organisation.objects.get(name="BATIMENTS DU SUD-OUEST")
    assert {m.establishment for m in entreprise} == set(bso.establishments.all())
    assert bso.establishments.count() == 3

    salarie = memberships_of("salarie@demo.constructys.fr")
    assert [(m.role, m.establishment.organisation) for m in salarie] == [(Role.COMPANY_USER, bso)]

    multi = memberships_of("multi@demo.constructys.fr")
    assert {m.role for m in multi} == {Role.COMPANY_USER}
    assert len({m.establishment.organisation_id for m in multi}) == 2

    referent = memberships_of("referent@demo.constructys.fr")
    assert {m.role for m in referent} == {Role.PROVIDER_REFERENT}
    assert {m.establishment.organisation.name for m in referent} == {"BTP CFA"}

    of = memberships_of("of@demo.constructys.fr")
    assert of and {m.role for m in of} == {Role.PROVIDER_USER}

    gestionnaire = User.objects.get(email="gestionnaire@demo.constructys.fr")
    assert gestionnaire.is_staff and not gestionnaire.is_superuser
    assert gestionnaire.groups.filter(name="Gestionnaire de dossiers").exists()
    assert gestionnaire.has_perm("dossiers.change_dossier")
    assert gestionnaire.has_perm("messaging.view_message")
    assert gestionnaire.has_perm("dossiers.instruct_dossier")
    assert not gestionnaire.has_perm("payments.change_payment")  # accounting records payments
    assert gestionnaire.has_perm("accounts.view_establishment")
    assert not gestionnaire.has_perm("accounts.change_establishment")
    assert not gestionnaire.has_perm("dossiers.delete_dossier")
    assert not gestionnaire.memberships.exists()

    accountant = User.objects.get(email="comptabilite@demo.constructys.fr")
    assert list(accountant.groups.values_list("name", flat=True)) == ["Comptabilité"]
    assert accountant.has_perm("payments.add_payment") and accountant.has_perm("banking.change_bankdetailsrequest")
    assert not accountant.has_perm("dossiers.instruct_dossier")

    admin = User.objects.get(email="admin@demo.constructys.fr")
    assert admin.is_staff and admin.is_superuser


def test_registries_pass_the_model_validators(world):
    for model in (Organisation, Establishment, Person, Dossier, Payment, PaymentLine, Document):
        for obj in model.objects.all():
            obj.full_clean()
    assert Organisation.objects.filter(kind="company").count() == 3
    assert Organisation.objects.filter(kind="provider").count() == 3
    assert Establishment.objects.exclude(uai="").exists()
    provider_sites = Establishment.objects.filter(organisation__kind="provider")
    assert provider_sites.filter(iban="").count() == 1


def test_dossiers_cover_every_status_and_scheme_with_enrolments(world):
    demo = Dossier.objects.filter(number__startswith="9920")
    assert set(demo.values_list("status", flat=True)) == set(DossierStatus.values)
    assert set(demo.values_list("scheme", flat=True)) == set(Scheme.values)
    for dossier in demo:
        assert 1 <= dossier.enrolments.count() <= 3
        assert dossier.end_date >= dossier.start_date
        assert all(
            e.person.organisation == dossier.employer_establishment.organisation for e in dossier.enrolments.all()
        )
    assert demo.filter(case_manager__email="gestionnaire@demo.constructys.fr").exists()


def test_company_and_provider_demo_users_share_dossiers_and_the_company_has_unread_messages(world):
    entreprise = User.objects.get(email="entreprise@demo.constructys.fr")
    referent = User.objects.get(email="referent@demo.constructys.fr")

    shared = Dossier.objects.for_company_user(entreprise) & Dossier.objects.for_provider_user(referent)

    assert shared.exists()
    unread = Message.objects.for_company_user(entreprise).unread_by(entreprise)
    assert 1 <= unread.count() <= 5
    assert Message.objects.for_company_user(entreprise).count() > unread.count()
    assert Message.objects.filter(sender_side="company").exists()
    assert Message.objects.filter(sender_side="constructys").exists()


def test_payments_total_their_lines_and_come_with_a_remittance_advice(world):
    payments = Payment.objects.all()
    assert payments.count() >= 6
    assert payments.filter(beneficiary__organisation__kind="company").exists()
    for payment in payments:
        assert 1 <= payment.lines.count() <= 4
        assert payment.total_amount == payment.lines_total()
        advice = payment.remittance_advice
        assert advice.kind == DocumentKind.REMITTANCE_ADVICE
        assert advice.direction == DocumentDirection.ISSUED
        assert advice.establishment == payment.beneficiary
        assert advice.name == f"Avis de virement - {payment.reference}.pdf"


def test_documents_are_real_pdfs_in_storage(world):
    documents = Document.objects.all()
    assert set(documents.values_list("kind", flat=True)) >= {
        DocumentKind.FUNDING_AGREEMENT,
        DocumentKind.CERFA,
        DocumentKind.REMITTANCE_ADVICE,
    }
    for document in documents:
        assert default_storage.exists(document.file.name)
        with default_storage.open(document.file.name, "rb") as handle:
            content = handle.read()
        assert content.startswith(b"%PDF")
        assert document.size == len(content)
        assert document.checksum == hashlib.sha256(content).hexdigest()


def test_the_demo_documents_are_rendered_by_the_products_own_renderers(world):
    """A demo funding agreement or remittance advice reads exactly like one the back office issues (no letterhead
    of the demo's own)."""
    from pypdf import PdfReader

    from backoffice.instruction import funding_agreement_pdf
    from payments.services import remittance_advice_pdf

    def text(content: bytes) -> str:
        return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)

    agreement = Document.objects.filter(kind=DocumentKind.FUNDING_AGREEMENT).select_related("dossier").first()
    payment = Payment.objects.select_related("remittance_advice").first()
    lines = list(payment.lines.select_related("dossier").order_by("invoice_date", "invoice_number"))
    for document, product in (
        (agreement, funding_agreement_pdf(agreement.dossier)),
        (payment.remittance_advice, remittance_advice_pdf(payment, lines)),
    ):
        with default_storage.open(document.file.name, "rb") as handle:
            assert text(handle.read()) == text(product)


# --- a believable world (issue 17) ----------------------------------------------------------------------------------


def test_each_training_provider_has_its_own_siren_and_referent(world):
    providers = Organisation.objects.filter(kind="provider").prefetch_related("establishments")
    assert len({provider.siren for provider in providers}) == providers.count() == 3
    for provider in providers:
        assert all(site.siret.startswith(provider.siren) for site in provider.establishments.all())
        referents = User.objects.filter(
            memberships__establishment__organisation=provider, memberships__role=Role.PROVIDER_REFERENT
        ).distinct()
        assert referents.count() == 1, provider.name
        # Their référent is theirs only: it administers no other organisation.
        assert (
            Membership.objects.filter(user=referents.get()).values("establishment__organisation").distinct().count()
            == 1
        )


def test_trainees_work_at_the_employer_establishment_and_train_in_its_region(world):
    for dossier in Dossier.objects.filter(number__startswith="9920").select_related(
        "employer_establishment", "provider_establishment"
    ):
        assert dossier.provider_establishment.region == dossier.employer_establishment.region, dossier.number
        for enrolment in dossier.enrolments.select_related("person"):
            assert enrolment.person.establishment == dossier.employer_establishment, (dossier.number, enrolment)


def test_every_person_has_a_civility_and_each_provider_knows_salaries_to_select(world):
    assert not Person.objects.filter(civility="").exists()
    for provider in Organisation.objects.filter(kind="provider"):
        referent = User.objects.filter(
            memberships__establishment__organisation=provider, memberships__role=Role.PROVIDER_REFERENT
        ).first()
        # What oGestion's "Sélection d'un salarié" lists to the référent.
        selectable = Person.objects.for_user(referent)
        assert selectable.count() >= 3, provider.name
        assert all(person.organisation == provider and person.email for person in selectable)


def test_finished_dossiers_have_no_unread_company_message_and_open_ones_only_recent_ones(world):
    from django.utils import timezone

    from messaging.selectors import staff_have_read

    finished = Dossier.objects.filter(number__startswith="9920").finished()
    assert not finished.filter(has_unread_company_messages=True).exists()
    unread = Message.objects.filter(dossier__number__startswith="9920", sender_side="company").exclude(
        staff_have_read()
    )
    assert unread.exists()  # the back office's queue has something to show
    for message in unread.select_related("dossier"):
        assert message.dossier.status not in (DossierStatus.CLOSED, DossierStatus.REFUSED, DossierStatus.CANCELLED)
        assert timezone.now() - message.created_at < timezone.timedelta(days=60), message.dossier.number
    # The case manager's own queue ("Mes dossiers") starts with a dossier waiting for an answer.
    assert Dossier.objects.filter(
        case_manager__email="gestionnaire@demo.constructys.fr", has_unread_company_messages=True
    ).exists()


def test_accounting_staff_manage_no_dossier_and_are_never_offered_as_case_managers(world):
    from backoffice.instruction import case_manager_candidates

    accountant = User.objects.get(email="comptabilite@demo.constructys.fr")
    candidates = set(case_manager_candidates())
    assert accountant not in candidates
    managers = Dossier.objects.filter(case_manager__isnull=False).values_list("case_manager", flat=True)
    assert {User.objects.get(pk=pk) for pk in managers} <= candidates


def test_dates_agree_with_one_another(world):
    import datetime

    from django.utils import timezone

    from contributions.models import ContributionPayment, ContributionReturn
    from invest.models import Campaign, InvestmentRequest

    # The 2024 collection return was declared early in 2025, before the payments of 2024's contributions.
    declared = ContributionReturn.objects.get(year=2024)
    declared_on = timezone.localtime(declared.submitted_at).date()
    assert datetime.date(2025, 1, 1) <= declared_on <= datetime.date(2025, 4, 30)
    assert all(payment.paid_on >= declared_on for payment in ContributionPayment.objects.filter(year=2024))

    # A campaign of a few weeks, open now, closing at 17:00; its requests drafted, sent, decided inside it.
    campaign = Campaign.objects.get(year=2026)
    closes = timezone.localtime(campaign.closes_at)
    assert campaign.is_open() and (closes.hour, closes.minute) == (17, 0)
    assert datetime.timedelta(weeks=2) <= campaign.closes_at - campaign.opens_at <= datetime.timedelta(weeks=8)
    for request in InvestmentRequest.objects.all():
        assert campaign.opens_at <= request.created_at <= request.submitted_at <= timezone.now()
        if request.decided_at:
            assert request.submitted_at <= request.decided_at <= timezone.now()

    # Messages after the request was filed, payments after the invoices they settle.
    for dossier in Dossier.objects.filter(number__startswith="9920"):
        assert all(message.created_at >= dossier.created_at for message in dossier.messages.all()), dossier.number
    for line in PaymentLine.objects.select_related("payment"):
        assert line.period_start <= line.period_end <= line.invoice_date <= line.payment.paid_on
