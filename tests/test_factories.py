import hashlib
from decimal import Decimal

import pytest

from accounts.models import Establishment, Role
from accounts.validators import validate_iban, validate_siret, validate_uai
from dossiers.models import DossierStatus, Scheme
from tests import factories

pytestmark = pytest.mark.django_db

EVERY_FACTORY = [
    factories.UserFactory,
    factories.CompanyFactory,
    factories.ProviderFactory,
    factories.EstablishmentFactory,
    factories.ProviderEstablishmentFactory,
    factories.MembershipFactory,
    factories.PersonFactory,
    factories.DossierFactory,
    factories.EnrolmentFactory,
    factories.DocumentFactory,
    factories.MessageFactory,
    factories.MessageReadFactory,
    factories.PaymentFactory,
    factories.PaymentLineFactory,
]


@pytest.mark.parametrize("factory_class", EVERY_FACTORY, ids=lambda f: f.__name__)
def test_each_factory_builds_a_valid_object(factory_class):
    obj = factory_class()

    obj.full_clean()


@pytest.mark.parametrize(
    "kwargs",
    [
        {"cfa": True},
        {"without_iban": True},
        {"head_office": True},
    ],
    ids=str,
)
def test_provider_establishment_traits_are_valid(kwargs):
    establishment = factories.ProviderEstablishmentFactory(**kwargs)

    establishment.full_clean()


def test_company_establishment_with_bank_details_is_valid():
    establishment = factories.EstablishmentFactory(with_bank_details=True)

    establishment.full_clean()
    validate_iban(establishment.iban)


def test_cfa_trait_gives_a_valid_uai():
    establishment = factories.ProviderEstablishmentFactory(cfa=True)

    validate_uai(establishment.uai)
    assert establishment.is_cfa


def test_siret_starts_with_the_siren_and_is_unique():
    company = factories.CompanyFactory()
    first, second = factories.EstablishmentFactory.create_batch(2, organisation=company)

    for establishment in (first, second):
        validate_siret(establishment.siret)
        assert establishment.siret.startswith(company.siren)
    assert first.siret != second.siret


def test_company_has_a_member_number_and_provider_none():
    assert len(factories.CompanyFactory().member_number) == 6
    assert factories.ProviderFactory().member_number is None


@pytest.mark.parametrize("role", list(Role))
def test_membership_traits_give_each_role(role):
    membership = factories.MembershipFactory(**{role.value: True})

    membership.full_clean()
    assert membership.role == role
    expected_kind = "company" if role.value.startswith("company") else "provider"
    assert membership.establishment.organisation.kind == expected_kind


@pytest.mark.parametrize("status", list(DossierStatus))
def test_dossier_traits_give_each_status(status):
    dossier = factories.DossierFactory(**{status.value: True})

    dossier.full_clean()
    assert dossier.status == status
    assert dossier.end_date >= dossier.start_date


def test_apprenticeship_dossier_is_trained_by_a_cfa_and_managed_by_staff():
    dossier = factories.DossierFactory(apprenticeship=True, managed=True)

    dossier.full_clean()
    assert dossier.scheme == Scheme.ALTE
    assert (dossier.end_date - dossier.start_date).days == 730
    assert dossier.provider_establishment.is_cfa
    assert dossier.case_manager.is_staff


def test_enrolment_person_works_for_the_employer():
    enrolment = factories.EnrolmentFactory()

    assert enrolment.person.organisation == enrolment.dossier.employer_establishment.organisation


def test_document_file_is_a_real_pdf_with_its_size_and_checksum():
    document = factories.DocumentFactory()

    with document.file.open("rb") as handle:
        content = handle.read()
    assert content.startswith(b"%PDF-")
    assert content.rstrip().endswith(b"%%EOF")
    assert document.size == len(content)
    assert document.checksum == hashlib.sha256(content).hexdigest()


@pytest.mark.parametrize("trait", ["received", "remittance_advice"])
def test_document_traits_are_valid(trait):
    document = factories.DocumentFactory(**{trait: True})

    document.full_clean()


def test_payment_with_lines_totals_them():
    payment = factories.PaymentFactory(lines=3)

    assert payment.lines.count() == 3
    assert payment.total_amount == payment.lines_total() > Decimal("0")
    for line in payment.lines.all():
        line.full_clean()
        assert line.dossier.provider_establishment == payment.beneficiary


def test_user_password_is_set():
    user = factories.UserFactory()

    assert user.check_password(factories.DEFAULT_PASSWORD)


def test_personas():
    company_user, company_dossiers = factories.company_user_with_dossiers(dossiers=2)
    provider_user, provider_dossiers = factories.provider_user_with_dossiers(dossiers=2)

    assert len(company_dossiers) == 2
    assert set(Establishment.objects.for_user(company_user)) == {company_dossiers[0].employer_establishment}
    assert set(Establishment.objects.for_user(provider_user)) == {provider_dossiers[0].provider_establishment}
