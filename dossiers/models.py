import datetime
import hashlib
import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import models
from django.db.models import Exists, Q
from django.utils import timezone

from accounts.models import PORTAL_ROLES, Establishment, Membership, Person, Portal
from common.expressions import Among
from webhooks import events, payloads


class Scheme(models.TextChoices):
    """Funding schemes ("dispositifs de formation"); the code is what the lists show."""

    PLAN = "PLAN", "Plan de développement des compétences"
    ALTE = "ALTE", "Contrat d'apprentissage"
    CPRO = "CPRO", "Contrat de professionnalisation"
    PROA = "PROA", "Reconversion ou promotion par alternance (Pro-A)"
    FNE = "FNE", "FNE-Formation"
    TUTO = "TUTO", "Formation tuteur / maître d'apprentissage"


class DossierStatus(models.TextChoices):
    SUBMITTED = "submitted", "Transmis"
    RECEIVED = "received", "Reçu"
    INCOMPLETE = "incomplete", "Incomplet"
    ACCEPTED = "accepted", "En cours"
    REFUSED = "refused", "Refusé"
    CLOSED = "closed", "Soldé"
    CANCELLED = "cancelled", "Annulé"
    # An apprenticeship contract the employer declared broken (funding.ruptures): its end date is the rupture's.
    TERMINATED = "terminated", "Rompu"


# "HISTORIQUE" holds the dossiers nothing more will happen to; the rest is "EN COURS".
FINISHED_STATUSES = (DossierStatus.REFUSED, DossierStatus.CLOSED, DossierStatus.CANCELLED)
# Written into the SQL (common.expressions.Among): the partial indexes of the tabs (dossier_employer_open / _finished,
# dossier_provider_open / _finished) then serve the statements PostgreSQL keeps prepared.
FINISHED = Q(Among("status", FINISHED_STATUSES))
# The dossiers an NPEC schedule may be invoiced on: apprenticeship contracts accepted, broken or settled (the other
# schemes are invoiced by subrogation). invoicing.plans keeps their schedules; the index below reads them.
SCHEDULED_STATUSES = (DossierStatus.ACCEPTED, DossierStatus.TERMINATED, DossierStatus.CLOSED)
SCHEDULED_DOSSIERS = Q(scheme=Scheme.ALTE, status__in=SCHEDULED_STATUSES)
# The same, written into the SQL (common.expressions.Among): the partial index serves the statement prepared on the
# server.
SCHEDULED_DOSSIERS_WRITTEN = Q(Among("scheme", [Scheme.ALTE]), Among("status", SCHEDULED_STATUSES))


# The labels are plain French strings (no translation to follow): read once, not through the enum for every row.
_STATUS_LABELS = {status.value: str(status.label) for status in DossierStatus}


def status_label(status: str, end_date) -> str:
    """The status as the portals show it: "Rompu le 14/02/2027" for a broken contract (its end date is the
    rupture's), the status's label otherwise."""
    if status == DossierStatus.TERMINATED:
        return f"Rompu le {end_date:%d/%m/%Y}"
    return _STATUS_LABELS.get(status, status)


# A finished dossier stays visible to the company for 6 years after the end of the training, then disappears from
# every eGestion page (list, page, documents, messages, counts): DossierQuerySet.for_company_user is the one place.
HISTORY_YEARS = 6


def history_cutoff(today=None) -> datetime.date:
    """The end date before which a finished dossier is no longer shown to the company."""
    today = today or timezone.localdate()
    try:
        return today.replace(year=today.year - HISTORY_YEARS)
    except ValueError:  # 29 February
        return today.replace(year=today.year - HISTORY_YEARS, day=28)


def visible_establishment_ids(user, portal, establishments=None):
    """The establishments the user is attached to in `portal`; with `establishments` (ids), only those of them:
    narrowing to one entity never widens the scope."""
    memberships = Membership.objects.filter(user=user, role__in=PORTAL_ROLES[portal])
    if establishments is not None:
        memberships = memberships.filter(establishment_id__in=list(establishments))
    return memberships.values("establishment_id")


