"""factory_boy factories for every model, with values that pass the models' validators (`full_clean()`).

Conventions (les-emplois style):
- a factory builds a complete, valid object with its parents: `DossierFactory()` also creates the employer
  (a member company's establishment) and the training provider's establishment;
- variants are traits: `DossierFactory(closed=True)`, `ProviderEstablishmentFactory(cfa=True)`,
  `MembershipFactory(provider_referent=True)`, `DocumentFactory(remittance_advice=True)`;
- identifiers are sequences with valid check digits (SIREN/SIRET Luhn, UAI letter, IBAN mod 97), in ranges that
  the demo data (`manage.py seed_demo`) does not use.

Every user's password is `DEFAULT_PASSWORD`.
"""

import datetime
import hashlib
import io
from decimal import Decimal

import factory
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import encrypt as mfa_encrypt
from django.core.files.base import ContentFile

from accounts.models import (
    Civility,
    Consent,
    ConsentVersion,
    Establishment,
    Membership,
    Organisation,
    OrganisationKind,
    Person,
    Region,
    Role,
    User,
)
from accounts.validators import luhn_complete
from demo import identifiers
from dossiers.models import Document, DocumentDirection, DocumentKind, Dossier, DossierStatus, Enrolment, Scheme
from messaging.models import Message, MessageRead, SenderSide
from payments.models import Payment, PaymentLine, PaymentMode

DEFAULT_PASSWORD = "Motdepasse-123!"
# The authenticator app (TOTP) secret of staff users: tests compute the current code with totp_code().
TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def totp_code(secret: str = TEST_TOTP_SECRET) -> str:
    """The code an authenticator app shows now for `secret`."""
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time

    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))


def _fr(provider, **kwargs):
    return factory.Faker(provider, locale="fr_FR", **kwargs)


# --- a tiny, valid PDF (one A4 page, one line of Helvetica), with a correct cross-reference table -------------


def minimal_pdf(text: str = "Constructys - document de test") -> bytes:
    """Build a one-page PDF by hand: small, valid, and deterministic (no dates, no ids)."""
    safe = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").encode("latin-1")
    content = b"BT /F1 14 Tf 72 770 Td (" + safe + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length " + str(len(content)).encode() + b" >>\nstream\n" + content + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref_at = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref_at}\n%%EOF\n".encode()
    return bytes(out)


TINY_PDF = minimal_pdf()


def tiny_image(image_format: str = "PNG", size=(40, 30)) -> bytes:
    """A small real image (uploads read an image's header: a bare signature is not enough)."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (200, 60, 30)).save(out, format=image_format)
    return out.getvalue()


# --- identifiers with valid check digits --------------------------------------------------------------------


def siren_for(n: int, prefix: str = "3") -> str:
    """A valid SIREN (8 digits + Luhn digit). Factories use the 3xxxxxxx range, the demo world others."""
    return luhn_complete(f"{prefix}{n % 10**7:07d}")


def siret_for(siren: str, nic: int) -> str:
    return identifiers.siret(siren, nic % 10**4)


def uai_for(n: int) -> str:
    return identifiers.uai(f"{31 * 10**5 + n % 10**5:07d}")  # 031xxxx: a Haute-Garonne school


# A few (postal code, city, region) triples so addresses are consistent.
CITIES = [
    ("31000", "TOULOUSE", Region.OCC),
    ("33000", "BORDEAUX", Region.NAQ),
    ("69003", "LYON", Region.ARA),
    ("74000", "ANNECY", Region.ARA),
    ("59000", "LILLE", Region.HDF),
    ("44000", "NANTES", Region.PDL),
    ("67000", "STRASBOURG", Region.GES),
    ("13001", "MARSEILLE", Region.PAC),
    ("75010", "PARIS", Region.IDF),
    ("35000", "RENNES", Region.BRE),
]

TRAININGS = [
    (Scheme.ALTE, "MACON (CAP)"),
    (Scheme.ALTE, "PLATRIER-PLAQUISTE (CAP)/METIERS DU PLATRE ET DE L'ISOLATION (CAP)"),
    (Scheme.ALTE, "PREPARATION ET REALISATION D'OUVRAGES ELECTRIQUES (CAP)/ELECTRICIEN (CAP)"),
    (Scheme.PLAN, "FORMATION INITIALE AMIANTE SS4 OPERATEUR DE CHANTIER"),
    (Scheme.PLAN, "TRAVAUX EN HAUTEUR - PORT DU HARNAIS"),
    (Scheme.CPRO, "TITRE PROFESSIONNEL CHEF D'EQUIPE GROS OEUVRE"),
    (Scheme.PROA, "TITRE PROFESSIONNEL TECHNICIEN DU BATIMENT COMMUNICANT ET CONNECTE"),
    (Scheme.FNE, "TRANSITION ENERGETIQUE - RENOVATION PERFORMANTE"),
    (Scheme.TUTO, "FORMATION DE MAITRE D'APPRENTISSAGE"),
]


# --- accounts ----------------------------------------------------------------------------------------------


def accept_current_terms(user):
    """What a user's first login does on the RGPD/CGU page, for accounts made through a flow in a test."""
    Consent.objects.bulk_create(
        [Consent(user=user, version=version) for version in ConsentVersion.objects.current()], ignore_conflicts=True
    )


