"""Builds the small demo world described in demo/data.py, idempotently.

Every object is looked up by its natural key (SIREN, SIRET, email, dossier number, payment reference...) and
only created or updated when it is missing or differs: a second run writes nothing. Timestamps the models fill
automatically (auto_now_add) are backdated once, when the object is created.
"""

import datetime
from decimal import Decimal

from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import decrypt, encrypt
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.utils import timezone

from accounts.models import Establishment, Membership, Organisation, Person, User
from backoffice.instruction import funding_agreement_pdf
from backoffice.roles import CASE_MANAGER, ensure_roles
from common.formats import format_amount as euros
from content.models import Advisor, Announcement
from deadlines.services import refresh_many
from demo import data, identifiers
from demo.pdf import render_pdf
from dossiers.models import Document, DocumentDirection, DocumentKind, Dossier, DossierStatus, Enrolment, Scheme
from messaging.models import Message, MessageRead, SenderSide
from messaging.services import refresh_unread_company_messages
from payments.models import Payment, PaymentLine, PaymentMode, RemittanceAdvice
from payments.services import payment_fingerprint, remittance_advice_pdf

CASE_MANAGER_GROUP = CASE_MANAGER  # the back office role (backoffice.roles)

# The authenticator app (TOTP) secret of every demo staff account, fixed so that a demo can be followed from the
# README: add it to an authenticator app, or print the current code with `manage.py demo_totp <email>`.
DEMO_TOTP_SECRET = "DEMOCONSTRUCTYSBACKOFFICETOTP234"


def demo_staff_emails() -> list[str]:
    return [spec.email for spec in data.USERS if spec.is_staff]


def demo_totp_uri(email: str) -> str:
    """The otpauth:// address (what the QR code holds) of a demo staff account."""
    user = User(email=email)
    return get_mfa_adapter().build_totp_url(user, DEMO_TOTP_SECRET)


# Amount granted per trainee, when no payment says otherwise (for the funding agreement letters).
GRANTED_PER_TRAINEE = {
    Scheme.PLAN: Decimal("1200.00"),
    Scheme.ALTE: Decimal("7450.00"),
    Scheme.CPRO: Decimal("9600.00"),
    Scheme.PROA: Decimal("8200.00"),
    Scheme.FNE: Decimal("1500.00"),
    Scheme.TUTO: Decimal("230.00"),
}


def upsert(model, lookup: dict, values: dict):
    """Get by `lookup` and bring `values` up to date, or create: writes only what differs. Returns (obj, created).

    New and changed objects are validated with full_clean(), so the demo data passes the same checks as forms.
    """
    manager = model._base_manager
    obj = manager.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.full_clean()
        obj.save()
        return obj, True
    changed = []
    for name, value in values.items():
        field = model._meta.get_field(name)
        current = getattr(obj, field.attname)
        wanted = value.pk if isinstance(value, models.Model) else value
        if current != wanted:
            setattr(obj, name, value)
            changed.append(name)
    if changed:
        obj.full_clean()
        obj.save(update_fields=changed)
    return obj, False