def attached_scope(field: str, user, portal, establishments=None) -> Q:
    """`field` (an establishment foreign key, e.g. "employer_establishment") is one of the establishments the user
    is attached to in `portal` (visible_establishment_ids). Narrowed to one establishment, the field equals it and an
    uncorrelated EXISTS checks the attachment once per statement: the same rows, but PostgreSQL's generic plans
    (prepared statements) no longer check the membership again for every row read."""
    if establishments is not None and len(establishments := list(establishments)) == 1:
        attached = Exists(visible_establishment_ids(user, portal, establishments))
        return Q(**{f"{field}_id": establishments[0]}) & Q(attached)
    return Q(**{f"{field}__in": visible_establishment_ids(user, portal, establishments)})


def company_scope(user, establishments=None, dossier="", cutoff=None) -> Q:
    """The condition of DossierQuerySet.for_company_user, on the dossier reached through `dossier` (a lookup path
    ending with "__", e.g. "dossier__" from a message): filtering a dossier's rows by their joined dossier is cheaper
    than `dossier__in=<every dossier the user sees>` when the rows are few. `cutoff`: history_cutoff() of the day
    (an argument for the queries whose SQL is kept, common.prepared)."""
    cutoff = cutoff or history_cutoff()
    finished_long_ago = Q(**{f"{dossier}status__in": FINISHED_STATUSES, f"{dossier}end_date__lt": cutoff})
    return (
        attached_scope(f"{dossier}employer_establishment", user, Portal.EGESTION, establishments) & ~finished_long_ago
    )


# --- counts kept per establishment and per month the dossiers finished in --------------------------------------
#
# A count over every dossier a company sees (the lists' tab counters, the unread messages) is kept per establishment
# and per month its dossiers finished in, by triggers: the dossiers still seen are those not finished (OPEN_MONTH)
# and those finished since history_cutoff(), i.e. the months after the cutoff's month, whole, and the dossiers of
# the cutoff's month finished on or after it, read one by one (DossierTotal below, messaging.models.ThreadTotal).

# The month of the dossiers not finished: after every month a dossier can finish in.
OPEN_MONTH = datetime.date.max


def month_of(day: datetime.date) -> datetime.date:
    """The first day of `day`'s month: the month a dossier finished on `day` is counted under."""
    return day.replace(day=1)


def next_month(day: datetime.date) -> datetime.date:
    """The first day of the month after `day`'s."""
    return (month_of(day) + datetime.timedelta(days=32)).replace(day=1)


class DossierQuerySet(models.QuerySet):
    def for_company_user(self, user, establishments=None, cutoff=None):
        """What a company user sees: dossiers of the employer establishments they are attached to (only those of
        `establishments`, ids, when the view is narrowed to some entities), finished ones for HISTORY_YEARS only.
        Every company-side read of a dossier, its documents and its messages goes through here."""
        return self.filter(company_scope(user, establishments, cutoff=cutoff))

    def for_provider_user(self, user, establishments=None):
        """What a provider user sees: dossiers trained by the provider establishments they are attached to (only
        those of `establishments`, ids, when given)."""
        return self.filter(attached_scope("provider_establishment", user, Portal.OGESTION, establishments))

    def open(self):
        return self.exclude(FINISHED)

    def finished(self):
        return self.filter(FINISHED)


# Filtered or sorted on by the company list (dossiers.selectors.COMPANY_SORTS, _apply_common_filters), covered by
# its indexes.
COMPANY_LIST_COLUMNS = ["number", "request_number", "scheme", "status", "end_date", "provider_establishment"]