class UserFactory(factory.django.DjangoModelFactory):
    """A user who has accepted the RGPD and CGU in force (`consented=False` for one who has not, as at a first
    login); a staff user also has an authenticator app with the secret TEST_TOTP_SECRET (`totp=False` for none),
    as the admin requires."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    class Params:
        staff = factory.Trait(is_staff=True, function="Gestionnaire formation")
        superuser = factory.Trait(is_staff=True, is_superuser=True)

    email = factory.Sequence(lambda n: f"utilisateur{n}@exemple.fr")
    password = factory.django.Password(DEFAULT_PASSWORD)
    civility = factory.Iterator([Civility.MADAME, Civility.MONSIEUR])
    first_name = _fr("first_name")
    last_name = _fr("last_name")
    function = "Responsable formation"
    phone = factory.Sequence(lambda n: f"05{n % 10**8:08d}")

    @factory.post_generation
    def consented(self, create, extracted, **kwargs):
        if create and extracted is not False:
            accept_current_terms(self)

    @factory.post_generation
    def totp(self, create, extracted, **kwargs):
        if create and (extracted or (extracted is None and self.is_staff)):
            Authenticator.objects.create(
                user=self, type=Authenticator.Type.TOTP, data={"secret": mfa_encrypt(TEST_TOTP_SECRET)}
            )


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = OrganisationKind.COMPANY
    name = factory.LazyAttribute(lambda o: o.company_name.upper())
    siren = factory.Sequence(siren_for)
    member_number = factory.Sequence(lambda n: f"{600000 + n % 300000:06d}")
    contact_email = factory.Sequence(lambda n: f"contact{n}@entreprise-exemple.fr")

    class Params:
        company_name = _fr("company")


class CompanyFactory(OrganisationFactory):
    """A member company ("entreprise adhérente")."""


class ProviderFactory(OrganisationFactory):
    """A training provider ("organisme de formation"): no member number."""

    kind = OrganisationKind.PROVIDER
    member_number = None
    contact_email = factory.Sequence(lambda n: f"contact{n}@organisme-exemple.fr")
    name = factory.Sequence(lambda n: f"CENTRE DE FORMATION DU BATIMENT {n}")


class EstablishmentFactory(factory.django.DjangoModelFactory):
    """An establishment of a member company."""

    class Meta:
        model = Establishment

    class Params:
        place = factory.Iterator(CITIES)
        head_office = factory.Trait(is_head_office=True)
        with_bank_details = factory.Trait(
            iban=factory.Sequence(lambda n: identifiers.french_iban("30004", "00823", f"{n % 10**11:011d}")),
            bic="BNPAFRPPXXX",
        )

    organisation = factory.SubFactory(CompanyFactory)
    siret = factory.LazyAttributeSequence(lambda o, n: siret_for(o.organisation.siren, n + 1))
    name = factory.SelfAttribute("organisation.name")
    address_line1 = _fr("street_address")
    postal_code = factory.LazyAttribute(lambda o: o.place[0])
    city = factory.LazyAttribute(lambda o: o.place[1])
    region = factory.LazyAttribute(lambda o: o.place[2])


class ProviderEstablishmentFactory(EstablishmentFactory):
    """An establishment of a training provider, with its NDA and bank details; `cfa=True` adds a UAI."""

    class Params:
        cfa = factory.Trait(uai=factory.Sequence(uai_for))
        without_iban = factory.Trait(iban="", bic="")

    organisation = factory.SubFactory(ProviderFactory)
    nda = factory.Sequence(lambda n: f"7631{n % 10**7:07d}")
    iban = factory.Sequence(lambda n: identifiers.french_iban("30003", "01234", f"{n % 10**11:011d}"))
    bic = "SOGEFRPPXXX"


class MembershipFactory(factory.django.DjangoModelFactory):
    """A user's access to an establishment. Default: company user; traits for the other roles."""

    class Meta:
        model = Membership

    class Params:
        company_manager = factory.Trait(role=Role.COMPANY_MANAGER)
        company_user = factory.Trait(role=Role.COMPANY_USER)
        provider_referent = factory.Trait(
            role=Role.PROVIDER_REFERENT, establishment=factory.SubFactory(ProviderEstablishmentFactory)
        )
        provider_user = factory.Trait(
            role=Role.PROVIDER_USER, establishment=factory.SubFactory(ProviderEstablishmentFactory)
        )
        inactive = factory.Trait(is_active=False)

    user = factory.SubFactory(UserFactory)
    establishment = factory.SubFactory(EstablishmentFactory)
    role = Role.COMPANY_USER


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    organisation = factory.SubFactory(CompanyFactory)
    civility = factory.Iterator([Civility.MONSIEUR, Civility.MADAME])
    last_name = _fr("last_name")
    first_name = factory.LazyAttribute(
        lambda o: o.male_first_name if o.civility == Civility.MONSIEUR else o.female_first_name
    )
    birth_date = _fr("date_of_birth", minimum_age=16, maximum_age=60)
    nir = factory.LazyAttributeSequence(
        lambda o, n: f"{1 if o.civility == Civility.MONSIEUR else 2}{o.birth_date:%y%m}31555{n % 1000:03d}"
    )
    email = factory.LazyAttributeSequence(lambda o, n: f"salarie{n}@exemple.fr")
    address_line1 = _fr("street_address")
    postal_code = "31000"
    city = "TOULOUSE"
    job_title = factory.Iterator(["Maçon", "Électricien", "Plaquiste", "Chef de chantier", "Apprenti maçon"])

    class Params:
        male_first_name = _fr("first_name_male")
        female_first_name = _fr("first_name_female")


