"""The rupture of an accepted apprenticeship contract, declared online by the employer.

    problem = contract_problem(dossier)                  # None, or why nothing can be declared on this dossier
    problems = rupture_problems(dossier, values, ...)    # field → French messages; empty when it can be declared
    rupture = declare_rupture(dossier, user=..., ...)    # ValidationError(problems), or the ContractRupture

Declaring ends the dossier at the rupture date (status "Rompu", shown "Rompu le 14/02/2027"), keeps the signed
document among the dossier's received documents, writes the change in the dossier's status history and emails the
CFA's users (the OPCO tells the CFA). It is idempotent: a second
"Transmettre" waits for the first (row lock) and gets the same rupture back, without a second email.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import PORTAL_ROLES, Membership, Portal
from common.emails import send_email_on_commit
from common.uploads import check_upload
from deadlines.services import refresh_deadlines
from dossiers.cerfa.codes import (
    MIN_TRAINING_SHARE,
    RUPTURE_DOCUMENTS,
    RUPTURE_FIRST_45_DAYS,
    RUPTURE_INITIATIVE,
    RUPTURE_INITIATIVES_BY_MOTIF,
    RUPTURE_MOTIF,
    RUPTURE_MUTUAL_AGREEMENT,
    RUPTURE_TRIAL_PRACTICAL_DAYS,
)
from dossiers.cerfa.normalise import parse_date
from dossiers.contract import contract_dates
from dossiers.models import (
    Document,
    DocumentDirection,
    DocumentKind,
    Dossier,
    DossierStatus,
    DossierStatusChange,
    Scheme,
)
from funding.models import ContractRupture
from webhooks import events, payloads

NOT_AN_APPRENTICESHIP = (
    "Ce dossier n'est pas un contrat d'apprentissage : une rupture ou un avenant ne se déclare que sur le dossier "
    "d'un contrat d'apprentissage."
)
NOT_ACCEPTED = (
    "Ce contrat d'apprentissage n'est pas encore accepté par Constructys (état « {status} ») : une rupture ou un "
    "avenant se déclare une fois le contrat accepté. En attendant, écrivez à votre gestionnaire depuis l'onglet "
    "Message(s)."
)
ALREADY_BROKEN = "Ce contrat a déjà été rompu le {date:%d/%m/%Y}."


def contract_problem(dossier: Dossier) -> str | None:
    """Why no rupture (nor avenant) can be declared on this dossier; None for an accepted apprenticeship contract."""
    if dossier.scheme != Scheme.ALTE:
        return NOT_AN_APPRENTICESHIP
    if dossier.status == DossierStatus.TERMINATED:
        return ALREADY_BROKEN.format(date=dossier.end_date)
    if dossier.status != DossierStatus.ACCEPTED:
        return NOT_ACCEPTED.format(status=dossier.get_status_display())
    return None


def check_company_user(dossier: Dossier, user) -> None:
    """The rights are checked here, not only by the views: the user acts for the dossier's employer."""
    if not Dossier.objects.for_company_user(user).filter(pk=dossier.pk).exists():
        raise PermissionDenied("Ce dossier n'est pas celui d'un de vos établissements.")


# --- the 45 days of practical training ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PracticalTraining:
    """The days of practical training in the company up to a date, counted from the start of practical training;
    `estimated` when the portal does not know the alternance calendar (always, today)."""

    start: datetime.date
    days: int
    estimated: bool

    @property
    def explanation(self) -> str:
        if not self.estimated:
            return f"{self.days} jours de formation pratique depuis le {self.start:%d/%m/%Y}"
        return (
            f"estimation : {self.days} jours de formation pratique depuis le {self.start:%d/%m/%Y} (le calendrier "
            "de l'alternance n'est pas connu du portail ; au plus 75 % des jours écoulés se passent en entreprise, "
            "la formation en CFA représentant au moins 25 % de la durée du contrat, art. L. 6211-2)"
        )


