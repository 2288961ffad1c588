"""The NPEC referential and the payment rules of apprenticeship contracts (spec: shared/spec/npec-and-deadlines.md).

Both are data, dated and edited in the admin, never constants in code: `NpecAmount` (certification × IDCC -> annual
amount, loaded from France compétences' open-data file by `manage.py load_npec`) and `PaymentRule` (one row per
regime, chosen by the contract's date of conclusion, turned into the pure `schedule.Regime`).
"""

import datetime
import uuid
from decimal import Decimal
from pathlib import PurePath

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils import timezone

from dossiers.models import StoredFile
from invoicing import schedule
from invoicing import subrogation as subrogation_rules

SHARE_VALIDATORS = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))]


def share_field(label, *, optional=False, **options):
    """A share of a year or of an amount, between 0 and 1 (0,400 is 40 %); `optional`: may be left empty."""
    if optional:
        options.update(null=True, blank=True)
    return models.DecimalField(label, max_digits=4, decimal_places=3, validators=SHARE_VALIDATORS, **options)


def optional_euros_field(label, *, max_digits=8, **options):
    """An amount in euros a rule may leave empty (no such amount)."""
    return models.DecimalField(label, max_digits=max_digits, decimal_places=2, null=True, blank=True, **options)


class NpecQuerySet(models.QuerySet):
    def in_force(self, on: datetime.date):
        return self.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on), valid_from__lte=on)

    def amount_for(self, certification_code: str, idcc: str, on: datetime.date):
        """The NPEC of a certification for an agreement on a day (the latest start wins), or None."""
        row = self.in_force(on).filter(certification_code=certification_code, idcc=idcc).order_by("-valid_from").first()
        return row.annual_amount if row else None

    def amounts_for(self, keys) -> dict:
        """`amount_for` of many (certification code, IDCC, day) keys in one query: key -> amount (absent: none)."""
        keys = set(keys)
        rows = {}  # (code, idcc) -> rows, the latest start first
        for row in self.filter(certification_code__in={code for code, _, _ in keys}).order_by("-valid_from"):
            rows.setdefault((row.certification_code, row.idcc), []).append(row)
        amounts = {}
        for code, idcc, on in keys:
            for row in rows.get((code, idcc), []):
                if row.valid_from <= on and (row.valid_until is None or on <= row.valid_until):
                    amounts[code, idcc, on] = row.annual_amount
                    break
        return amounts