class Dossier(models.Model):
    """The case of one funded training: who employs, who trains, who is trained, and what was paid."""

    number = models.CharField("n° de dossier", max_length=20, unique=True)
    request_number = models.CharField("n° de demande", max_length=12, db_index=True)
    scheme = models.CharField("dispositif", max_length=4, choices=Scheme.choices)
    status = models.CharField("état", max_length=10, choices=DossierStatus.choices, default=DossierStatus.SUBMITTED)
    title = models.CharField("intitulé de la formation", max_length=255)
    start_date = models.DateField("date de début de formation")
    end_date = models.DateField("date de fin de formation")
    agreed_amount = models.DecimalField(
        "montant accordé",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Montant de la prise en charge, repris dans l'accord de prise en charge (pour un plan, l'estimation "
        "calculée à la transmission).",
    )
    employer_establishment = models.ForeignKey(
        Establishment,
        on_delete=models.PROTECT,
        related_name="employer_dossiers",
        verbose_name="établissement employeur",
        db_index=False,  # dossier_employer_list starts with it
    )
    provider_establishment = models.ForeignKey(
        Establishment,
        on_delete=models.PROTECT,
        related_name="provider_dossiers",
        null=True,
        blank=True,
        verbose_name="organisme de formation",
        db_index=False,  # dossier_provider_list starts with it
    )
    case_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="managed_dossiers",
        limit_choices_to={"is_staff": True},
        verbose_name="gestionnaire Constructys",
        db_index=False,  # dossier_case_manager_queue starts with it
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="created_dossiers",
        verbose_name="créé par",
    )
    created_at = models.DateTimeField("créé le", default=timezone.now)
    updated_at = models.DateTimeField("modifié le", auto_now=True)
    # Whether a company message of the thread is waiting for Constructys: kept up to date by messaging.services
    # (set when the company writes, cleared once a staff user has opened every company message), so that the back
    # office's queue and filter stay indexed at 200 000 dossiers.
    has_unread_company_messages = models.BooleanField(
        "messages de l'entreprise non lus", default=False, db_default=False, editable=False
    )

    objects = DossierQuerySet.as_manager()

    class Meta:
        verbose_name = "dossier de formation"
        verbose_name_plural = "dossiers de formation"
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")), name="dossier_dates_in_order")
        ]
        indexes = [
            # The company list: one establishment's dossiers, open or finished, latest first.
            models.Index(fields=["employer_establishment", "status", "-start_date"], name="dossier_employer_list"),
            # `id` included: the provider scope (`for_provider_user`, a subquery of most provider pages) is read
            # from the index alone.
            models.Index(
                fields=["provider_establishment", "status", "-start_date"], include=["id"], name="dossier_provider_list"
            ),
            # The company list's tab counters and the company scope (`for_company_user`, a subquery of most company
            # pages: the 6-year rule reads the end date), from the index alone; `scheme` second: the counters of the
            # list filtered by "Dispositif" read that scheme's entries only.
            models.Index(
                fields=["employer_establishment", "scheme", "status", "end_date"],
                include=["id"],
                name="dossier_employer_scheme_counts",
            ),
            # The kept counters' dossiers of the 6-year cutoff's month, counted one by one (dossiers.selectors).
            models.Index(
                fields=["employer_establishment", "end_date"],
                condition=Q(status__in=FINISHED_STATUSES),
                name="dossier_employer_finished_on",
            ),
            # The company list's first page, latest first, per establishment (dossiers.selectors._CompanyListPage);
            # with the columns the list filters and sorts on, the first rows of each establishment for any filter
            # (but "Créé par") and any sort are read from the index alone, not from one table page per dossier.
            models.Index(
                fields=["employer_establishment", "-start_date", "-id"],
                include=COMPANY_LIST_COLUMNS,
                condition=~Q(status__in=FINISHED_STATUSES),
                name="dossier_employer_open",
            ),
            models.Index(
                fields=["employer_establishment", "-start_date", "-id"],
                include=COMPANY_LIST_COLUMNS,
                condition=Q(status__in=FINISHED_STATUSES),
                name="dossier_employer_finished",
            ),
            # The oGestion list's first page, per establishment (dossiers.selectors._ProviderListPage), by tab.
            models.Index(
                fields=["provider_establishment", "-start_date", "-id"],
                condition=~Q(status__in=FINISHED_STATUSES),
                name="dossier_provider_open",
            ),
            models.Index(
                fields=["provider_establishment", "-start_date", "-id"],
                condition=Q(status__in=FINISHED_STATUSES),
                name="dossier_provider_finished",
            ),
            models.Index(fields=["provider_establishment", "-start_date", "-id"], name="dossier_provider_latest"),
            # The money view's "À facturer ce mois" (invoicing.plans): a provider's scheduled dossiers, from the index.
            models.Index(
                fields=["provider_establishment"],
                include=["id"],
                condition=SCHEDULED_DOSSIERS,
                name="dossier_provider_scheduled",
            ),
            models.Index(fields=["case_manager", "status"], name="dossier_case_manager_queue"),
            # The back office: the whole list latest first, a case manager's queue with unread messages first, and
            # the dossiers waiting for an answer.
            models.Index(fields=["-start_date", "-id"], name="dossier_start_date_list"),
            models.Index(
                fields=["case_manager", "-has_unread_company_messages", "-start_date", "-id"],
                name="dossier_case_manager_unread",
            ),
            models.Index(
                fields=["-start_date", "-id"],
                condition=Q(has_unread_company_messages=True),
                name="dossier_unread_company",
            ),
        ]
        permissions = [
            ("instruct_dossier", "Peut instruire les dossiers (reçu, incomplet, accepté, refusé)"),
            ("close_dossier", "Peut solder les dossiers"),
        ]

    def __str__(self):
        return f"{self.number} — {self.title}"

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_STATUSES

    @property
    def status_label(self) -> str:
        return status_label(self.status, self.end_date)