def _contract_data(dossier: Dossier) -> dict:
    request = getattr(dossier, "funding_request", None)
    return (request.data or {}) if request is not None else {}


def practical_training_start(dossier: Dossier) -> datetime.date:
    data = _contract_data(dossier)
    return (
        parse_date(data.get("contrat_date_debut_formation_pratique"))
        or parse_date(data.get("contrat_date_debut_execution"))
        or dossier.start_date
    )


def practical_training(dossier: Dossier, on: datetime.date) -> PracticalTraining:
    """Without the calendar, the days in the company are estimated as the share of the elapsed days the CFA does not
    take: at most 75 % of them (L. 6211-2: the CFA has at least 25 % of the contract's duration), the most the
    company can have had."""
    start = practical_training_start(dossier)
    elapsed = max((on - start).days + 1, 0)
    days = int((Decimal(elapsed) * (1 - MIN_TRAINING_SHARE)).to_integral_value(rounding=ROUND_FLOOR))
    return PracticalTraining(start=start, days=days, estimated=True)


# --- checks -------------------------------------------------------------------------------------------------------


def document_needed(reason: str) -> str | None:
    """The signed document a reason needs (described in French), None when it needs none."""
    return RUPTURE_DOCUMENTS.get(reason)


def rupture_problems(
    dossier: Dossier, *, rupture_date: datetime.date | None, reason: str, initiative: str, has_document: bool
) -> dict[str, list[str]]:
    """What prevents the declaration, field by field ("date", "motif", "initiative", "document")."""
    problems: dict[str, list[str]] = {}

    def add(field, message):
        problems.setdefault(field, []).append(message)

    start, end = contract_dates(dossier)  # the contract's, not the training's (the dossier's own dates)
    if rupture_date is None:
        add("date", "Indiquez la date de la rupture (JJ/MM/AAAA).")
    elif rupture_date <= start:
        add("date", f"La date de la rupture doit être postérieure au début du contrat ({start:%d/%m/%Y}).")
    elif rupture_date > end:
        add("date", f"La date de la rupture ne peut pas dépasser la fin du contrat ({end:%d/%m/%Y}).")
    if reason not in RUPTURE_MOTIF:
        add("motif", "Choisissez le motif de la rupture dans la liste.")
    if initiative not in RUPTURE_INITIATIVE:
        add("initiative", "Indiquez à l'initiative de qui le contrat est rompu.")
    allowed = RUPTURE_INITIATIVES_BY_MOTIF.get(reason, set())
    if initiative in RUPTURE_INITIATIVE and reason in RUPTURE_MOTIF and initiative not in allowed:
        if reason == RUPTURE_MUTUAL_AGREEMENT:
            add("initiative", "Une rupture d'un commun accord est à l'initiative des deux parties.")
        else:
            who = " ou ".join(sorted(RUPTURE_INITIATIVE.label(code).lower() for code in allowed))
            add("initiative", f"Pour ce motif, la rupture est à l'initiative de : {who}.")
    if reason == RUPTURE_FIRST_45_DAYS and rupture_date is not None and "date" not in problems:
        practical = practical_training(dossier, rupture_date)
        if practical.days > RUPTURE_TRIAL_PRACTICAL_DAYS:
            add(
                "motif",
                f"Ce motif n'est possible que pendant les {RUPTURE_TRIAL_PRACTICAL_DAYS} premiers jours de formation "
                f"pratique en entreprise ; au {rupture_date:%d/%m/%Y} : {practical.explanation}. Choisissez un autre "
                "motif (par exemple la rupture d'un commun accord).",
            )
    needed = document_needed(reason)
    if needed and not has_document:
        add("document", f"Ce motif demande un document signé : joignez {needed} (PDF, JPEG ou PNG).")
    return problems


# --- declaration --------------------------------------------------------------------------------------------------