# --- dossiers ----------------------------------------------------------------------------------------------


class DossierFactory(factory.django.DjangoModelFactory):
    """A dossier in progress ("En cours"); traits for every other state and for apprenticeship."""

    class Meta:
        model = Dossier

    class Params:
        training = factory.Iterator(TRAININGS)
        duration_days = 120
        submitted = factory.Trait(status=DossierStatus.SUBMITTED)
        received = factory.Trait(status=DossierStatus.RECEIVED)
        incomplete = factory.Trait(status=DossierStatus.INCOMPLETE)
        accepted = factory.Trait(status=DossierStatus.ACCEPTED)
        refused = factory.Trait(status=DossierStatus.REFUSED)
        cancelled = factory.Trait(status=DossierStatus.CANCELLED)
        terminated = factory.Trait(status=DossierStatus.TERMINATED)  # an apprenticeship contract broken ("Rompu le …")
        closed = factory.Trait(
            status=DossierStatus.CLOSED,
            start_date=_fr("date_between", start_date=datetime.date(2020, 1, 1), end_date=datetime.date(2023, 6, 30)),
        )
        apprenticeship = factory.Trait(
            scheme=Scheme.ALTE,
            title="MACON (CAP)",
            duration_days=730,
            provider_establishment=factory.SubFactory(ProviderEstablishmentFactory, cfa=True),
        )
        managed = factory.Trait(case_manager=factory.SubFactory(UserFactory, staff=True))

    number = factory.Sequence(lambda n: f"9930{n % 10**6:06d}.01")
    request_number = factory.Sequence(lambda n: f"{2400000 + n}")
    scheme = factory.LazyAttribute(lambda o: o.training[0])
    status = DossierStatus.ACCEPTED
    title = factory.LazyAttribute(lambda o: o.training[1])
    start_date = _fr("date_between", start_date=datetime.date(2024, 1, 1), end_date=datetime.date(2026, 12, 31))
    end_date = factory.LazyAttribute(lambda o: o.start_date + datetime.timedelta(days=o.duration_days))
    employer_establishment = factory.SubFactory(EstablishmentFactory)
    provider_establishment = factory.SubFactory(ProviderEstablishmentFactory)
    case_manager = None


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    dossier = factory.SubFactory(DossierFactory)
    person = factory.SubFactory(
        PersonFactory, organisation=factory.SelfAttribute("..dossier.employer_establishment.organisation")
    )


class DocumentFactory(factory.django.DjangoModelFactory):
    """A PDF on a dossier, issued by Constructys (a funding agreement) unless a trait says otherwise."""

    class Meta:
        model = Document

    class Params:
        content = TINY_PDF
        received = factory.Trait(
            direction=DocumentDirection.RECEIVED, kind=DocumentKind.CERFA, name="CERFA FA13 signé.pdf"
        )
        remittance_advice = factory.Trait(
            dossier=None,
            establishment=factory.SubFactory(ProviderEstablishmentFactory),
            kind=DocumentKind.REMITTANCE_ADVICE,
            name=factory.Sequence(lambda n: f"Avis de virement - VIR{9000 + n}.pdf"),
        )

    dossier = factory.SubFactory(DossierFactory)
    establishment = None
    direction = DocumentDirection.ISSUED
    kind = DocumentKind.FUNDING_AGREEMENT
    name = "Accord de prise en charge.pdf"
    file = factory.LazyAttribute(lambda o: ContentFile(o.content, name=o.name))
    content_type = "application/pdf"
    size = factory.LazyAttribute(lambda o: len(o.content))
    checksum = factory.LazyAttribute(lambda o: hashlib.sha256(o.content).hexdigest())