class Enrolment(models.Model):
    """A trainee ("stagiaire", or the apprentice) enrolled in a dossier."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="enrolments")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="enrolments", verbose_name="stagiaire")
    created_at = models.DateTimeField("inscrit le", auto_now_add=True)

    class Meta:
        verbose_name = "inscription"
        ordering = ["person__last_name", "person__first_name"]
        constraints = [models.UniqueConstraint(fields=["dossier", "person"], name="enrolment_unique_person")]

    def __str__(self):
        return f"{self.person} — {self.dossier.number}"


class DocumentDirection(models.TextChoices):
    ISSUED = "issued", "Émis par Constructys"
    RECEIVED = "received", "Reçu de l'entreprise"


class DocumentKind(models.TextChoices):
    FUNDING_AGREEMENT = "funding_agreement", "Accord de prise en charge"
    REMITTANCE_ADVICE = "remittance_advice", "Avis de virement"
    CERFA = "cerfa", "CERFA signé"  # uploaded by the company, signed
    GENERATED_CERFA = "generated_cerfa", "CERFA généré"  # rendered by the portal from the data transmitted, unsigned
    TRAINING_AGREEMENT = "training_agreement", "Convention de formation"
    INVOICE = "invoice", "Facture"
    ATTENDANCE = "attendance", "Attestation d'assiduité"
    OTHER = "other", "Autre document"


def document_upload_to(instance, filename):
    # The stored name is generated: the user's file name is kept only as `original_name` for display.
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"documents/{uuid.uuid4().hex[:2]}/{uuid.uuid4().hex}{suffix}"


class StoredFile(models.Model):
    """A file kept in the storage with what the portal needs to serve it safely: its display name, its real content
    type (from common.uploads.CheckedUpload, never the browser's word), its size and SHA-256, who put it there and
    when. The base of dossiers.Document, funding.RequestDocument and invest.Quote (abstract: no table of its own)."""

    name = models.CharField("nom du document", max_length=255)
    file = models.FileField("fichier", upload_to=document_upload_to, max_length=255)
    content_type = models.CharField("type de contenu", max_length=100, default="application/pdf")
    size = models.PositiveIntegerField("taille (octets)", default=0)
    checksum = models.CharField("empreinte SHA-256", max_length=64, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="déposé par",
    )
    uploaded_at = models.DateTimeField("déposé le", default=timezone.now)

    class Meta:
        abstract = True

    def __str__(self):
        return self.name

    @staticmethod
    def checksum_of(content: bytes) -> str:
        return hashlib.sha256(content).hexdigest()

    @classmethod
    def pdf_fields(cls, content: bytes, *, name: str, file_name: str = "document.pdf") -> dict:
        """The stored-file fields of a PDF the portal renders itself (a user's upload goes through
        CheckedUpload.stored_fields() instead)."""
        return {
            "name": name,
            "file": ContentFile(content, name=file_name),
            "content_type": "application/pdf",
            "size": len(content),
            "checksum": cls.checksum_of(content),
        }

    def same_file_fields(self) -> dict:
        """The stored-file fields of another record of the same file (no copy of the content)."""
        return {
            "name": self.name,
            "file": self.file.name,
            "content_type": self.content_type,
            "size": self.size,
            "checksum": self.checksum,
            "uploaded_by_id": self.uploaded_by_id,
            "uploaded_at": self.uploaded_at,
        }


class DocumentQuerySet(models.QuerySet):
    def for_company_user(self, user, establishments=None, cutoff=None):
        return self.filter(
            Q(dossier__in=Dossier.objects.for_company_user(user, establishments, cutoff))
            | Q(establishment__in=visible_establishment_ids(user, Portal.EGESTION, establishments))
        )

    def for_provider_user(self, user, establishments=None):
        return self.filter(
            Q(dossier__in=Dossier.objects.for_provider_user(user, establishments))
            | Q(establishment__in=visible_establishment_ids(user, Portal.OGESTION, establishments))
        )

    def for_staff_user(self, user):
        """The documents a staff user may open: RIBs only with the RIB permission, remittance advices (they print
        the IBAN paid) only with the full-IBAN one, message attachments only with the attachment permission."""
        from accounts.staff_access import DOWNLOAD_MESSAGE_ATTACHMENT, DOWNLOAD_RIB, FULL_IBAN

        return self.for_staff_rights(
            full_iban=user.has_perm(FULL_IBAN),
            rib=user.has_perm(DOWNLOAD_RIB),
            message_attachments=user.has_perm(DOWNLOAD_MESSAGE_ATTACHMENT),
        )

    def for_staff_rights(self, *, full_iban: bool, rib: bool, message_attachments: bool):
        """for_staff_user with the user's three rights already read (a prepared query branches on booleans)."""
        documents = self
        if not full_iban:
            documents = documents.exclude(kind=DocumentKind.REMITTANCE_ADVICE)
        if not rib:
            documents = documents.filter(bank_details_request__isnull=True)
        if not message_attachments:
            documents = documents.filter(message__isnull=True)
        return documents


class Document(StoredFile):
    """A file on a dossier (issued by Constructys or received from the company) or on an establishment."""

    # Both owners lead a composite index below.
    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, related_name="documents", null=True, blank=True, db_index=False
    )
    establishment = models.ForeignKey(
        Establishment, on_delete=models.CASCADE, related_name="documents", null=True, blank=True, db_index=False
    )
    direction = models.CharField("sens", max_length=8, choices=DocumentDirection.choices)
    kind = models.CharField("type", max_length=20, choices=DocumentKind.choices, default=DocumentKind.OTHER)
    # A file attached to a message of the dossier's thread (it is also one of the dossier's documents).
    message = models.ForeignKey(
        "messaging.Message",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name="message",
    )

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = "document"
        ordering = ["-uploaded_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(dossier__isnull=False) | Q(establishment__isnull=False),
                name="document_has_an_owner",
            )
        ]
        indexes = [
            models.Index(fields=["dossier", "direction", "-uploaded_at"], name="document_dossier_tab"),
            models.Index(fields=["establishment", "-uploaded_at"], name="document_establishment"),
        ]

    @classmethod
    def issue_pdf(cls, content: bytes, *, name: str, kind: str, user, dossier=None, establishment=None) -> "Document":
        """A PDF that Constructys issues (funding agreement, remittance advice), on a dossier or an establishment."""
        document = cls.objects.create(
            dossier=dossier,
            establishment=establishment,
            direction=DocumentDirection.ISSUED,
            kind=kind,
            uploaded_by=user,
            **cls.pdf_fields(content, name=name),
        )
        document.emit_issued()
        return document

    def emit_issued(self) -> None:
        """Tell the organisations that follow this issued document (webhooks): the dossier's employer and training
        provider, or the establishment's organisation."""
        parties = payloads.dossier_parties(self.dossier) if self.dossier_id else [self.establishment_id]
        events.emit("document.issued", lambda: payloads.document(self), establishments=parties)


