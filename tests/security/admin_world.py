"""Staff of each back-office group, and one object of every model registered in the admin (all in one region), for
the back-office tests of tests/security/ (the group matrix and the findings' cases)."""

import datetime
import io
from decimal import Decimal

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from accounts.models import (
    AccountEvent,
    Consent,
    ConsentVersion,
    Establishment,
    Invitation,
    PersonalDataErasure,
    Portal,
    Region,
    Role,
)
from backoffice.models import ImportKind, ImportRun, StaffProfile
from backoffice.roles import ACCOUNTING, ADMINISTRATOR, CASE_MANAGER, REGIONAL_MANAGER, ensure_roles
from outbox.models import OutgoingEmail
from tests.factories import (
    TINY_PDF,
    DocumentFactory,
    DossierFactory,
    MembershipFactory,
    MessageFactory,
    PaymentFactory,
    PersonFactory,
    ProviderEstablishmentFactory,
    UserFactory,
)

SUPERUSER = "Superutilisateur"
GROUPS = [CASE_MANAGER, REGIONAL_MANAGER, ACCOUNTING, ADMINISTRATOR, SUPERUSER]
HOME_REGION = Region.OCC


def staff(group: str, regions=(HOME_REGION,), **kwargs):
    """A staff account of `group` (a regional manager of `regions`), with an authenticator app as the admin wants."""
    ensure_roles()
    if group == SUPERUSER:
        return UserFactory(superuser=True, totp=True, **kwargs)
    user = UserFactory(staff=True, **kwargs)
    user.groups.add(Group.objects.get(name=group))
    if group == REGIONAL_MANAGER:
        StaffProfile.objects.create(user=user, regions=list(regions))
    return user


def rib_request(establishment, user=None):
    """A pending bank-details request of `establishment`, with its RIB filed as a received document."""
    from banking import services
    from common.uploads import check_upload

    user = user or MembershipFactory(establishment=establishment, provider_referent=True).user
    upload = check_upload(SimpleUploadedFile("rib.pdf", TINY_PDF, content_type="application/pdf"))
    return services.submit_request(
        establishment, user, iban="FR7630004000031234567890143", bic="BNPAFRPPXXX", rib=upload
    )


def attachment(dossier):
    """A file a company attached to a message of the dossier's thread."""
    message = MessageFactory(dossier=dossier, from_company=True)
    return DocumentFactory(dossier=dossier, received=True, message=message, name="Pièce jointe.pdf")