# --- messaging ---------------------------------------------------------------------------------------------


class MessageFactory(factory.django.DjangoModelFactory):
    """A message from the case manager; `from_company=True` for one the company wrote."""

    class Meta:
        model = Message

    class Params:
        from_company = factory.Trait(
            sender_side=SenderSide.COMPANY,
            author=factory.SubFactory(UserFactory),
            title="Pièces justificatives",
            body="Bonjour, vous trouverez ci-joint les pièces demandées. Cordialement.",
        )

    dossier = factory.SubFactory(DossierFactory)
    sender_side = SenderSide.CONSTRUCTYS
    author = factory.SubFactory(UserFactory, staff=True)
    title = "Message envoyé par le gestionnaire"
    body = "Bonjour, merci de nous transmettre la convention de formation signée. Cordialement."


class MessageReadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MessageRead

    message = factory.SubFactory(MessageFactory)
    user = factory.SubFactory(UserFactory)


# --- payments ----------------------------------------------------------------------------------------------


class PaymentFactory(factory.django.DjangoModelFactory):
    """A transfer to a provider establishment. `PaymentFactory(lines=3)` adds 3 lines and sets the total to
    their sum; without lines, the total is a plain amount."""

    class Meta:
        model = Payment
        skip_postgeneration_save = True

    reference = factory.Sequence(lambda n: f"VIR{10000 + n}")
    paid_on = _fr("date_between", start_date=datetime.date(2022, 1, 1), end_date=datetime.date(2026, 6, 30))
    beneficiary = factory.SubFactory(ProviderEstablishmentFactory)
    iban_paid = factory.SelfAttribute("beneficiary.iban")
    mode = PaymentMode.TRANSFER
    total_amount = Decimal("1875.00")
    remittance_advice = None

    @factory.post_generation
    def lines(self, create, extracted, **kwargs):
        if not create or not extracted:
            return
        lines = [PaymentLineFactory(payment=self, **kwargs) for _ in range(extracted)]
        self.total_amount = sum((line.amount for line in lines), Decimal("0.00"))
        self.save(update_fields=["total_amount"])


class PaymentLineFactory(factory.django.DjangoModelFactory):
    """One invoice settled by a payment, on a dossier trained by the payment's beneficiary."""

    class Meta:
        model = PaymentLine

    payment = factory.SubFactory(PaymentFactory)
    dossier = factory.SubFactory(DossierFactory, provider_establishment=factory.SelfAttribute("..payment.beneficiary"))
    invoice_number = factory.Sequence(lambda n: f"FEH{1220000 + n}")
    period_start = factory.SelfAttribute("dossier.start_date")
    period_end = factory.LazyAttribute(lambda o: o.period_start + datetime.timedelta(days=60))
    invoice_date = factory.LazyAttribute(lambda o: o.period_end + datetime.timedelta(days=10))
    scheme = factory.SelfAttribute("dossier.scheme")
    training_title = factory.SelfAttribute("dossier.title")
    amount = factory.Iterator([Decimal("1875.00"), Decimal("1163.75"), Decimal("3102.50"), Decimal("2276.75")])


# --- personas ----------------------------------------------------------------------------------------------


def company_user_with_dossiers(dossiers=3, role=Role.COMPANY_MANAGER, **dossier_kwargs):
    """A company user attached to one establishment that employs `dossiers` dossiers. Returns (user, dossiers)."""
    membership = MembershipFactory(role=role)
    created = DossierFactory.create_batch(dossiers, employer_establishment=membership.establishment, **dossier_kwargs)
    return membership.user, created


def provider_user_with_dossiers(dossiers=3, role=Role.PROVIDER_REFERENT, **dossier_kwargs):
    """A provider user attached to one establishment that trains `dossiers` dossiers. Returns (user, dossiers)."""
    membership = MembershipFactory(role=role, establishment=ProviderEstablishmentFactory())
    created = DossierFactory.create_batch(dossiers, provider_establishment=membership.establishment, **dossier_kwargs)
    return membership.user, created


def staff_user(role, **kwargs):
    """A staff member of a back-office role (a group of backoffice.roles), with an authenticator app."""
    from django.contrib.auth.models import Group

    from backoffice.roles import ensure_roles

    ensure_roles()
    user = UserFactory(staff=True, **kwargs)
    user.groups.add(Group.objects.get(name=role))
    return user