class NpecAmount(models.Model):
    """The niveau de prise en charge of a certification for a collective agreement (L.6332-14 I 1°, R.6332-25)."""

    certification_code = models.CharField(
        "code de la certification", max_length=20, help_text="Code RNCP (RNCP37651) ou code diplôme."
    )
    certification_title = models.CharField("intitulé de la certification", max_length=500, blank=True)
    idcc = models.CharField("IDCC", max_length=4, help_text="Convention collective de l'employeur (4 chiffres).")
    cpne = models.CharField("CPNE", max_length=255, blank=True)
    annual_amount = models.DecimalField(
        "NPEC annuel (€)", max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    valid_from = models.DateField("applicable à partir du")
    valid_until = models.DateField("applicable jusqu'au", null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = NpecQuerySet.as_manager()

    class Meta:
        verbose_name = "niveau de prise en charge (NPEC)"
        verbose_name_plural = "niveaux de prise en charge (NPEC)"
        ordering = ["certification_code", "idcc", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["certification_code", "idcc", "valid_from"], name="npec_one_amount_per_start"
            ),
        ]

    def __str__(self):
        return (
            f"{self.certification_code} × IDCC {self.idcc} : {self.annual_amount} € dès le {self.valid_from:%d/%m/%Y}"
        )

    def clean(self):
        if self.valid_until and self.valid_from and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": "La fin de validité précède son début."})


RULE_HELP = (
    "Règles de paiement du NPEC au CFA (R.6332-25 du Code du travail), choisies par la date de conclusion du "
    "contrat. Conventions du portail là où les textes ne disent rien (docs/invoicing.md) : jours calendaires × NPEC "
    "/ 365, y compris en année bissextile ; arrondi au centime le plus proche (demi supérieur), le montant de "
    "l'année arrondi une fois puis chaque part, le solde absorbe l'écart ; « au 7e / 10e mois » = dernier jour de "
    "ce mois du contrat (le mois k commence k−1 mois calendaires après le début, ramené à la fin du mois) ; une "
    "échéance qui tombe après la fin d'une dernière année incomplète passe dans le solde ; nouveau CFA : premier "
    "paiement au plus tard de la facture + délai et du dernier jour du 3e mois, sur attestation de démarrage ; "
    "rupture : les échéances déjà dues gardent leur montant, un solde de clôture (négatif si trop-perçu) règle le "
    "reste ; la rupture pendant les 45 premiers jours est déclarée, jamais déduite des dates."
)


class PaymentRule(models.Model):
    """One payment regime of apprenticeship contracts, by date of conclusion (admin-edited, dated)."""

    name = models.CharField("nom", max_length=200, help_text=RULE_HELP)
    concluded_from = models.DateField("contrats conclus à partir du")
    concluded_until = models.DateField("contrats conclus jusqu'au", null=True, blank=True)
    advance_share = share_field("avance", help_text="Part de l'année, ex. 0,40.")
    seventh_month_share = share_field("part au 7e mois")
    tenth_month_share = share_field(
        "part au 10e mois",
        optional=True,
        help_text="Vide : le solde est versé au 10e mois (décret n° 2020-1739).",
    )
    balance_at_tenth_month = models.BooleanField(
        "solde au 10e mois",
        default=False,
        help_text="Coché : le solde de chaque année est dû au 10e mois (décret n° 2020-1739) ; sinon avec l'avance "
        "de l'année suivante, et celui de la dernière année après la fin, sur pièces (décret n° 2025-585).",
    )
    short_contract_advance_share = share_field("avance d'un contrat de moins d'un an")
    payment_delay_days = models.PositiveSmallIntegerField("délai de paiement (jours)", default=30)
    begun_month_rule = models.BooleanField(
        "tout mois débuté est dû", default=False, help_text="Prorata en mois débutés / 12 (12 mois et 3 jours = 13)."
    )
    employer_participation = optional_euros_field(
        "participation de l'employeur (€)",
        help_text="R.6332-25-1 : déduite de la 1re avance, niveau 6 et plus. Vide : aucune participation.",
    )
    participation_after_early_rupture_elsewhere = optional_euros_field(
        "participation après rupture anticipée chez un autre employeur (€)"
    )
    early_rupture_participation_rate = share_field(
        "participation après rupture dans les 45 jours (part du NPEC proratisé)",
        optional=True,
        help_text="R.6332-25-2 : plafonnée à la participation.",
    )
    participation_min_level = models.PositiveSmallIntegerField("participation à partir du niveau", default=6)
    distance_reduction = share_field(
        "minoration formation à distance",
        optional=True,
        help_text="D.6332-82-1 : au moins 80 % à distance.",
    )
    distance_floor = optional_euros_field("plancher à distance (€)", max_digits=10)
    final_documents_months = models.PositiveSmallIntegerField(
        "délai des pièces du solde final (mois)",
        null=True,
        blank=True,
        help_text="R.6332-25 III 4° : au-delà, le solde n'est pas dû. Vide : pas de pièces exigées.",
    )
    new_cfa_first_payment_month = models.PositiveSmallIntegerField(
        "nouveau CFA : premier paiement au mois", null=True, blank=True, help_text="R.6332-25 V."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "règle de paiement du NPEC"
        verbose_name_plural = "règles de paiement du NPEC"
        ordering = ["concluded_from"]

    def __str__(self):
        return self.name

    def clean(self):
        if self.concluded_until and self.concluded_from and self.concluded_until < self.concluded_from:
            raise ValidationError({"concluded_until": "La fin de validité précède son début."})
        shares = [self.advance_share, self.seventh_month_share, self.tenth_month_share]
        if None not in shares[:2] and sum(s for s in shares if s is not None) > 1:
            raise ValidationError("Les parts de l'année dépassent 100 %.")
        if self.concluded_from:
            overlapping = PaymentRule.objects.exclude(pk=self.pk).filter(
                Q(concluded_until__isnull=True) | Q(concluded_until__gte=self.concluded_from)
            )
            if self.concluded_until:
                overlapping = overlapping.filter(concluded_from__lte=self.concluded_until)
            if overlapping.exists():
                raise ValidationError("Une autre règle couvre déjà une partie de ces dates de conclusion.")

    def regime(self) -> schedule.Regime:
        instalments = [(1, self.advance_share), (7, self.seventh_month_share)]
        if self.tenth_month_share is not None:
            instalments.append((10, self.tenth_month_share))
        return schedule.Regime(
            name=self.name,
            concluded_from=self.concluded_from,
            concluded_until=self.concluded_until,
            instalments=tuple(instalments),
            short_contract_advance=self.short_contract_advance_share,
            payment_delay_days=self.payment_delay_days,
            begun_month_rule=self.begun_month_rule,
            employer_participation=self.employer_participation,
            participation_after_early_rupture_elsewhere=self.participation_after_early_rupture_elsewhere,
            early_rupture_participation_rate=self.early_rupture_participation_rate,
            participation_min_level=self.participation_min_level,
            distance_reduction=self.distance_reduction,
            distance_floor=self.distance_floor,
            final_documents_months=self.final_documents_months,
            new_cfa_first_payment_month=self.new_cfa_first_payment_month,
            balance_month=10 if self.balance_at_tenth_month else None,
        )


def regimes() -> list[schedule.Regime]:
    return [rule.regime() for rule in PaymentRule.objects.all()]


# The contract terms a schedule is computed from, and the CFA's invoices ---------------------------------------------


# The CERFA FA13 fields (dossiers.cerfa.fields) the terms are read from: conclusion, start of execution, end.
CERFA_DATES = ("contrat_date_conclusion", "contrat_date_debut_execution", "contrat_date_fin")


class ContractTerms(models.Model):
    """What the schedule of an apprenticeship dossier depends on (taken from its CERFA, corrected by staff: a rupture,
    an avenant, a new CFA, distance training)."""

    dossier = models.OneToOneField(
        "dossiers.Dossier", on_delete=models.CASCADE, related_name="contract_terms", verbose_name="dossier"
    )
    concluded_on = models.DateField("date de conclusion", help_text="Décide de la règle de paiement applicable.")
    starts_on = models.DateField("début d'exécution")
    ends_on = models.DateField("fin du contrat")
    certification_code = models.CharField("code de la certification", max_length=20, blank=True)
    idcc = models.CharField("IDCC de l'employeur", max_length=4, blank=True)
    level = models.PositiveSmallIntegerField("niveau de la certification", null=True, blank=True)
    annual_npec = models.DecimalField(
        "NPEC annuel (€)",
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Vide : le NPEC du référentiel en vigueur à la date de conclusion (certification × IDCC).",
    )
    is_new_cfa = models.BooleanField("nouveau CFA (déclaration d'activité de moins de six mois)", default=False)
    is_distance = models.BooleanField("formation au moins à 80 % à distance", default=False)
    new_contract_after_early_rupture = models.BooleanField(
        "nouveau contrat après une rupture anticipée chez un autre employeur", default=False
    )
    reduced_duration_convention = models.BooleanField("convention de réduction de durée (+10 %)", default=False)
    ruptured_on = models.DateField("rompu le (dernier jour)", null=True, blank=True)
    rupture_within_45_days = models.BooleanField(
        "rupture pendant les 45 premiers jours de formation pratique (déclarée)", default=False
    )

    class Meta:
        verbose_name = "conditions du contrat (facturation)"
        verbose_name_plural = "conditions des contrats (facturation)"

    def __str__(self):
        return f"Contrat du dossier {self.dossier}"

    @classmethod
    def from_cerfa(cls, dossier, levels: dict | None = None) -> "ContractTerms | None":
        """Unsaved terms read from the dossier's apprenticeship CERFA (dates, RNCP code, IDCC, the certification's
        level from the RNCP referential, or from `levels`, RNCP code -> level, read beforehand for many dossiers),
        or None when the dossier has no complete CERFA. Staff save and correct them in the admin (rupture, avenant,
        new CFA, distance)."""
        from dossiers.cerfa.normalise import parse_date
        from dossiers.contract import contract_in_force
        from referentials.models import RncpCertification

        request = getattr(dossier, "funding_request", None)
        if request is None or request.kind != "apprenticeship":
            return None
        contract = contract_in_force(dossier)  # the accepted avenants applied: their end date counts
        data = contract.data if contract is not None else {}
        dates = [parse_date(data.get(key)) for key in CERFA_DATES]
        if None in dates:
            return None
        code = str(data.get("formation_code_rncp") or "").strip().upper()
        if levels is not None:
            level = levels.get(code)
        else:
            level = (
                RncpCertification.objects.filter(code=code).values_list("level", flat=True).first() if code else None
            )
        return cls(
            dossier=dossier,
            concluded_on=dates[0],
            starts_on=dates[1],
            ends_on=dates[2],
            certification_code=code,
            idcc=str(data.get("employeur_code_idcc") or "").strip()[:4],
            level=level,
            ruptured_on=contract.ruptured_on,
            rupture_within_45_days=contract.rupture_within_45_days,
        )

    def following_contract_changes(self) -> "ContractTerms":
        """Saved terms with what the employer declared online since (dossiers.contract): the rupture when staff
        entered none, and the end date of an accepted avenant unless staff typed their own (one that differs from
        the CERFA's as first transmitted). Also for a dossier without CERFA data (imported): its avenants and
        rupture count the same. Not saved: the terms shown in the admin stay what staff entered."""
        from dossiers.cerfa.codes import RUPTURE_FIRST_45_DAYS
        from dossiers.contract import accepted_end_date, contract_in_force, declared_rupture

        rupture = declared_rupture(self.dossier)
        if self.ruptured_on is None and rupture is not None:
            self.ruptured_on = rupture.rupture_date
            self.rupture_within_45_days = rupture.reason == RUPTURE_FIRST_45_DAYS
        new_end = accepted_end_date(self.dossier)
        contract = contract_in_force(self.dossier)
        staff_kept_the_cerfas = contract is None or self.ends_on == contract.original_ends_on
        if new_end and staff_kept_the_cerfas:
            self.ends_on = new_end
        return self

    def npec(self):
        if self.annual_npec is not None:
            return self.annual_npec
        return NpecAmount.objects.amount_for(self.certification_code, self.idcc, self.concluded_on)

    def contract(self, npec=None) -> schedule.Contract | None:
        """The pure schedule's input, or None while the NPEC is unknown (`npec`: the referential's amount, read
        beforehand for many contracts; the amount typed on the terms still wins)."""
        npec = self.annual_npec if self.annual_npec is not None else npec
        npec = npec if npec is not None else self.npec()
        if npec is None:
            return None
        return schedule.Contract(
            starts_on=self.starts_on,
            ends_on=self.ends_on,
            concluded_on=self.concluded_on,
            annual_npec=npec,
            level=self.level,
            is_new_cfa=self.is_new_cfa,
            is_distance=self.is_distance,
            new_contract_after_early_rupture=self.new_contract_after_early_rupture,
            reduced_duration_convention=self.reduced_duration_convention,
            ruptured_on=self.ruptured_on,
            rupture_within_45_days=self.rupture_within_45_days,
        )

    @property
    def last_day(self) -> datetime.date:
        return min(self.ruptured_on, self.ends_on) if self.ruptured_on else self.ends_on


class ContractPlan(models.Model):
    """The NPEC schedule of an apprenticeship dossier as last computed from its terms in force (invoicing.plans): the
    day each instalment may be invoiced from and its amount. Only a copy for the money view's "À facturer ce mois":
    dropped when an input changes (terms, CERFA, avenant, rupture, NPEC, payment rules), computed again when next
    read, and every night. FACTURATION still computes the schedule itself. Empty for a dossier without a schedule
    (no terms, no NPEC known, dates out of order)."""

    dossier = models.OneToOneField(
        "dossiers.Dossier", on_delete=models.CASCADE, primary_key=True, related_name="contract_plan"
    )
    certification_code = models.CharField(max_length=20, blank=True, db_index=True)
    invoicable_from = ArrayField(models.DateField(), default=list)
    amounts = ArrayField(models.DecimalField(max_digits=12, decimal_places=2), default=list)
    total = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0.00"))
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "échéancier calculé"
        verbose_name_plural = "échéanciers calculés"

    def __str__(self):
        return f"Échéancier du dossier {self.dossier_id}"


class MoneyVersion(models.Model):
    """The version of a provider establishment's money figures (invoicing.money): PostgreSQL triggers set a new one
    in the transaction of every write to its invoices, its dossiers (establishment, scheme, status) and their kept
    schedules (migration 0007_money_versions). The money view is cached under it, so a figure is never read from
    the cache after a write it does not include. Only the triggers write it; in no admin."""

    establishment = models.OneToOneField(
        "accounts.Establishment", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    version = models.BigIntegerField()

    class Meta:
        verbose_name = "version des chiffres financiers d'un établissement"

    def __str__(self):
        return f"Chiffres financiers de l'établissement {self.establishment_id}, version {self.version}"


class InvoiceStatus(models.TextChoices):
    DEPOSITED = "deposited", "Déposée"
    IN_REVIEW = "in_review", "En contrôle"
    VALIDATED = "validated", "Validée"
    REJECTED = "rejected", "Rejetée"


OPEN_STATUSES = (InvoiceStatus.DEPOSITED, InvoiceStatus.IN_REVIEW)
COUNTED_STATUSES = (InvoiceStatus.DEPOSITED, InvoiceStatus.IN_REVIEW, InvoiceStatus.VALIDATED)


class InvoiceQuerySet(models.QuerySet):
    def counted(self):
        """What counts against the amount left to invoice: every invoice but the rejected ones."""
        return self.filter(status__in=COUNTED_STATUSES)

    def for_provider_user(self, user, establishments=None):
        from dossiers.models import Dossier

        return self.filter(dossier__in=Dossier.objects.for_provider_user(user, establishments))

    def review_queue(self):
        """Accounting's queue: invoices to check, oldest first."""
        return self.filter(status__in=OPEN_STATUSES).order_by("received_at", "id")


def invoice_upload_to(instance, filename):
    # Generated name: the user's file name is kept only for display (`name`).
    return f"invoices/{uuid.uuid4().hex[:2]}/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()[:10]}"


class Invoice(StoredFile):
    """An invoice a CFA or training provider deposited on a dossier (the PDF is the stored file)."""

    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.PROTECT, related_name="invoices")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name="organisme"
    )
    number = models.CharField("n° de facture", max_length=40)
    invoice_date = models.DateField("date de la facture")
    period_start = models.DateField("période du")
    period_end = models.DateField("au")
    amount = models.DecimalField("montant TTC (€)", max_digits=12, decimal_places=2)
    instalment = models.CharField("échéance", max_length=120, blank=True)
    file = models.FileField("facture (PDF)", upload_to=invoice_upload_to, max_length=255)
    status = models.CharField("état", max_length=10, choices=InvoiceStatus.choices, default=InvoiceStatus.DEPOSITED)
    received_at = models.DateTimeField("reçue le", default=timezone.now)
    expected_payment_on = models.DateField("paiement prévu le", null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="contrôlée par",
    )
    reviewed_at = models.DateTimeField("contrôlée le", null=True, blank=True)
    rejection_reason = models.CharField("motif du rejet", max_length=500, blank=True)
    # The payment that settles it (the first payment line of its dossier bearing its number), copied by PostgreSQL
    # triggers in the transaction of every write of a payment line, a payment's date or reference, or the invoice's
    # number (migration 0006_invoice_settlement): never written by the code, so never out of step with the payments.
    paid_reference = models.CharField(  # noqa: DJ001 (NULL: not paid, as the look-up it replaces said)
        "payée par le règlement", max_length=30, null=True, editable=False
    )
    paid_on = models.DateField("payée le", null=True, editable=False)

    objects = InvoiceQuerySet.as_manager()

    class Meta:
        verbose_name = "facture d'organisme"
        verbose_name_plural = "factures d'organismes"
        ordering = ["-received_at", "-id"]
        permissions = [("review_invoice", "Valider ou rejeter une facture d'organisme")]
        constraints = [
            # A provider never uses one invoice number twice (a rejected invoice frees its number).
            models.UniqueConstraint(
                Upper("number"),
                "organisation",
                condition=~Q(status="rejected"),
                name="invoice_number_once_per_provider",
            ),
        ]
        indexes = [models.Index(fields=["status", "received_at"], name="invoice_review_queue")]

    def __str__(self):
        return f"Facture {self.number} ({self.dossier})"

    @property
    def review_deadline(self) -> datetime.date:
        """R.6332-25 III 1°: paid at the latest 30 days after the invoice is received."""
        return timezone.localdate(self.received_at) + datetime.timedelta(days=30)

    def status_label(self) -> str:
        """What the provider reads: "Validée — paiement prévu le 12/03/2027", "Payée (VIR552 du 14/03/2027)"..."""
        if self.status == InvoiceStatus.VALIDATED and self.paid_reference:
            return f"Payée ({self.paid_reference} du {self.paid_on:%d/%m/%Y})"
        if self.status == InvoiceStatus.VALIDATED and self.expected_payment_on:
            return f"Validée — paiement prévu le {self.expected_payment_on:%d/%m/%Y}"
        if self.status == InvoiceStatus.REJECTED:
            return f"Rejetée : {self.rejection_reason}"
        return self.get_status_display()


class AttachmentKind(models.TextChoices):
    START_CERTIFICATE = "start", "Attestation de démarrage de la formation"
    COMPLETION_CERTIFICATE = "completion", "Attestation de réalisation"
    PARTICIPATION_INVOICE = "participation", "Copie de la facture de participation de l'employeur"
    ATTENDANCE_CERTIFICATE = "attendance", "Attestation d'assiduité"


# The pure schedule's document names -> the attachment a provider uploads for them.
ATTACHMENT_FOR_DOCUMENT = {
    schedule.START_CERTIFICATE: AttachmentKind.START_CERTIFICATE,
    schedule.COMPLETION_CERTIFICATE: AttachmentKind.COMPLETION_CERTIFICATE,
    schedule.PARTICIPATION_INVOICE: AttachmentKind.PARTICIPATION_INVOICE,
}


class InvoiceAttachment(StoredFile):
    """A certificate deposited with an invoice (checked like every upload)."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField("pièce", max_length=15, choices=AttachmentKind.choices)
    file = models.FileField("fichier", upload_to=invoice_upload_to, max_length=255)

    class Meta:
        verbose_name = "pièce jointe de facture"
        verbose_name_plural = "pièces jointes de facture"
        ordering = ["kind", "id"]
        constraints = [models.UniqueConstraint(fields=["invoice", "kind"], name="one_attachment_per_kind")]


# Subrogation: the provider of a skills-plan (or other) dossier invoices Constructys directly ------------------------


class Subrogation(models.Model):
    """Constructys pays the training provider of a dossier directly, in the employer's place, up to the agreed
    amount (subrogation de paiement). Recorded by staff with the Accord de prise en charge; the rules of its
    invoices are in invoicing.subrogation (R.6332-25 I), the FACTURATION page in oGestion shows them."""

    dossier = models.OneToOneField(
        "dossiers.Dossier", on_delete=models.CASCADE, related_name="subrogation", verbose_name="dossier"
    )
    agreed_amount = models.DecimalField(
        "montant accordé à l'organisme (€)",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text="Vide : le montant accordé du dossier (accord de prise en charge). Le total facturé ne le dépasse "
        "jamais.",
    )
    invoice_during_training = models.BooleanField(
        "facturation en cours de formation",
        default=False,
        help_text="Coché : l'accord prévoit un paiement échelonné au fur et à mesure de la formation (R.6332-25 I), "
        "chaque facture couvrant des heures déjà suivies ; sinon l'organisme facture après la fin de la formation.",
    )
    payment_delay_days = models.PositiveSmallIntegerField(
        "délai de paiement (jours)", default=30, help_text="À compter de la réception de la facture."
    )
    created_at = models.DateTimeField("enregistrée le", default=timezone.now)

    class Meta:
        verbose_name = "subrogation de paiement"
        verbose_name_plural = "subrogations de paiement"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"Subrogation du dossier {self.dossier}"

    def clean(self):
        if self.dossier_id and self.dossier.scheme == "ALTE":
            raise ValidationError(
                {"dossier": "Un contrat d'apprentissage se facture sur l'échéancier du NPEC, pas par subrogation."}
            )

    def agreement(self) -> "subrogation_rules.Agreement | None":
        """The pure rules' input, or None while no amount is agreed."""
        amount = self.agreed_amount if self.agreed_amount is not None else self.dossier.agreed_amount
        if amount is None:
            return None
        return subrogation_rules.Agreement(
            agreed_amount=amount,
            starts_on=self.dossier.start_date,
            ends_on=self.dossier.end_date,
            invoice_during_training=self.invoice_during_training,
            payment_delay_days=self.payment_delay_days,
        )