def build_world() -> dict:
    """One object of each registered model, keyed by "app_label.Model", every establishment in HOME_REGION."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    from banking import services as banking
    from content.models import Advisor, Announcement, HelpResource
    from contributions.models import ContributionPayment, ContributionRate, ContributionReturn
    from digests.models import Digest, DigestPreference, NotificationMode
    from funding.models import CompanySize, ContractRupture, FundingRequest, FundingRule, RequestKind
    from invest.models import Campaign, ExpenseCategory, InvestmentRequest, TermsAcceptance, TermsVersion
    from invoicing.models import ContractTerms, Invoice, NpecAmount, PaymentRule, Subrogation
    from invoicing.schedule import REFERENCE_REGIMES
    from referentials.models import CollectiveAgreement, Diploma, RncpCertification, TrainingCentre
    from webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent

    call_command("load_referentials", "--sample", stdout=io.StringIO())
    call_command("load_npec", "--sample", stdout=io.StringIO())
    now = timezone.now()
    provider = ProviderEstablishmentFactory(cfa=True)
    dossier = DossierFactory(provider_establishment=provider)
    employer = dossier.employer_establishment
    member = MembershipFactory(establishment=employer)
    portal_user = member.user
    accountant = staff(ACCOUNTING)
    bank_request = rib_request(provider)
    validated = rib_request(ProviderEstablishmentFactory())
    change = banking.validate_request(validated, accountant)
    category = ExpenseCategory.objects.first() or ExpenseCategory.objects.create(name="Équipements", position=1)
    campaign = Campaign.objects.create(
        year=2026,
        opens_at=now - datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=30),
        envelope=Decimal("100000.00"),
        max_amount_per_request=Decimal("10000.00"),
    )
    terms = TermsVersion.objects.create(version="9", body="Conditions.")
    rate = ContributionRate.objects.create(year=2025, label="Contribution légale", rate=Decimal("0.55"))
    endpoint = WebhookEndpoint.objects.create(
        organisation=provider.organisation,
        portal="ogestion",
        url="https://logiciel.exemple.fr/webhooks",
        events=["payment.recorded"],
    )
    event = WebhookEvent.objects.create(type="payment.recorded", organisation=provider.organisation, payload={})
    world = {
        "auth.Group": Group.objects.get(name=CASE_MANAGER),
        "account.EmailAddress": EmailAddress.objects.create(user=portal_user, email=portal_user.email, verified=True),
        "mfa.Authenticator": Authenticator.objects.filter(user=accountant).first(),
        "referentials.TrainingCentre": TrainingCentre.objects.first(),
        "referentials.Diploma": Diploma.objects.first(),
        "referentials.RncpCertification": RncpCertification.objects.first(),
        "referentials.CollectiveAgreement": CollectiveAgreement.objects.first(),
        "invoicing.NpecAmount": NpecAmount.objects.first(),
        "invoicing.ContractTerms": ContractTerms.objects.create(
            dossier=dossier,
            concluded_on=dossier.start_date,
            starts_on=dossier.start_date,
            ends_on=dossier.end_date,
            annual_npec=Decimal("8000.00"),
        ),
        "invoicing.Invoice": Invoice.objects.create(
            dossier=dossier,
            organisation=provider.organisation,
            number="F-WORLD-1",
            invoice_date=dossier.start_date,
            period_start=dossier.start_date,
            period_end=dossier.start_date,
            amount=Decimal("100.00"),
            uploaded_by=portal_user,
            **Invoice.pdf_fields(TINY_PDF, name="facture.pdf"),
        ),
        "invoicing.Subrogation": Subrogation.objects.create(dossier=dossier, agreed_amount=Decimal("1200.00")),
        "invoicing.PaymentRule": PaymentRule.objects.first()
        or PaymentRule.objects.create(
            name=REFERENCE_REGIMES[0].name,
            concluded_from=REFERENCE_REGIMES[0].concluded_from,
            advance_share=Decimal("0.40"),
            seventh_month_share=Decimal("0.30"),
            short_contract_advance_share=Decimal("0.50"),
        ),
        "accounts.User": portal_user,
        "accounts.Organisation": employer.organisation,
        "accounts.Establishment": employer,
        "accounts.Membership": member,
        "accounts.Person": PersonFactory(organisation=employer.organisation),
        "accounts.AccountEvent": AccountEvent.objects.create(
            user=portal_user, kind=AccountEvent._meta.get_field("kind").choices[0][0]
        ),
        "api.ApiKey": _api_key(member),
        "accounts.ConsentVersion": ConsentVersion.objects.first(),
        "accounts.Consent": Consent.objects.filter(user=portal_user).first(),
        "accounts.Invitation": Invitation.objects.create(
            portal=Portal.EGESTION,
            organisation=employer.organisation,
            role=Role.COMPANY_USER,
            email="invitee@exemple.fr",
            token_hash="0" * 64,
            expires_at=now + datetime.timedelta(days=1),
        ),
        "accounts.PersonalDataErasure": PersonalDataErasure.objects.create(
            operator=accountant, reason="Demande de la personne", details={}
        ),
        "messaging.Message": MessageFactory(dossier=dossier, from_company=True),
        "dossiers.Dossier": dossier,
        "dossiers.Document": DocumentFactory(dossier=dossier, received=True),
        "dossiers.DossierStatusChange": dossier.status_changes.create(from_status="submitted", to_status="received"),
        "payments.Payment": PaymentFactory(beneficiary=provider, lines=1),
        "funding.FundingRequest": FundingRequest.objects.create(
            kind=RequestKind.APPRENTICESHIP, employer_establishment=employer, created_by=portal_user
        ),
        "funding.ContractRupture": ContractRupture.objects.create(
            dossier=dossier,
            rupture_date=dossier.start_date + datetime.timedelta(days=60),
            reason="02",
            initiative="commun",
            previous_end_date=dossier.end_date,
            declared_by=portal_user,
        ),
        "funding.FundingRule": FundingRule.objects.create(
            year=2026,
            company_size=CompanySize.UNDER_11,
            hourly_ceiling=Decimal("25.00"),
            funding_rate=Decimal("1.00"),
            annex_hourly_ceiling=Decimal("10.00"),
        ),
        "banking.BankDetailsRequest": bank_request,
        "banking.BankDetailsChange": change,
        "contributions.ContributionRate": rate,
        "contributions.ContributionReturn": ContributionReturn.objects.create(
            establishment=employer,
            year=2025,
            headcount=8,
            payroll=Decimal("250000.00"),
            fixed_term_payroll=Decimal("0.00"),
            total_amount=Decimal("1375.00"),
            submitted_by=portal_user,
        ),
        "contributions.ContributionPayment": ContributionPayment.objects.create(
            establishment=employer, year=2025, reference="VRT-2025-1", paid_on=now.date(), amount=Decimal("1375.00")
        ),
        "digests.Digest": Digest.objects.create(
            user=portal_user, period=now, window_start=now - datetime.timedelta(days=3), window_end=now
        ),
        "digests.DigestPreference": DigestPreference.objects.create(
            user=portal_user, mode=NotificationMode.choices[0][0]
        ),
        "outbox.OutgoingEmail": OutgoingEmail.objects.create(
            message_id="<world@constructys.fr>",
            from_email="noreply@constructys.fr",
            to=[portal_user.email],
            subject="Constructys - test",
            body="Texte.",
        ),
        "webhooks.WebhookEndpoint": endpoint,
        "webhooks.WebhookDelivery": WebhookDelivery.objects.create(endpoint=endpoint, event=event),
        "invest.TermsVersion": terms,
        "invest.TermsAcceptance": TermsAcceptance.objects.create(user=portal_user, version=terms),
        "invest.ExpenseCategory": category,
        "invest.Campaign": campaign,
        "invest.InvestmentRequest": InvestmentRequest.objects.create(
            campaign=campaign,
            establishment=provider,
            created_by=portal_user,
            title="Plateau technique",
            category=category,
        ),
        "content.Announcement": Announcement.objects.create(title="Information", body="Texte."),
        "content.Advisor": Advisor.objects.create(name="Claire Conseil", region=HOME_REGION),
        "content.HelpResource": HelpResource.objects.create(slug="aide-matrice-admin", title="Aide", body="Texte."),
        "backoffice.ImportRun": ImportRun.objects.create(kind=ImportKind.MEMBERS, file_name="adherents.csv"),
        "backoffice.StaffProfile": StaffProfile.objects.create(user=accountant, regions=[HOME_REGION]),
        "admin.LogEntry": LogEntry.objects.create(
            user=accountant,
            content_type=ContentType.objects.get_for_model(dossier),
            object_id=str(dossier.pk),
            object_repr=str(dossier),
            action_flag=CHANGE,
            change_message="[]",
        ),
    }
    Establishment.objects.update(region=HOME_REGION)
    return world


def _api_key(membership):
    """A key of a portal account manager (Accès API)."""
    from datetime import timedelta

    from django.utils import timezone

    from api.keys import create_key

    return create_key(
        user=membership.user,
        portal="egestion",
        name="Logiciel de paie",
        scope="read",
        establishments=[membership.establishment],
        expires_on=timezone.localdate() + timedelta(days=30),
        allowed_establishments=[membership.establishment],
    ).key