class DossierStatusChange(models.Model):
    """One change of a dossier's status: from what, to what, who did it and when, and the note sent with it (the
    missing documents, the reason of a refusal). Written by backoffice.instruction only."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="status_changes", db_index=False)
    from_status = models.CharField("ancien état", max_length=10, choices=DossierStatus.choices)
    to_status = models.CharField("nouvel état", max_length=10, choices=DossierStatus.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="dossier_status_changes",
        verbose_name="par",
    )
    changed_at = models.DateTimeField("le", default=timezone.now)
    note = models.TextField("motif / message", blank=True)

    class Meta:
        verbose_name = "changement d'état"
        verbose_name_plural = "changements d'état"
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["dossier", "-changed_at"], name="dossier_status_history")]

    def __str__(self):
        return f"{self.dossier.number} : {self.get_from_status_display()} → {self.get_to_status_display()}"


class DossierSide(models.TextChoices):
    """Which of a dossier's establishments a DossierTotal counts it for."""

    EMPLOYER = "employer", "entreprise"
    PROVIDER = "provider", "organisme de formation"


class _KeptTotal(models.Model):
    """Dossiers counted by PostgreSQL triggers, never by Python, per establishment on one side and month they
    finished in (OPEN_MONTH: not finished)."""

    side = models.CharField("côté", max_length=8, choices=DossierSide.choices)
    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+", db_index=False)
    month = models.DateField("mois de fin des dossiers")
    dossiers = models.IntegerField("dossiers", default=0)

    class Meta:
        abstract = True