def provider_recipients(dossier: Dossier) -> list[str]:
    """The CFA's users (oGestion members of the training establishment), or the provider's contact address."""
    provider = dossier.provider_establishment
    if provider is None:
        return []
    emails = set(
        Membership.objects.filter(establishment=provider, role__in=PORTAL_ROLES[Portal.OGESTION]).values_list(
            "user__email", flat=True
        )
    )
    if not emails and provider.organisation.contact_email:
        emails = {provider.organisation.contact_email}
    return sorted(email for email in emails if email)


@transaction.atomic
def declare_rupture(
    dossier: Dossier,
    *,
    user,
    rupture_date: datetime.date | None,
    reason: str,
    initiative: str,
    uploaded_file=None,
) -> ContractRupture:
    """Declare the rupture; a refused declaration or file changes nothing. A second call returns the first rupture."""
    check_company_user(dossier, user)
    locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
    existing = ContractRupture.objects.filter(dossier=locked).first()
    if existing is not None:
        return existing
    problem = contract_problem(locked)
    if problem:
        raise ValidationError({"__all__": [problem]})
    problems = rupture_problems(
        locked, rupture_date=rupture_date, reason=reason, initiative=initiative, has_document=uploaded_file is not None
    )
    checked = None
    if uploaded_file is not None and "document" not in problems:
        try:
            checked = check_upload(uploaded_file)
        except ValidationError as exc:
            problems["document"] = exc.messages
    if problems:
        raise ValidationError(problems)
    document = None
    if checked is not None:
        document = Document.objects.create(
            dossier=locked,
            direction=DocumentDirection.RECEIVED,
            kind=DocumentKind.OTHER,
            uploaded_by=user,
            **checked.stored_fields(),
        )
    practical = practical_training(locked, rupture_date) if reason == RUPTURE_FIRST_45_DAYS else None
    rupture = ContractRupture.objects.create(
        dossier=locked,
        rupture_date=rupture_date,
        reason=reason,
        initiative=initiative,
        previous_end_date=contract_dates(locked)[1],
        practical_days=practical.days if practical else None,
        practical_days_estimated=bool(practical and practical.estimated),
        document=document,
        declared_by=user,
    )
    previous = locked.status
    locked.status = DossierStatus.TERMINATED
    locked.end_date = rupture_date
    locked.start_date = min(locked.start_date, rupture_date)  # broken before the training at the CFA started
    locked.save(update_fields=["status", "start_date", "end_date", "updated_at"])
    change = DossierStatusChange.objects.create(
        dossier=locked,
        from_status=previous,
        to_status=locked.status,
        changed_by=user,
        note=f"Rupture déclarée par l'entreprise le {timezone.localdate():%d/%m/%Y} : {rupture.reason_label} "
        f"(fin prévue : {rupture.previous_end_date:%d/%m/%Y}).",
    )
    refresh_deadlines(locked)  # events after the rupture go, in this transaction
    _email_provider(locked, rupture)
    parties = payloads.dossier_parties(locked)
    events.emit("dossier.status_changed", lambda: payloads.status_change(change), establishments=parties)
    events.emit("rupture.recorded", lambda: payloads.rupture(rupture), establishments=parties)
    dossier.status, dossier.start_date, dossier.end_date = locked.status, locked.start_date, locked.end_date
    return rupture


def _email_provider(dossier: Dossier, rupture: ContractRupture) -> None:
    recipients = provider_recipients(dossier)
    if not recipients:
        return
    apprentice = dossier.enrolments.select_related("person").first()
    send_email_on_commit(
        "contract_rupture",
        {
            "dossier": dossier,
            "rupture": rupture,
            "apprentice": apprentice.person if apprentice else None,
            "employer": dossier.employer_establishment,
            "url": settings.SITE_URL + reverse("ogestion:dossier", args=[dossier.number]),
        },
        to=recipients,
    )


def acknowledge(queryset, user) -> int:
    """The case manager took the ruptures into account (the back office's queue); already acknowledged ones keep
    their first acknowledgement."""
    return queryset.filter(acknowledged_at__isnull=True).update(acknowledged_by=user, acknowledged_at=timezone.now())