def at(day: datetime.date, hour: int = 9, minute: int = 30) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def fr_date(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


class DemoWorld:
    def __init__(self, log=print):
        self.log = log
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.orgs: dict[str, Organisation] = {}
        self.sites: dict[str, Establishment] = {}
        self.users: dict[str, User] = {}
        self.persons: dict[str, list[Person]] = {}
        self.dossiers: dict[int, Dossier] = {}
        self.rendered = 0

    @transaction.atomic
    def build(self):
        self.case_manager_group()
        self.organisations()
        self.establishments()
        self.user_accounts()
        self.staff_authenticators()
        self.memberships()
        self.trainees()
        self.provider_staff()
        self.training_dossiers()
        self.messages()
        refresh_unread_company_messages(Dossier.objects.filter(pk__in=[d.pk for d in self.dossiers.values()]))
        self.payments()
        self.documents()
        self.member_account()
        self.funding_rules()
        self.plan_request_draft()
        self.portal_content()
        self.notification_preferences()
        refresh_many([dossier.pk for dossier in self.dossiers.values()])  # their échéances (deadlines)
        return self

    # --- registries and accounts -----------------------------------------------------------------------------

    def case_manager_group(self):
        self.roles = ensure_roles()
        self.group = self.roles[CASE_MANAGER_GROUP]

    def organisations(self):
        for org in data.ORGANISATIONS:
            self.orgs[org.key], _ = upsert(
                Organisation,
                {"siren": identifiers.siren(org.siren_base)},
                {
                    "kind": org.kind,
                    "name": org.name,
                    "member_number": org.member_number,
                    "contact_email": org.contact_email,
                },
            )

    def establishments(self):
        for site in data.SITES:
            organisation = self.orgs[site.org]
            self.sites[site.key], _ = upsert(
                Establishment,
                {"siret": identifiers.siret(organisation.siren, site.nic)},
                {
                    "organisation": organisation,
                    "name": site.name,
                    "sign": site.sign,
                    "address_line1": site.address,
                    "address_line2": site.address2,
                    "postal_code": site.postal_code,
                    "city": site.city,
                    "region": site.region,
                    "is_head_office": site.head_office,
                    "nda": site.nda,
                    "uai": identifiers.uai(site.uai_digits) if site.uai_digits else "",
                    "iban": identifiers.french_iban(*site.bank) if site.bank else "",
                    "bic": site.bic,
                },
            )

    def user_accounts(self):
        for spec in data.USERS:
            user = User.objects.filter(email__iexact=spec.email).first() or User(email=spec.email)
            wanted = {
                "civility": spec.civility,
                "first_name": spec.first_name,
                "last_name": spec.last_name,
                "function": spec.function,
                "phone": spec.phone,
                "is_staff": spec.is_staff,
                "is_superuser": spec.is_superuser,
                "is_active": True,
            }
            changed = [name for name, value in wanted.items() if getattr(user, name) != value]
            for name in changed:
                setattr(user, name, wanted[name])
            if not user.check_password(data.PASSWORD):  # also resets a demo password someone changed
                user.set_password(data.PASSWORD)
                changed.append("password")
            if user.pk is None:
                user.full_clean()
                user.save()
            elif changed:
                user.save(update_fields=changed)
            if spec.is_staff and not spec.is_superuser:
                group = self.roles[spec.staff_role]
                if not user.groups.filter(pk=group.pk).exists():
                    user.groups.add(group)
            self.users[spec.key] = user

    def staff_authenticators(self):
        """Staff need an authenticator app to reach the admin: the demo ones share DEMO_TOTP_SECRET."""
        for spec in data.USERS:
            if not spec.is_staff:
                continue
            user = self.users[spec.key]
            authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
            if authenticator is None:
                Authenticator.objects.create(
                    user=user, type=Authenticator.Type.TOTP, data={"secret": encrypt(DEMO_TOTP_SECRET)}
                )
            elif decrypt(authenticator.data.get("secret", "")) != DEMO_TOTP_SECRET:  # someone set up their own
                authenticator.data = {**authenticator.data, "secret": encrypt(DEMO_TOTP_SECRET)}
                authenticator.save(update_fields=["data"])
        self.log("Double authentification du back office (comptes de démonstration de l'équipe Constructys) :")
        self.log(f"  clé TOTP commune : {DEMO_TOTP_SECRET}")
        for spec in data.USERS:
            if spec.is_staff and spec.listed:
                self.log(f"  {spec.email} : {demo_totp_uri(spec.email)}")
        self.log("  code du moment : .venv/bin/python manage.py demo_totp <email>")

    def memberships(self):
        for spec in data.USERS:
            for site_key, role in spec.memberships:
                upsert(
                    Membership,
                    {"user": self.users[spec.key], "establishment": self.sites[site_key]},
                    {"role": role, "is_active": True},
                )

    def trainees(self):
        for org_key, trainees in data.TRAINEES.items():
            organisation = self.orgs[org_key]
            self.persons[org_key] = []
            # Each person is declared by the company's establishment of their town (or its first one): users who
            # see one establishment find its persons only (Person.objects.for_user).
            sites = [self.sites[site.key] for site in data.SITES if site.org == org_key]
            for index, t in enumerate(trainees):
                site = next((e for e in sites if e.city == t.city), sites[0] if sites else None)
                sex = "1" if t.civility == "m" else "2"
                person, _ = upsert(
                    Person,
                    {
                        "organisation": organisation,
                        "last_name": t.last_name.upper(),
                        "first_name": t.first_name,
                        "birth_date": t.birth_date,
                    },
                    {
                        "civility": t.civility,
                        "nir": f"{sex}{t.birth_date:%y%m}{t.postal_code[:2]}{120 + index:03d}{101 + index:03d}",
                        "email": "",
                        "postal_code": t.postal_code,
                        "city": t.city,
                        "address_line1": f"{3 + 7 * index} RUE DES ARTISANS",
                        "job_title": t.job_title,
                        "establishment": site,
                    },
                )
                self.persons[org_key].append(person)

    def provider_staff(self):
        """The training providers' employees, each declared by their establishment (oGestion's "Sélection d'un
        salarié" lists them to the référent)."""
        for org_key, persons in data.PROVIDER_STAFF.items():
            for civility, last_name, first_name, job_title, site_key, email in persons:
                site = self.sites[site_key]
                upsert(
                    Person,
                    {"organisation": self.orgs[org_key], "last_name": last_name.upper(), "first_name": first_name},
                    {
                        "civility": civility,
                        "establishment": site,
                        "email": email,
                        "job_title": job_title,
                    },
                )

    # --- dossiers and messages ---------------------------------------------------------------------------------

    def anchor(self, spec) -> datetime.date:
        """When the company filed the request: about six weeks before the training, never in the future."""
        return min(spec.start - datetime.timedelta(days=40), self.today - datetime.timedelta(days=25))

    def training_dossiers(self):
        for spec in data.DOSSIERS:
            employer = self.sites[spec.employer]
            dossier, created = upsert(
                Dossier,
                {"number": spec.number},
                {
                    "request_number": spec.request_number,
                    "scheme": spec.scheme,
                    "status": spec.status,
                    "title": spec.title,
                    "start_date": spec.start,
                    "end_date": spec.end,
                    "employer_establishment": employer,
                    "provider_establishment": self.sites[spec.provider] if spec.provider else None,
                    "case_manager": self.users[spec.case_manager] if spec.case_manager else None,
                    "created_by": self.users[spec.created_by] if spec.created_by else None,
                },
            )
            if created:
                stamp = at(self.anchor(spec), 10, 15)
                Dossier.objects.filter(pk=dossier.pk).update(created_at=stamp, updated_at=stamp)
            org_key = next(s.org for s in data.SITES if s.key == spec.employer)
            # A trainee the demo moved to another dossier (trained near where they work) leaves this one.
            dossier.enrolments.exclude(person__in=[self.persons[org_key][i] for i in spec.trainees]).delete()
            for index in spec.trainees:
                enrolment, created = Enrolment.objects.get_or_create(
                    dossier=dossier, person=self.persons[org_key][index]
                )
                if created:
                    Enrolment.objects.filter(pk=enrolment.pk).update(created_at=at(self.anchor(spec), 10, 20))
            self.dossiers[spec.seq] = dossier

    def thread_times(self, spec, count) -> list[datetime.datetime]:
        """Spread a thread over the dossier's life, up to a couple of hours ago."""
        first = self.anchor(spec)
        spans = {
            DossierStatus.SUBMITTED: 0,
            DossierStatus.RECEIVED: 4,
            DossierStatus.INCOMPLETE: 12,
            DossierStatus.ACCEPTED: 30,
            DossierStatus.REFUSED: 21,
            DossierStatus.CANCELLED: 18,
            DossierStatus.CLOSED: (spec.end - first).days + 75,
            DossierStatus.TERMINATED: (spec.end - first).days + 2,
        }
        span = spans[spec.status]
        latest = self.now - datetime.timedelta(hours=2)
        times = []
        for i in range(count):
            day = first + datetime.timedelta(days=span * (i + 1) // count)
            # From 10:30 on the filing day: after the request itself (filed at 10:15).
            times.append(min(at(day, 10 + 2 * i, 30 + 9 * i), latest - datetime.timedelta(minutes=10 * (count - i))))
        return times

    def company_readers(self, spec) -> list[User]:
        """The company users who see this dossier (attached to its employer establishment)."""
        return [
            self.users[user.key]
            for user in data.USERS
            if any(site_key == spec.employer for site_key, _ in user.memberships)
        ]

    def messages(self):
        for spec in data.DOSSIERS:
            dossier = self.dossiers[spec.seq]
            thread = data.THREADS[spec.status] + ([data.FOLLOW_UP] if spec.follow_up else [])
            times = self.thread_times(spec, len(data.THREADS[spec.status]))
            if spec.follow_up:
                times.append(self.now - datetime.timedelta(hours=20))
            last_constructys = max((i for i, (side, _, _) in enumerate(thread) if side == "constructys"), default=None)
            for i, ((side, title, body), when) in enumerate(zip(thread, times, strict=True)):
                if side == "company":
                    author = self.users[spec.created_by] if spec.created_by else None
                else:
                    author = dossier.case_manager or self.users["gestionnaire"]
                message, created = upsert(
                    Message,
                    {"dossier": dossier, "title": title},
                    {
                        "sender_side": SenderSide.COMPANY if side == "company" else SenderSide.CONSTRUCTYS,
                        "author": author,
                        "body": body,
                    },
                )
                if created:
                    Message.objects.filter(pk=message.pk).update(created_at=when)
                if side == "company":
                    self.read_by_staff(spec, dossier, message, when, awaited=i == len(thread) - 1)
                stays_unread = spec.unread and i == last_constructys
                for reader in self.company_readers(spec):
                    if reader == author or stays_unread:
                        continue
                    read, created = MessageRead.objects.get_or_create(message=message, user=reader)
                    if created:
                        read_at = min(when + datetime.timedelta(hours=20), self.now)
                        MessageRead.objects.filter(pk=read.pk).update(read_at=read_at)

    def read_by_staff(self, spec, dossier, message, when, awaited):
        """The case manager opened the company's messages, except the last one of an open dossier that nobody has
        answered yet (a new request without a case manager, a question just asked): those wait in the back office's
        queue ("Messages non lus"). A dossier closed years ago has nothing unread."""
        if awaited and spec.status in data.AWAITING_STATUSES:
            return
        reader = dossier.case_manager or self.users["gestionnaire"]
        read, created = MessageRead.objects.get_or_create(message=message, user=reader)
        if created:
            MessageRead.objects.filter(pk=read.pk).update(read_at=min(when + datetime.timedelta(hours=3), self.now))

    def notification_preferences(self):
        """Digests: the Montauban user also asked for an email right away for each new message (Mon compte)."""
        from digests.models import DigestPreference, NotificationMode

        DigestPreference.objects.get_or_create(user=self.users["salarie"], defaults={"mode": NotificationMode.INSTANT})

    # --- payments ----------------------------------------------------------------------------------------------

    def payments(self):
        self.payment_objects = {}
        for spec in data.PAYMENTS:
            beneficiary = self.sites[spec.beneficiary]
            total = sum((line.amount for line in spec.lines), Decimal("0.00"))
            payment, created = upsert(
                Payment,
                {"reference": spec.reference},
                {
                    "paid_on": spec.paid_on,
                    "beneficiary": beneficiary,
                    "iban_paid": beneficiary.iban,
                    "mode": PaymentMode.TRANSFER,
                    "total_amount": total,
                },
            )
            if created:
                Payment.objects.filter(pk=payment.pk).update(created_at=at(spec.paid_on, 7, 0))
            for line in spec.lines:
                dossier = self.dossiers[line.dossier]
                upsert(
                    PaymentLine,
                    {"payment": payment, "invoice_number": line.invoice_number},
                    {
                        "dossier": dossier,
                        "invoice_date": line.invoice_date,
                        "period_start": line.period_start,
                        "period_end": line.period_end,
                        "scheme": dossier.scheme,
                        "training_title": dossier.title,
                        "amount": line.amount,
                    },
                )
            self.payment_objects[spec.reference] = payment

    # --- documents (real PDFs) --------------------------------------------------------------------------------

    def document(self, *, lookup: dict, direction, uploaded_at, uploaded_by, render) -> Document:
        """The Document for `lookup`; its PDF is rendered only when the document or its file is missing."""
        document = Document.objects.filter(**lookup).first()
        if document is not None and document.file and document.file.storage.exists(document.file.name):
            return document
        content = render()
        self.rendered += 1
        if document is None:
            document = Document(**lookup, direction=direction, uploaded_by=uploaded_by)
        document.file.save(lookup["name"], ContentFile(content), save=False)
        document.content_type = "application/pdf"
        document.size = len(content)
        document.checksum = Document.checksum_of(content)
        document.full_clean()
        document.save()
        Document.objects.filter(pk=document.pk).update(uploaded_at=uploaded_at)
        return document

    def documents(self):
        for spec in data.DOSSIERS:
            dossier = self.dossiers[spec.seq]
            decided = at(self.anchor(spec) + datetime.timedelta(days=9), 14, 0)
            if spec.status in (DossierStatus.ACCEPTED, DossierStatus.CLOSED):
                self.document(
                    lookup={
                        "dossier": dossier,
                        "establishment": None,
                        "kind": DocumentKind.FUNDING_AGREEMENT,
                        "name": f"Accord de prise en charge - {dossier.number}.pdf",
                    },
                    direction=DocumentDirection.ISSUED,
                    uploaded_at=min(decided, self.now),
                    uploaded_by=dossier.case_manager,
                    render=lambda d=dossier: self.render_funding_agreement(d),
                )
            if spec.scheme == Scheme.ALTE and spec.status != DossierStatus.SUBMITTED:
                for enrolment in dossier.enrolments.select_related("person"):
                    person = enrolment.person
                    self.document(
                        lookup={
                            "dossier": dossier,
                            "establishment": None,
                            "kind": DocumentKind.CERFA,
                            "name": f"CERFA FA13 signé - {person.last_name} {person.first_name}.pdf",
                        },
                        direction=DocumentDirection.RECEIVED,
                        uploaded_at=at(self.anchor(spec), 16, 40),
                        uploaded_by=dossier.created_by,
                        render=lambda d=dossier, p=person: self.render_cerfa(d, p),
                    )
            if spec.scheme in (Scheme.PLAN, Scheme.FNE) and spec.status in (
                DossierStatus.ACCEPTED,
                DossierStatus.CLOSED,
                DossierStatus.INCOMPLETE,
            ):
                self.document(
                    lookup={
                        "dossier": dossier,
                        "establishment": None,
                        "kind": DocumentKind.TRAINING_AGREEMENT,
                        "name": f"Convention de formation - {dossier.number}.pdf",
                    },
                    direction=DocumentDirection.RECEIVED,
                    uploaded_at=at(self.anchor(spec), 17, 5),
                    uploaded_by=dossier.created_by,
                    render=lambda d=dossier: self.render_training_agreement(d),
                )
        for spec in data.PAYMENTS:
            payment = self.payment_objects[spec.reference]
            advice = self.document(
                lookup={
                    "dossier": None,
                    "establishment": payment.beneficiary,
                    "kind": DocumentKind.REMITTANCE_ADVICE,
                    "name": f"Avis de virement - {payment.reference}.pdf",
                },
                direction=DocumentDirection.ISSUED,
                uploaded_at=at(spec.paid_on, 18, 0),
                uploaded_by=None,
                render=lambda p=payment: self.render_remittance_advice(p),
            )
            if payment.remittance_advice_id != advice.pk:
                payment.remittance_advice = advice
                payment.save(update_fields=["remittance_advice"])
            # Its version 1, with what it says of the payment: saving the payment unchanged issues nothing.
            RemittanceAdvice.objects.update_or_create(
                document=advice,
                defaults={
                    "payment": payment,
                    "version": 1,
                    "fingerprint": payment_fingerprint(payment, list(payment.lines.all())),
                },
            )

    # --- portal content (issue 6) ------------------------------------------------------------------------------

    def portal_content(self):
        """The home pages' INFORMATIONS and the eGestion "Mes Contacts" advisors, editable in the admin."""
        for position, (portal, title, body) in enumerate(data.ANNOUNCEMENTS):
            upsert(Announcement, {"title": title}, {"portal": portal, "body": body, "position": position})
        for position, (name, phone, email, region) in enumerate(data.ADVISORS):
            upsert(Advisor, {"email": email}, {"name": name, "phone": phone, "region": region, "position": position})

    def trainee_names(self, dossier) -> str:
        return ", ".join(str(e.person) for e in dossier.enrolments.select_related("person"))

    def granted_amount(self, dossier) -> Decimal:
        paid = dossier.payment_lines.aggregate(total=models.Sum("amount"))["total"]
        return paid or GRANTED_PER_TRAINEE[dossier.scheme] * max(dossier.enrolments.count(), 1)

    def render_funding_agreement(self, dossier) -> bytes:
        """The back office's own "Accord de prise en charge" (backoffice.instruction), as a case manager issues it."""
        return funding_agreement_pdf(dossier)

    def render_cerfa(self, dossier, person) -> bytes:
        employer, cfa = dossier.employer_establishment, dossier.provider_establishment
        return render_pdf(
            title="Contrat d'apprentissage - CERFA FA13",
            subtitle=f"Exemplaire signé par les parties - dossier n° {dossier.number}",
            facts=[
                ("Employeur", f"{employer.name} - SIRET {employer.siret}"),
                ("Apprenti(e)", f"{person} - né(e) le {fr_date(person.birth_date)}"),
                ("Emploi occupé", person.job_title),
                ("Diplôme ou titre visé", dossier.title),
                ("CFA", f"{cfa.name} - UAI {cfa.uai or 'non renseigné'}" if cfa else "-"),
                ("Début du contrat", fr_date(dossier.start_date)),
                ("Fin du contrat", fr_date(dossier.end_date)),
            ],
            paragraphs=["Fait en trois exemplaires. Signatures de l'employeur, de l'apprenti(e) et du CFA."],
            signature="Document déposé par l'entreprise sur eGestion",
        )

    def render_training_agreement(self, dossier) -> bytes:
        employer, provider = dossier.employer_establishment, dossier.provider_establishment
        return render_pdf(
            title="Convention de formation professionnelle",
            subtitle=f"Dossier n° {dossier.number}",
            facts=[
                ("Entre", f"{employer.name} (SIRET {employer.siret})"),
                ("Et", f"{provider.name}, déclaration d'activité n° {provider.nda or '-'}" if provider else "-"),
                ("Intitulé", dossier.title),
                ("Dates", f"du {fr_date(dossier.start_date)} au {fr_date(dossier.end_date)}"),
                ("Stagiaire(s)", self.trainee_names(dossier)),
                ("Coût TTC", euros(self.granted_amount(dossier))),
            ],
            paragraphs=["Convention établie en application des articles L. 6353-1 et suivants du Code du travail."],
            signature="Document déposé par l'entreprise sur eGestion",
        )

    def render_remittance_advice(self, payment) -> bytes:
        """The payments' own remittance advice (payments.services), as recording a payment issues it."""
        lines = payment.lines.select_related("dossier").order_by("invoice_date", "invoice_number")
        return remittance_advice_pdf(payment, list(lines))

    # --- member account (contributions) ----------------------------------------------------------------------

    RETURN_2024_SUBMITTED_AT = at(datetime.date(2025, 2, 14), 10, 40)

    def member_account(self):
        """Rates of the 2024 and 2025 returns (as the admin configures them), BSO Toulouse's 2024 return and its
        payments to Constructys; 2025 is left for the visitor to declare."""
        from contributions.models import ContributionPayment, ContributionRate, ContributionReturn, RateBase
        from contributions.services import Figures, submit_return

        for year in (2024, 2025):
            for position, (label, base, rate, low, high) in enumerate(
                [
                    ("Contribution légale", RateBase.PAYROLL, "0.550", None, 10),
                    ("Contribution légale", RateBase.PAYROLL, "1.000", 11, None),
                    ("Contribution conventionnelle", RateBase.PAYROLL, "0.200", None, None),
                    ("Contribution CPF-CDD", RateBase.FIXED_TERM_PAYROLL, "1.000", None, None),
                ]
            ):
                upsert(
                    ContributionRate,
                    {"year": year, "label": label, "min_headcount": low, "max_headcount": high},
                    {"base": base, "rate": Decimal(rate), "position": position},
                )
        site = self.sites["bso-toulouse"]
        figures = Figures(headcount=42, payroll=Decimal("1684250.00"), fixed_term_payroll=Decimal("96400.00"))
        if not ContributionReturn.objects.filter(establishment=site, year=2024).exists():
            submit_return(site, self.users["entreprise"], 2024, figures)
        # The 2024 return was declared early in 2025, as returns are (before the first payment below).
        ContributionReturn.objects.filter(establishment=site, year=2024).exclude(
            submitted_at=self.RETURN_2024_SUBMITTED_AT
        ).update(submitted_at=self.RETURN_2024_SUBMITTED_AT)
        for reference, paid_on, amount in [
            ("CT2024-104217-1", datetime.date(2025, 2, 28), Decimal("12000.00")),
            ("CT2024-104217-2", datetime.date(2025, 9, 15), Decimal("8000.00")),
        ]:
            upsert(
                ContributionPayment,
                {"reference": reference},
                {"establishment": site, "year": 2024, "paid_on": paid_on, "amount": amount},
            )

    # --- funding rules of the skills-plan estimate (issue 9) -----------------------------------------------------

    # € HT per hour and trainee, % of the teaching cost, € of annex costs per hour and trainee, by company size.
    DEMO_FUNDING_RULES = {
        "lt11": ("45", "100", "8"),
        "11-49": ("35", "100", "6"),
        "50-299": ("25", "80", "4"),
        "300+": ("15", "50", "0"),
    }

    def funding_rules(self):
        """The rules the plan request's estimate reads, for this year and the next (staff edit them in the admin)."""
        from funding.models import FundingRule

        for year in (self.today.year, self.today.year + 1):
            for size, (ceiling, rate, annex) in self.DEMO_FUNDING_RULES.items():
                upsert(
                    FundingRule,
                    {"year": year, "scheme": "PLAN", "company_size": size},
                    {
                        "hourly_ceiling": Decimal(ceiling),
                        "funding_rate": Decimal(rate),
                        "annex_hourly_ceiling": Decimal(annex),
                    },
                )

    def plan_request_draft(self):
        """A skills-plan draft of the demo company user (BROUILLONS tab), two trainees and one module at a provider
        of the registry: ready to be completed (documents) and transmitted. Created once."""
        from funding import plan, services
        from funding.models import FundingRequest, RequestKind

        if FundingRequest.objects.filter(kind=RequestKind.PLAN, data__demo_plan=True).exists():
            return
        start = self.today + datetime.timedelta(days=45)
        draft = services.create_draft(
            user=self.users["entreprise"],
            establishment=self.sites["bso-toulouse"],
            kind=RequestKind.PLAN,
            initial_data={
                "demo_plan": True,
                "plan_effectif": "50-299",
                "plan_intitule": "PREVENTION DES RISQUES SUR CHANTIER",
                "plan_objectif": "Travail en hauteur, port du harnais et habilitation électrique.",
                "plan_type_action": "formation",
                "plan_modalite": "presentiel",
                "plan_date_debut": start.isoformat(),
                "plan_date_fin": (start + datetime.timedelta(days=30)).isoformat(),
                "plan_duree_heures": "28",
                "plan_lieu": "TOULOUSE",
                "plan_saved_steps": ["formation", "stagiaires"],
            },
        )
        trainees = [plan.add_trainee(draft, person) for person in self.persons["bso"][:2]]
        for trainee in trainees:
            trainee.category = "ouvrier"
            trainee.save(update_fields=["category"])
        module = plan.add_module(draft)
        plan.save_module(
            module,
            values={
                "title": "TRAVAIL EN HAUTEUR",
                "hours": Decimal("14"),
                "teaching_cost": Decimal("980"),
                "meal_cost": Decimal("60"),
            },
            trainees=trainees,
        )
        plan.choose_provider(module, self.sites["aplomb-toulouse"])  # near the Toulouse trainees
        services.save_draft(draft, {}, step="modules")