class DossierTotal(_KeptTotal):
    """How many dossiers of an establishment, as employer or as provider, finished in `month` (OPEN_MONTH: not
    finished): the lists' tab counters read these (dossiers.selectors), a few dozen rows per establishment rather
    than one per dossier. Written by the triggers of migration 0017 only, in the transaction that writes a
    dossier."""

    class Meta:
        verbose_name = "nombre de dossiers d'un établissement par mois de fin"
        constraints = [
            models.UniqueConstraint(
                fields=["side", "establishment", "month"], include=["dossiers"], name="dossier_total_once_per_month"
            )
        ]

    def __str__(self):
        return f"{self.side} {self.establishment_id} / {self.month}: {self.dossiers}"


class DossierSchemeTotal(_KeptTotal):
    """DossierTotal per scheme too: the counters of a list filtered by "Dispositif" read these. Written by the
    triggers of migration 0019 only, in the transaction that writes a dossier."""

    scheme = models.CharField("dispositif", max_length=4)

    class Meta:
        verbose_name = "nombre de dossiers d'un établissement par dispositif et mois de fin"
        constraints = [
            models.UniqueConstraint(
                fields=["side", "establishment", "scheme", "month"],
                include=["dossiers"],
                name="dossier_scheme_total_once_per_month",
            )
        ]

    def __str__(self):
        return f"{self.side} {self.establishment_id} {self.scheme} / {self.month}: {self.dossiers}"
